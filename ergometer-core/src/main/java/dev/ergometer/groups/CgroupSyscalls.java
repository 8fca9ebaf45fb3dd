package dev.ergometer.groups;

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
 * The four system calls that change a cgroup tree ({@code mkdir}, {@code rmdir}, and {@code open} + {@code write} of
 * a control file), made through the FFM API so that each failure comes back as the kernel's errno rather than a
 * localised message: the cgroup code tells "process gone" (ESRCH) from "not allowed" (EACCES) from "busy" (EBUSY).
 */
final class CgroupSyscalls {

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int ESRCH = 3;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int EEXIST = 17;
    static final int EINVAL = 22;
    static final int EROFS = 30;
    static final int ENOTEMPTY = 39;

    private static final int O_WRONLY = 1;
    private static final int O_CLOEXEC = 0x80000;
    private static final int EINTR = 4;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));
    private static final MethodHandle MKDIR = downcall("mkdir",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle RMDIR = downcall("rmdir",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS));
    private static final MethodHandle OPEN = downcall("open",
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle WRITE = downcall("write",
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG));
    private static final MethodHandle CLOSE = LINKER.downcallHandle(LINKER.defaultLookup().find("close").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private CgroupSyscalls() {
    }

    /** Makes a directory with mode 0755; returns 0, or the errno of the failure. */
    static int mkdir(Path directory) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) MKDIR.invokeExact(state, arena.allocateFrom(directory.toString()), 0755);
            return result == 0 ? 0 : (int) ERRNO.get(state, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("mkdir " + directory + " failed in the FFM call: " + t, t);
        }
    }

    /** Removes an empty directory (a cgroup); returns 0, or the errno of the failure. */
    static int rmdir(Path directory) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int result = (int) RMDIR.invokeExact(state, arena.allocateFrom(directory.toString()));
            return result == 0 ? 0 : (int) ERRNO.get(state, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("rmdir " + directory + " failed in the FFM call: " + t, t);
        }
    }

    /**
     * Writes {@code text} to an existing file with one {@code write(2)} (a control file such as
     * {@code cgroup.procs} takes one value per write); returns 0, or the errno of the failed open or write.
     */
    static int write(Path file, String text) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = arena.allocate(CALL_STATE);
            int fd = (int) OPEN.invokeExact(state, arena.allocateFrom(file.toString()), O_WRONLY | O_CLOEXEC);
            if (fd < 0) {
                return (int) ERRNO.get(state, 0L);
            }
            try {
                byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
                MemorySegment buffer = arena.allocate(bytes.length);
                buffer.copyFrom(MemorySegment.ofArray(bytes));
                while (true) {
                    long written = (long) WRITE.invokeExact(state, fd, buffer, (long) bytes.length);
                    if (written >= 0) {
                        return written == bytes.length ? 0 : EINVAL;
                    }
                    int errno = (int) ERRNO.get(state, 0L);
                    if (errno != EINTR) {
                        return errno;
                    }
                }
            } finally {
                int ignored = (int) CLOSE.invokeExact(fd);
            }
        } catch (Throwable t) {
            throw new IllegalStateException("writing " + file + " failed in the FFM call: " + t, t);
        }
    }

    /** The C name of an errno, for messages ({@code EACCES}), or {@code errno N}. */
    static String errnoName(int errno) {
        return switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case ESRCH -> "ESRCH";
            case EACCES -> "EACCES";
            case EBUSY -> "EBUSY";
            case EEXIST -> "EEXIST";
            case EINVAL -> "EINVAL";
            case EROFS -> "EROFS";
            case ENOTEMPTY -> "ENOTEMPTY";
            default -> "errno " + errno;
        };
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor,
                Linker.Option.captureCallState("errno"));
    }
}
