package dev.ergometer.benchmarks;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
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
 * The parts of {@link PowercapReadBenchmark}'s read, to see where Java's time over the C floor goes: the 8 pread
 * downcalls alone (no parse), with and without capturing errno, and the bare FFM downcall cost (strnlen on an empty
 * string: no syscall), with and without capturing errno. Handles and buffers are made as NativeFile makes them
 * (a shared arena). Per op: 8 calls.
 *
 * <p>The parse costs what {@code PowercapReadBenchmark.read} takes beyond {@code pread}. Run from the repository root:
 * <pre>
 * ./mvnw -q -B -pl ergometer-benchmarks -am package -DskipTests
 * java -jar ergometer-benchmarks/target/benchmarks.jar 'PreadDowncallBenchmark|PowercapReadBenchmark.read$' -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(value = 3, jvmArgsAppend = "--enable-native-access=ALL-UNNAMED")
public class PreadDowncallBenchmark {

    private static final Linker LINKER = Linker.nativeLinker();
    private static final Linker.Option ERRNO = Linker.Option.captureCallState("errno");
    private static final FunctionDescriptor PREAD = FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG);
    private static final FunctionDescriptor STRNLEN = FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.ADDRESS, ValueLayout.JAVA_LONG);
    private static final MethodHandle PREAD_PLAIN = handle("pread", PREAD);
    private static final MethodHandle PREAD_ERRNO = handle("pread", PREAD, ERRNO);
    private static final MethodHandle STRNLEN_PLAIN = handle("strnlen", STRNLEN);
    private static final MethodHandle STRNLEN_ERRNO = handle("strnlen", STRNLEN, ERRNO);
    private static final MethodHandle OPEN = handle("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = handle("close",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private final int[] fds = new int[8];
    private Path dir;
    private Arena arena;
    private MemorySegment callState;
    private MemorySegment buffer;

    @Setup
    public void openFiles() throws Throwable {
        dir = Files.createTempDirectory("erg-bench-pread");
        MakeFakeTree.create(dir);
        arena = Arena.ofShared();
        callState = arena.allocate(Linker.Option.captureStateLayout());
        buffer = arena.allocate(64, 8);
        for (int i = 0; i < fds.length; i++) {
            Path energy = dir.resolve("class/powercap").resolve(MakeFakeTree.ZONES.get(i)).resolve("energy_uj");
            fds[i] = (int) OPEN.invokeExact(arena.allocateFrom(energy.toString()), 0);
            if (fds[i] < 0) {
                throw new IOException("cannot open " + energy);
            }
        }
    }

    @Benchmark
    public long pread() throws Throwable {
        long bytes = 0;
        for (int fd : fds) {
            bytes += (long) PREAD_PLAIN.invokeExact(fd, buffer, 63L, 0L);
        }
        return bytes;
    }

    @Benchmark
    public long preadCapturingErrno() throws Throwable {
        long bytes = 0;
        for (int fd : fds) {
            bytes += (long) PREAD_ERRNO.invokeExact(callState, fd, buffer, 63L, 0L);
        }
        return bytes;
    }

    @Benchmark
    public long downcall() throws Throwable {
        long length = 0;
        for (int i = 0; i < fds.length; i++) {
            length += (long) STRNLEN_PLAIN.invokeExact(buffer, 0L);
        }
        return length;
    }

    @Benchmark
    public long downcallCapturingErrno() throws Throwable {
        long length = 0;
        for (int i = 0; i < fds.length; i++) {
            length += (long) STRNLEN_ERRNO.invokeExact(callState, buffer, 0L);
        }
        return length;
    }

    @TearDown
    public void closeFiles() throws Throwable {
        for (int fd : fds) {
            int ignored = (int) CLOSE.invokeExact(fd);
        }
        arena.close();
        MakeFakeTree.deleteRecursively(dir);
    }

    private static MethodHandle handle(String name, FunctionDescriptor descriptor, Linker.Option... options) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor, options);
    }
}
