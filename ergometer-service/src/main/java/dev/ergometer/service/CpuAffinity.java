package dev.ergometer.service;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.BitSet;

/**
 * A process's or thread's CPU affinity, through Linux's {@code sched_setaffinity(2)} and {@code sched_getaffinity(2)}
 * called with the FFM API: pinning a measured process to one core keeps other work off it and its work on it.
 *
 * <p>A pid of 0 means the calling thread; another pid names a process (its main thread) or a thread id.
 */
public final class CpuAffinity {

    /** The size of the CPU mask passed to the kernel: 1024 CPUs, glibc's {@code cpu_set_t}. */
    private static final int MASK_BYTES = 128;
    private static final MethodHandle SET;
    private static final MethodHandle GET;
    private static final MethodHandle STRERROR;
    private static final MemoryLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    static {
        Linker linker = Linker.nativeLinker();
        FunctionDescriptor affinity = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT,
                ValueLayout.JAVA_LONG, ValueLayout.ADDRESS);
        Linker.Option errno = Linker.Option.captureCallState("errno");
        SET = linker.downcallHandle(linker.defaultLookup().find("sched_setaffinity").orElseThrow(), affinity, errno);
        GET = linker.downcallHandle(linker.defaultLookup().find("sched_getaffinity").orElseThrow(), affinity, errno);
        STRERROR = linker.downcallHandle(linker.defaultLookup().find("strerror").orElseThrow(),
                FunctionDescriptor.of(ValueLayout.ADDRESS.withTargetLayout(MemoryLayout.sequenceLayout(256,
                        ValueLayout.JAVA_BYTE)), ValueLayout.JAVA_INT));
    }

    private CpuAffinity() {
    }

    /**
     * Pins {@code pid} (0: the calling thread) to the single core {@code cpu}.
     *
     * @throws IOException when the kernel refuses: no such process, a core outside the allowed set (cpuset) or
     *     offline, or another user's process
     */
    public static void pin(long pid, int cpu) throws IOException {
        if (cpu < 0 || cpu >= MASK_BYTES * 8) {
            throw new IllegalArgumentException("core " + cpu + " is out of range 0.." + (MASK_BYTES * 8 - 1));
        }
        BitSet cpus = new BitSet();
        cpus.set(cpu);
        set(pid, cpus);
    }

    /** Sets the cores {@code pid} (0: the calling thread) may run on. */
    public static void set(long pid, BitSet cpus) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES, 8);
            byte[] bytes = cpus.toByteArray();
            if (bytes.length > MASK_BYTES) {
                throw new IllegalArgumentException("cores above " + (MASK_BYTES * 8 - 1) + " are not supported");
            }
            MemorySegment.copy(bytes, 0, mask, ValueLayout.JAVA_BYTE, 0, bytes.length);
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) SET.invokeExact(state, (int) pid, (long) MASK_BYTES, mask);
            if (rc != 0) {
                int errno = (int) ERRNO.get(state, 0L);
                throw new IOException("sched_setaffinity(" + pid + ", " + cpus + ") failed: " + describe(errno)
                        + hint(errno));
            }
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sched_setaffinity could not be called: " + t, t);
        }
    }

    /** The cores {@code pid} (0: the calling thread) may run on. */
    public static BitSet of(long pid) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment mask = arena.allocate(MASK_BYTES, 8);
            MemorySegment state = arena.allocate(CAPTURE);
            int rc = (int) GET.invokeExact(state, (int) pid, (long) MASK_BYTES, mask);
            if (rc != 0) {
                int errno = (int) ERRNO.get(state, 0L);
                throw new IOException("sched_getaffinity(" + pid + ") failed: " + describe(errno) + hint(errno));
            }
            return BitSet.valueOf(mask.toArray(ValueLayout.JAVA_BYTE));
        } catch (IOException | RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException("sched_getaffinity could not be called: " + t, t);
        }
    }

    private static String describe(int errno) throws Throwable {
        MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
        return text.getString(0) + " (errno " + errno + ")";
    }

    private static String hint(int errno) {
        return switch (errno) {
            case 3 -> "; the process has exited";
            case 22 -> "; the core is offline or outside this process's cpuset: choose one of the allowed cores"
                    + " (MEASUREMENT_CORES, `taskset -pc $$` shows them)";
            case 1 -> "; the process belongs to another user: run the service as that user or as root";
            default -> "";
        };
    }
}
