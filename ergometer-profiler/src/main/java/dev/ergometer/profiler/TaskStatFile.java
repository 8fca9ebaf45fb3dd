package dev.ergometer.profiler;

import dev.ergometer.source.EnergyReadException;
import dev.ergometer.source.NativeFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * A {@code /proc/PID/stat} or {@code /proc/PID/task/TID/stat} file opened once and read with one {@code pread} into
 * a reused native buffer: the process's (or thread's) user plus system CPU time, in clock ticks, without allocating.
 *
 * <p>The command name (field 2) is in parentheses and may hold spaces and parentheses, so fields are counted after
 * the <em>last</em> {@code ')'}; utime and stime are fields 14 and 15. Not thread-safe.
 */
final class TaskStatFile implements AutoCloseable {

    private static final int BUFFER_BYTES = 1024;
    private static final int UTIME = 14;
    private static final int STIME = 15;

    private final NativeFile file;
    private final Arena arena;
    private final MemorySegment buffer;
    private byte state;

    private TaskStatFile(NativeFile file, Arena arena) {
        this.file = file;
        this.arena = arena;
        this.buffer = arena.allocate(BUFFER_BYTES);
    }

    /** Opens the stat file; reads nothing yet. */
    static TaskStatFile open(Path stat) throws IOException {
        NativeFile file = NativeFile.open(stat);
        return new TaskStatFile(file, Arena.ofShared());
    }

    Path path() {
        return file.path();
    }

    /**
     * User plus system time in clock ticks.
     *
     * @throws EnergyReadException when the file cannot be read (the thread ended) or is not in the stat format
     */
    long cpuTicks() {
        int n = file.readInto(buffer);
        int close = -1;
        for (int i = n - 1; i >= 0; i--) {
            if (buffer.get(ValueLayout.JAVA_BYTE, i) == ')') {
                close = i;
                break;
            }
        }
        if (close < 0) {
            throw new EnergyReadException(file.path() + " is not in the format of /proc/PID/stat: no '(comm)' field");
        }
        state = close + 2 < n ? buffer.get(ValueLayout.JAVA_BYTE, close + 2) : 0;
        int field = 2;
        long sum = 0;
        int i = close + 1;
        while (i < n && field < STIME) {
            while (i < n && buffer.get(ValueLayout.JAVA_BYTE, i) == ' ') {
                i++;
            }
            field++;
            long value = 0;
            boolean digits = false;
            while (i < n) {
                byte b = buffer.get(ValueLayout.JAVA_BYTE, i);
                if (b == ' ' || b == '\n') {
                    break;
                }
                if (b >= '0' && b <= '9') {
                    value = value * 10 + (b - '0');
                    digits = true;
                }
                i++;
            }
            if (field == UTIME || field == STIME) {
                if (!digits) {
                    throw new EnergyReadException(file.path() + " is not in the format of /proc/PID/stat: field "
                            + field + " is not a number");
                }
                sum += value;
            }
        }
        if (field < STIME) {
            throw new EnergyReadException(file.path() + " is not in the format of /proc/PID/stat: fewer than "
                    + STIME + " fields");
        }
        return sum;
    }

    /**
     * True when the last {@link #cpuTicks()} found a zombie: a process that has exited and not yet been waited for
     * (its CPU times are final).
     */
    boolean zombie() {
        return state == 'Z';
    }

    @Override
    public void close() {
        file.close();
        arena.close();
    }
}
