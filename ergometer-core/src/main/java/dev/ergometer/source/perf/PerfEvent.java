package dev.ergometer.source.perf;

import dev.ergometer.source.EnergyReadException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * An open perf event: the file descriptor {@link PerfEventOpen} returned, read as one unsigned 64-bit count with
 * {@code read(2)} into a buffer allocated once, so that {@link #readCount()} does not allocate.
 *
 * <p>Not thread-safe: one reader at a time (the sampler serialises reads).
 */
public final class PerfEvent implements AutoCloseable {

    private static final int EINTR = 4;
    private static final long COUNT_BYTES = 8;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle READ = LINKER.downcallHandle(
            LINKER.defaultLookup().find("read").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle CLOSE_IGNORING_ERRNO = LINKER.downcallHandle(
            LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private final String event;
    private final Arena arena;
    private final MemorySegment count;
    private final MemorySegment callState;
    private int fd;

    private PerfEvent(int fd, String event, Arena arena) {
        this.fd = fd;
        this.event = event;
        this.arena = arena;
        this.count = arena.allocate(COUNT_BYTES, 8);
        this.callState = arena.allocate(PerfEventOpen.CALL_STATE);
    }

    /** Takes ownership of a descriptor perf_event_open returned; closes it if the read buffers cannot be made. */
    static PerfEvent adopt(int fd, String event) {
        Arena arena = Arena.ofShared();
        try {
            return new PerfEvent(fd, event, arena);
        } catch (RuntimeException | Error e) {
            arena.close();
            closeQuietly(fd);
            throw e;
        }
    }

    /** The event as messages name it: type, config, pid and CPU. */
    public String event() {
        return event;
    }

    /** True until {@link #close()}. */
    public boolean isOpen() {
        return fd >= 0;
    }

    /**
     * Reads the event's count: an unsigned 64-bit value (compare with {@link Long#compareUnsigned}) that only grows
     * while the event is open. Does not allocate.
     *
     * @throws EnergyReadException when the event is closed, in error state (its CPU went offline, its PMU went away)
     *     or the read fails
     */
    public long readCount() {
        if (fd < 0) {
            throw new EnergyReadException("perf event (" + event + ") is closed");
        }
        try {
            while (true) {
                long n = (long) READ.invokeExact(callState, fd, count, COUNT_BYTES);
                if (n == COUNT_BYTES) {
                    return count.get(ValueLayout.JAVA_LONG, 0);
                }
                if (n == 0) {
                    throw new EnergyReadException("perf event (" + event + ") reads as end of file: the kernel put"
                            + " it in error state (its CPU went offline or its PMU driver was unloaded); reopen the"
                            + " source");
                }
                if (n > 0) {
                    throw new EnergyReadException("perf event (" + event + "): read returned " + n
                            + " bytes, expected " + COUNT_BYTES);
                }
                int errno = (int) PerfEventOpen.ERRNO.get(callState, 0L);
                if (errno != EINTR) {
                    throw new EnergyReadException("cannot read perf event (" + event + "): read failed with "
                            + PerfEventOpenException.errnoName(errno));
                }
            }
        } catch (EnergyReadException e) {
            throw e;
        } catch (Throwable t) {
            throw new EnergyReadException("cannot read perf event (" + event + "): " + t, t);
        }
    }

    /**
     * Closes the descriptor; closing twice does nothing.
     *
     * @throws IllegalStateException when {@code close(2)} reports an error other than EINTR (after which Linux has
     *     released the descriptor anyway)
     */
    @Override
    public void close() {
        if (fd < 0) {
            return;
        }
        int closing = fd;
        fd = -1;
        int result;
        int errno;
        try {
            result = (int) CLOSE.invokeExact(callState, closing);
            errno = (int) PerfEventOpen.ERRNO.get(callState, 0L);
        } catch (Throwable t) {
            arena.close();
            throw new IllegalStateException("cannot close perf event (" + event + "): " + t, t);
        }
        arena.close();
        if (result != 0 && errno != EINTR) {
            throw new IllegalStateException("close of perf event (" + event + ", fd " + closing + ") failed with "
                    + PerfEventOpenException.errnoName(errno));
        }
    }

    private static void closeQuietly(int fd) {
        try {
            int ignored = (int) CLOSE_IGNORING_ERRNO.invokeExact(fd);
        } catch (Throwable ignored) {
            // only on the path where allocation already failed; that failure is the one reported
        }
    }
}
