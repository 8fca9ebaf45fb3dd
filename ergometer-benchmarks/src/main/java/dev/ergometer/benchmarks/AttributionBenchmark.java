package dev.ergometer.benchmarks;

import dev.ergometer.attribution.AttributedInterval;
import dev.ergometer.attribution.AttributionSampler;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.powercap.PowercapSource;
import dev.ergometer.testkit.FakeProcfs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One attribution tick over a synthetic /proc of 100, 1,000 or 10,000 processes: list the pids, read and parse each
 * {@code <pid>/stat} (the real readers, through FFM), read {@code /proc/stat} and the fake RAPL counters (8 domains),
 * and split each domain's energy among all processes. In µs per tick; with {@code -prof gc}, bytes per tick.
 *
 * <p>Run from the repository root:
 * <pre>
 * ./mvnw -q -B -pl ergometer-benchmarks -am package -DskipTests
 * java -jar ergometer-benchmarks/target/benchmarks.jar AttributionBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class AttributionBenchmark {

    @Param({"100", "1000", "10000"})
    public int processes;

    private Path dir;
    private PowercapSource source;
    private Sampler sampler;
    private AttributionSampler attribution;

    @Setup
    public void makeProc() throws Exception {
        dir = Files.createTempDirectory("erg-bench-attribution");
        MakeFakeTree.create(dir);
        FakeProcfs proc = FakeProcfs.machine(dir.resolve("proc"), 8);
        for (int pid = 1; pid <= processes; pid++) {
            proc.process(pid, "worker " + pid, pid == 1 ? 0 : 1, pid * 7L, pid * 3L, 0, 0, 1000 + pid,
                    "/system.slice/app-" + (pid % 50) + ".scope");
        }
        SystemPaths paths = SystemPaths.real().withSysfs(dir).withProcfs(proc.root());
        source = PowercapSource.open(paths);
        sampler = new Sampler(source, Ticker.system(), Sampler.DEFAULT_INTERVAL_NANOS);
        attribution = AttributionSampler.processes(sampler, paths);
    }

    @Benchmark
    public AttributedInterval tick() {
        return attribution.tick();
    }

    @TearDown
    public void close() throws IOException {
        attribution.close();
        sampler.close();
        source.close();
        MakeFakeTree.deleteRecursively(dir);
    }
}
