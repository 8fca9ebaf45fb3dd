package dev.ergometer.benchmarks;

import dev.ergometer.sampler.EnergySnapshot;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.powercap.PowercapSource;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of the {@link Sampler} on top of {@link PowercapSource#read(long[])}, on the same two-socket fake tree as
 * {@link PowercapReadBenchmark}: {@code update()} (read, clock, wrap-safe accumulation of 8 deltas, no allocation)
 * and {@code sample()} (the same plus an {@link EnergySnapshot}), in ns per call, single thread, background thread
 * not started.
 *
 * <p>Run from the repository root:
 * <pre>
 * ./mvnw -q -B -pl ergometer-benchmarks -am package -DskipTests
 * java -jar ergometer-benchmarks/target/benchmarks.jar SamplerBenchmark -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class SamplerBenchmark {

    Path dir;
    private PowercapSource source;
    private Sampler sampler;

    @Setup
    public void openSampler() throws IOException, SourceUnavailableException {
        dir = Files.createTempDirectory("erg-bench-sampler");
        MakeFakeTree.create(dir);
        source = PowercapSource.open(SystemPaths.real().withSysfs(dir));
        sampler = new Sampler(source, Ticker.system(), Sampler.DEFAULT_INTERVAL_NANOS);
    }

    @Benchmark
    public void update() {
        sampler.update();
    }

    @Benchmark
    public EnergySnapshot sample() {
        return sampler.sample();
    }

    @TearDown
    public void close() throws IOException {
        sampler.close();
        source.close();
        MakeFakeTree.deleteRecursively(dir);
    }
}
