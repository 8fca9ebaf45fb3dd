package dev.ergometer.benchmarks;

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
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of one {@link PowercapSource#read(long[])} of all 8 domains of a two-socket fake powercap tree: 8
 * {@code pread(2)} downcalls through FFM and 8 decimal parses, single thread, in ns per read of all 8.
 *
 * <p>Compare it with the C floor, which does the same 8 preads and parses on the same tree
 * ({@code ergometer-benchmarks/run-read-floor.sh} runs both and prints the ratio). Run alone, from the repository root:
 * <pre>
 * ./mvnw -q -B -pl ergometer-benchmarks -am package -DskipTests
 * java -jar ergometer-benchmarks/target/benchmarks.jar PowercapReadBenchmark -prof gc
 * </pre>
 * ({@code 'PowercapReadBenchmark.read$'} for {@code read} alone, without {@code readWithC1Only}.)
 * {@code -prof gc} adds {@code gc.alloc.rate.norm}, the bytes allocated per read (0 expected).
 * {@code -p sysfs=DIR} reads an existing tree made by {@link MakeFakeTree} instead of a fresh temporary one.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PowercapReadBenchmark {

    /** The folder playing /sys; empty for a fresh tree in a temporary folder, deleted after the run. */
    @Param("")
    public String sysfs;

    Path madeDir;
    private PowercapSource source;
    private long[] microjoules;

    @Setup
    public void openSource() throws IOException, SourceUnavailableException {
        source = PowercapSource.open(SystemPaths.real().withSysfs(sysfsRoot()));
        if (source.counters().size() != 8) {
            throw new IllegalStateException("expected 8 domains, found " + source.domains());
        }
        microjoules = new long[source.counters().size()];
    }

    @Benchmark
    public long[] read() {
        source.read(microjoules);
        return microjoules;
    }

    /**
     * The same read compiled by C1 only ({@code -XX:TieredStopAtLevel=1}): what a sampler reading once a second gets,
     * as it seldom runs long enough for C2 to compile the read.
     */
    @Benchmark
    @Fork(value = 3, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-XX:TieredStopAtLevel=1"})
    public long[] readWithC1Only() {
        source.read(microjoules);
        return microjoules;
    }

    @TearDown
    public void closeSource() throws IOException {
        source.close();
        if (madeDir != null) {
            MakeFakeTree.deleteRecursively(madeDir);
        }
    }

    private Path sysfsRoot() throws IOException {
        if (!sysfs.isEmpty()) {
            return Path.of(sysfs);
        }
        madeDir = Files.createTempDirectory("erg-bench-powercap");
        MakeFakeTree.create(madeDir);
        return madeDir;
    }
}
