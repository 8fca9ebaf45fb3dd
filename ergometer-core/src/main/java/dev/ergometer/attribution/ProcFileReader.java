package dev.ergometer.attribution;

import dev.ergometer.source.EnergyReadException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Reads the small per-process files of procfs ({@code <pid>/stat}, {@code <pid>/cgroup}) with {@code open},
 * one {@code pread} and {@code close}, into one reused native buffer, building the path in place: no allocation per
 * file.
 *
 * <p>Per-process files cannot be opened once like counters ({@link dev.ergometer.source.NativeFile}): processes come
 * and go, and keeping thousands of descriptors open would eat the process's file limit. Not thread-safe.
 */
final class ProcFileReader implements AutoCloseable {

    static final int BUFFER_BYTES = 4096;
    private static final int PATH_BYTES = 4096;
    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int ENOENT = 2;
    private static final int ESRCH = 3;
    private static final int EINTR = 4;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN = LINKER.downcallHandle(LINKER.defaultLookup().find("open").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle PREAD = LINKER.downcallHandle(LINKER.defaultLookup().find("pread").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
            Linker.Option.captureCallState("errno"));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private final Path procfs;
    private final Arena arena;
    private final MemorySegment path;
    private final MemorySegment data;
    private final MemorySegment callState;
    private final int rootLength;

    ProcFileReader(Path procfs) {
        this.procfs = procfs;
        byte[] root = (procfs.toString() + "/").getBytes(StandardCharsets.UTF_8);
        if (root.length > PATH_BYTES - 64) {
            throw new IllegalArgumentException("procfs path too long: " + procfs);
        }
        this.arena = Arena.ofShared();
        this.path = arena.allocate(PATH_BYTES);
        this.data = arena.allocate(BUFFER_BYTES);
        this.callState = arena.allocate(CALL_STATE);
        MemorySegment.copy(root, 0, path, ValueLayout.JAVA_BYTE, 0, root.length);
        this.rootLength = root.length;
    }

    /**
     * Reads {@code <procfs>/<pid>/<leaf>} into the buffer.
     *
     * @param leaf the file's name as ASCII bytes, for example {@code stat}
     * @return the number of bytes read (at most {@link #BUFFER_BYTES}), or -1 when the process is gone
     * @throws EnergyReadException when the file exists but cannot be read
     */
    int read(int pid, byte[] leaf) {
        int at = rootLength;
        at = writeDecimal(pid, at);
        path.set(ValueLayout.JAVA_BYTE, at++, (byte) '/');
        for (byte b : leaf) {
            path.set(ValueLayout.JAVA_BYTE, at++, b);
        }
        path.set(ValueLayout.JAVA_BYTE, at, (byte) 0);
        try {
            int fd = (int) OPEN.invokeExact(callState, path, O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                int errno = (int) ERRNO.get(callState, 0L);
                if (errno == ENOENT || errno == ESRCH) {
                    return -1;
                }
                throw new EnergyReadException("cannot open " + describe(pid, leaf) + ": errno " + errno);
            }
            try {
                while (true) {
                    long n = (long) PREAD.invokeExact(callState, fd, data, (long) BUFFER_BYTES, 0L);
                    if (n >= 0) {
                        return (int) n;
                    }
                    int errno = (int) ERRNO.get(callState, 0L);
                    if (errno == ESRCH || errno == ENOENT) {
                        return -1;
                    }
                    if (errno != EINTR) {
                        throw new EnergyReadException("cannot read " + describe(pid, leaf) + ": errno " + errno);
                    }
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (EnergyReadException e) {
            throw e;
        } catch (Throwable t) {
            throw new EnergyReadException("cannot read " + describe(pid, leaf) + ": " + t, t);
        }
    }

    /** The byte at {@code index} of the last read. */
    byte byteAt(int index) {
        return data.get(ValueLayout.JAVA_BYTE, index);
    }

    /** Bytes {@code from} (inclusive) to {@code to} (exclusive) of the last read, as a string (allocates). */
    String string(int from, int to) {
        byte[] bytes = new byte[to - from];
        MemorySegment.copy(data, ValueLayout.JAVA_BYTE, from, bytes, 0, bytes.length);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    String describe(int pid, byte[] leaf) {
        return procfs.resolve(pid + "/" + new String(leaf, StandardCharsets.US_ASCII)).toString();
    }

    private int writeDecimal(int value, int at) {
        int digits = 1;
        for (int v = value; v >= 10; v /= 10) {
            digits++;
        }
        for (int i = digits - 1; i >= 0; i--) {
            path.set(ValueLayout.JAVA_BYTE, at + i, (byte) ('0' + value % 10));
            value /= 10;
        }
        return at + digits;
    }

    @Override
    public void close() {
        arena.close();
    }
}
