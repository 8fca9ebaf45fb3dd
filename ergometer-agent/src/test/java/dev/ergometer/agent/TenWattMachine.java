package dev.ergometer.agent;

import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.powercap.PowercapSource;
import dev.ergometer.testkit.FakePowercapTree;
import dev.ergometer.testkit.FakeProcfs;
import dev.ergometer.testkit.PowerCurve;
import dev.ergometer.testkit.SyntheticCounter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * A fake machine the agent's tests run on: a powercap tree in a test's folder with one package zone
 * ({@code intel-rapl:0}) drawing a constant 10 W, open as a {@link PowercapSource}; and, made by
 * {@link #withWorker}, a fake /proc of 2 CPUs with one process, {@code worker} (pid 100), that {@link #runWorker}
 * keeps busy for attribution.
 *
 * <pre>{@code
 * try (TenWattMachine machine = TenWattMachine.withWorker(root);
 *      Agent agent = machine.startAgent(AgentConfig.from(TenWattMachine.attributingSettings("node-7"), Map.of()))) {
 *     machine.runWorker();
 * }
 * }</pre>
 */
final class TenWattMachine implements AutoCloseable {

    private final SyntheticCounter counter;
    private final EnergySource source;
    private final SystemPaths paths;
    private final FakeProcfs proc;

    private TenWattMachine(SyntheticCounter counter, EnergySource source, SystemPaths paths, FakeProcfs proc) {
        this.counter = counter;
        this.source = source;
        this.paths = paths;
        this.proc = proc;
    }

    /** The 10 W package alone, in {@code root}; /proc is the real one. */
    static TenWattMachine in(Path root) throws SourceUnavailableException {
        return start(root, SystemPaths.real().withSysfs(root), null);
    }

    /** The 10 W package in {@code root} and a fake /proc in {@code root/proc} with the worker, not yet busy. */
    static TenWattMachine withWorker(Path root) throws SourceUnavailableException {
        FakeProcfs proc = FakeProcfs.machine(root.resolve("proc"), 2);
        proc.process(100, "worker", 1, 0, 0, 0, 0, 10, "/user.slice");
        return start(root, SystemPaths.real().withSysfs(root).withProcfs(proc.root()), proc);
    }

    private static TenWattMachine start(Path root, SystemPaths paths, FakeProcfs proc)
            throws SourceUnavailableException {
        FakePowercapTree tree = FakePowercapTree.in(root)
                .zone("intel-rapl:0", "package-0", FakePowercapTree.TYPICAL_RANGE_MICROJOULES);
        SyntheticCounter counter = SyntheticCounter.start(tree.energyFile("intel-rapl:0"), PowerCurve.constant(10),
                FakePowercapTree.TYPICAL_RANGE_MICROJOULES, 1_000_000L);
        try {
            return new TenWattMachine(counter, PowercapSource.open(paths), paths, proc);
        } catch (SourceUnavailableException | RuntimeException e) {
            counter.close();
            throw e;
        }
    }

    /**
     * Settings of a quiet agent (HTTP on a free port, no socket, warnings only) without attribution that reads the
     * package every 50 ms and flushes within 1 s, with {@code keysAndValues} on top.
     */
    static AgentConfig quietConfig(String... keysAndValues) {
        Map<String, String> settings = new HashMap<>(Map.of("HTTP_PORT", "0", "ATTRIBUTION", "false",
                "SCRAPE_INTERVAL_S", "0.05", "LOG_LEVEL", "WARN", "FLUSH_TIMEOUT_S", "1", "AGENT_SOCKET", "off"));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            settings.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return AgentConfig.from(settings, Map.of());
    }

    /**
     * Settings of a quiet agent named {@code hostName} that reads every 100 ms and attributes and pushes every
     * 300 ms, as a mutable map for a test to add its sinks to.
     */
    static Map<String, String> attributingSettings(String hostName) {
        return new HashMap<>(Map.of("HTTP_PORT", "0", "LOG_LEVEL", "WARN", "SCRAPE_INTERVAL_S", "0.1",
                "PUSH_INTERVAL_S", "0.3", "ATTRIBUTION_INTERVAL_S", "0.3", "HOST_NAME", hostName,
                "AGENT_SOCKET", "off"));
    }

    /** Starts an agent with {@code config} on this machine's package (and /proc). */
    Agent startAgent(AgentConfig config) throws IOException {
        return Agent.start(config, source, paths);
    }

    /**
     * Keeps the worker busy for 1.2 s: four steps 300 ms apart (an attribution interval each), in each of which the
     * machine's CPUs count 50 busy and 100 idle ticks more and the worker 40 user and 10 system ticks more.
     */
    void runWorker() throws InterruptedException {
        if (proc == null) {
            throw new IllegalStateException("this machine has no worker: make it with TenWattMachine.withWorker");
        }
        for (int i = 1; i <= 4; i++) {
            proc.advance(50, 100);
            proc.process(100, "worker", 1, 40 * i, 10 * i, 0, 0, 10, "/user.slice");
            Thread.sleep(300);
        }
    }

    /** Closes the source and stops the counter. */
    @Override
    public void close() {
        source.close();
        counter.close();
    }
}
