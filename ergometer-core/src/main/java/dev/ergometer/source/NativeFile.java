package dev.ergometer.source;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * A file opened once with {@code open(2)} and read many times with {@code pread(2)} through the FFM API, with no
 * allocation per read: the read path of every sysfs counter ({@code energy_uj}, hwmon inputs) and of MSR device files.
 *
 * <p>Not thread-safe: one reader at a time (the sampler serialises reads).
 */
public final class NativeFile implements AutoCloseable {

    private static final int O_RDONLY = 0;
    private static final int O_CLOEXEC = 0x80000;
    private static final int EACCES = 13;
    private static final int EPERM = 1;
    private static final int ENOENT = 2;
    private static final int EINTR = 4;
    private static final int BUFFER_BYTES = 64;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final FunctionDescriptor PREAD_DESCRIPTOR = FunctionDescriptor.of(ValueLayout.JAVA_LONG,
            ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG);
    /**
     * pread without errno: the hot path. Capturing errno costs an allocation per call (40 bytes) in the interpreter
     * and in C1-compiled code, where a sampler reading once a second stays, and a few ns in C2.
     */
    private static final MethodHandle PREAD = LINKER.downcallHandle(
            LINKER.defaultLookup().find("pread").orElseThrow(), PREAD_DESCRIPTOR);
    private static final MethodHandle CLOSE = LINKER.downcallHandle(
            LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private final Path path;
    private final Arena arena;
    private final MemorySegment buffer;
    private final MemorySegment callState;
    private int fd;

    private NativeFile(Path path, Arena arena, MemorySegment buffer, MemorySegment callState, int fd) {
        this.path = path;
        this.arena = arena;
        this.buffer = buffer;
        this.callState = callState;
        this.fd = fd;
    }

    /**
     * Opens a file for reading.
     *
     * @throws AccessDeniedException when the file exists but may not be read by this user
     * @throws NoSuchFileException when the file does not exist
     * @throws IOException on any other error, naming errno
     */
    public static NativeFile open(Path path) throws IOException {
        Arena arena = Arena.ofShared();
        try {
            MemorySegment callState = arena.allocate(CALL_STATE);
            MemorySegment cPath = arena.allocateFrom(path.toString());
            int fd = (int) OPEN.invokeExact(callState, cPath, O_RDONLY | O_CLOEXEC);
            if (fd < 0) {
                int errno = (int) ERRNO.get(callState, 0L);
                throw openError(path, errno);
            }
            return new NativeFile(path, arena, arena.allocate(BUFFER_BYTES, 8), callState, fd);
        } catch (IOException | RuntimeException | Error e) {
            arena.close();
            throw e;
        } catch (Throwable t) {
            arena.close();
            throw new IOException("cannot open " + path + ": " + t, t);
        }
    }

    /** The path this file was opened from. */
    public Path path() {
        return path;
    }

    /**
     * Reads the file from offset 0 and parses a non-negative decimal integer at its start (as in sysfs files such as
     * {@code energy_uj}: digits, then a newline).
     *
     * @throws EnergyReadException when the read fails or the content is not a number
     */
    public long readDecimal() {
        long n = pread(0, BUFFER_BYTES - 1);
        long value = 0;
        int digits = 0;
        for (int i = 0; i < n; i++) {
            byte b = buffer.get(ValueLayout.JAVA_BYTE, i);
            if (b >= '0' && b <= '9') {
                if (digits == 19) {
                    throw new EnergyReadException(path + " holds a number too large for 64 bits");
                }
                value = value * 10 + (b - '0');
                digits++;
            } else if (b == '\n' || b == ' ' || b == 0) {
                break;
            } else {
                throw new EnergyReadException(path + " does not hold a non-negative integer: byte '" + (char) b
                        + "' at position " + i);
            }
        }
        if (digits == 0) {
            throw new EnergyReadException(path + " is empty; expected a non-negative integer");
        }
        return value;
    }

    /**
     * Reads 8 bytes at {@code offset} as a little-endian 64-bit value: how {@code /dev/cpu/N/msr} returns the model
     * specific register whose address is the offset.
     *
     * @throws EnergyReadException when fewer than 8 bytes could be read
     */
    public long readLongAt(long offset) {
        long n = pread(offset, 8);
        if (n != 8) {
            throw new EnergyReadException(path + ": read " + n + " bytes at offset 0x" + Long.toHexString(offset)
                    + ", expected 8 (register not implemented on this CPU?)");
        }
        return buffer.get(ValueLayout.JAVA_LONG_UNALIGNED, 0);
    }

    /**
     * Reads the start of the file into {@code destination} with one {@code pread(2)} at offset 0, for files whose
     * first line is longer than the internal buffer (the {@code cpu} line of {@code /proc/stat}).
     *
     * @param destination a native segment (from an {@link Arena}); receives up to its size in bytes
     * @return the number of bytes read (0 at end of file)
     * @throws EnergyReadException when the read fails
     */
    public int readInto(MemorySegment destination) {
        if (!destination.isNative()) {
            throw new IllegalArgumentException("readInto needs a native segment, got a heap segment");
        }
        return (int) pread(destination, 0, destination.byteSize());
    }

    private long pread(long offset, long count) {
        return pread(buffer, offset, count);
    }

    private long pread(MemorySegment target, long offset, long count) {
        if (fd < 0) {
            throw new EnergyReadException(path + " is closed");
        }
        try {
            long n = (long) PREAD.invokeExact(fd, target, count, offset);
            return n >= 0 ? n : preadCapturingErrno(target, offset, count);
        } catch (EnergyReadException e) {
            throw e;
        } catch (Throwable t) {
            throw new EnergyReadException("cannot read " + path + ": " + t, t);
        }
    }

    /**
     * Reads again after a failed read, this time capturing errno: returns what the read gives if it succeeds now (an
     * interrupted read, or a failure that did not last), else fails naming errno. The kernel's errno of the first
     * failure cannot be read afterwards (the JVM may have changed errno since), hence the second read.
     */
    private long preadCapturingErrno(MemorySegment target, long offset, long count) throws Throwable {
        while (true) {
            long n = (long) ErrnoCapturingPread.HANDLE.invokeExact(callState, fd, target, count, offset);
            if (n >= 0) {
                return n;
            }
            int errno = (int) ERRNO.get(callState, 0L);
            if (errno != EINTR) {
                throw new EnergyReadException("cannot read " + path + ": errno " + errno
                        + (errno == EACCES || errno == EPERM ? " (permission denied)" : ""));
            }
        }
    }

    @Override
    public void close() {
        if (fd >= 0) {
            try {
                int ignored = (int) CLOSE.invokeExact(fd);
            } catch (Throwable ignored) {
                // closing a read-only descriptor cannot lose data
            }
            fd = -1;
            arena.close();
        }
    }

    /** The pread that captures errno, made on the first failed read: each downcall handle costs ms to make. */
    private static final class ErrnoCapturingPread {
        static final MethodHandle HANDLE = downcall("pread", PREAD_DESCRIPTOR);
    }

    private static IOException openError(Path path, int errno) {
        return switch (errno) {
            case EACCES, EPERM -> new AccessDeniedException(path.toString(), null, "permission denied");
            case ENOENT -> new NoSuchFileException(path.toString());
            default -> new IOException("cannot open " + path + ": errno " + errno);
        };
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        SymbolLookup libc = LINKER.defaultLookup();
        return LINKER.downcallHandle(libc.find(name).orElseThrow(), descriptor, Linker.Option.captureCallState("errno"));
    }
}
