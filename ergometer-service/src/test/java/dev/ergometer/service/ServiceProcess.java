package dev.ergometer.service;

import dev.ergometer.sampler.Ticker;
import dev.ergometer.service.sandbox.Sandbox;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.powercap.PowercapSource;
import dev.ergometer.testkit.FakePowercapTree;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;

/**
 * The service as a process of its own, for the tests that kill it or run two of it: settings from the environment
 * (as {@code erg serve} takes them), a fake powercap tree of its own, and the sandbox double whose trials each add
 * 0.5 J and take {@code trialMillis}. Every run of a submission appends the submission's first line to the runs log,
 * so the test can count how often each task ran, across processes.
 *
 * <p>Arguments: sysfs folder, trial milliseconds, runs log.
 */
public final class ServiceProcess {

    private ServiceProcess() {
    }

    public static void main(String[] args) throws Exception {
        Path sysfs = Path.of(args[0]);
        long trialMillis = Long.parseLong(args[1]);
        Path runsLog = Path.of(args[2]);
        FakePowercapTree tree = FakePowercapTree.in(sysfs)
                .zone("intel-rapl:0", "package-0", FakePowercapTree.TYPICAL_RANGE_MICROJOULES);
        CounterFile counter = new CounterFile(tree.energyFile("intel-rapl:0"));
        SystemPaths paths = new SystemPaths(sysfs, sysfs.resolveSibling("proc"), sysfs.resolveSibling("dev"));
        ScriptedSandbox scripted = ScriptedSandbox.answering(ServiceApiTest::add, trial -> {
            counter.add(500_000);
            try {
                Thread.sleep(trialMillis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Sandbox sandbox = (request, listener) -> {
            String first = request.code().lines().findFirst().orElse("");
            Files.writeString(runsLog, first + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            return scripted.run(request, listener);
        };
        try (EnergySource source = PowercapSource.FACTORY.open(paths, Ticker.system())) {
            System.exit(ServiceMain.run(null, System.getenv(), Map.of(), source, paths, sandbox,
                    new PrintWriter(System.err, true)));
        }
    }
}
