package dev.ergometer.measure;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * The CPU time (user + system) used by this process's terminated and waited-for children and their own waited-for
 * descendants, from {@code getrusage(RUSAGE_CHILDREN)}; the difference around a command is the CPU time of its
 * process tree.
 */
final class ChildrenCpuTime {

    private static final int RUSAGE_CHILDREN = -1;
    /** struct rusage: two struct timeval (16 bytes each on 64-bit Linux) then 14 longs. */
    private static final long RUSAGE_BYTES = 144;
    private static final MethodHandle GETRUSAGE;

    static {
        Linker linker = Linker.nativeLinker();
        GETRUSAGE = linker.downcallHandle(linker.defaultLookup().find("getrusage").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    }

    private ChildrenCpuTime() {
    }

    /** User plus system CPU time of the waited-for children so far, in nanoseconds. */
    static long nanos() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment usage = arena.allocate(RUSAGE_BYTES, 8);
            int rc = (int) GETRUSAGE.invokeExact(RUSAGE_CHILDREN, usage);
            if (rc != 0) {
                throw new IllegalStateException("getrusage(RUSAGE_CHILDREN) failed");
            }
            long userSeconds = usage.get(ValueLayout.JAVA_LONG, 0);
            long userMicros = usage.get(ValueLayout.JAVA_LONG, 8);
            long systemSeconds = usage.get(ValueLayout.JAVA_LONG, 16);
            long systemMicros = usage.get(ValueLayout.JAVA_LONG, 24);
            return (userSeconds + systemSeconds) * 1_000_000_000L + (userMicros + systemMicros) * 1_000L;
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("getrusage failed: " + t, t);
        }
    }
}
