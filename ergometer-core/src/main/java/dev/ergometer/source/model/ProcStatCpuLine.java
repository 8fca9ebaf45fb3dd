package dev.ergometer.source.model;

import dev.ergometer.source.EnergyReadException;
import dev.ergometer.source.NativeFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * The aggregate {@code cpu} line of {@code /proc/stat}, read with one {@code pread} of its first
 * {@value #READ_BYTES} bytes and parsed in place, with no allocation per read.
 *
 * <p>The line holds, in clock ticks since boot: user, nice, system, idle, iowait, irq, softirq, steal, guest,
 * guest_nice. Busy time is user + nice + system + irq + softirq + steal; total time is busy + idle + iowait. Guest
 * and guest_nice are left out because the kernel already counts them in user and nice. Kernels older than 2.6.11
 * print fewer fields; missing ones count as 0, but at least user, nice, system and idle must be there.
 *
 * <p>Public so that attribution reads the node's CPU time with this same parser. Not thread-safe.
 */
public final class ProcStatCpuLine implements AutoCloseable {

    /** The first line is about 60 to 120 bytes (ten numbers of up to 20 digits at most 215). */
    static final int READ_BYTES = 256;

    private static final int STEAL = 7;
    private static final int MIN_FIELDS = 4;

    private final NativeFile file;
    private final Arena arena;
    private final MemorySegment buffer;
    private long busyTicks;
    private long totalTicks;

    private ProcStatCpuLine(NativeFile file, Arena arena, MemorySegment buffer) {
        this.file = file;
        this.arena = arena;
        this.buffer = buffer;
    }

    /** Opens {@code stat} for reading its first line; does not read it yet. */
    public static ProcStatCpuLine open(Path stat) throws IOException {
        NativeFile file = NativeFile.open(stat);
        Arena arena = Arena.ofShared();
        return new ProcStatCpuLine(file, arena, arena.allocate(READ_BYTES));
    }

    /** The path read. */
    public Path path() {
        return file.path();
    }

    /**
     * Reads and parses the {@code cpu} line; afterwards {@link #busyTicks()} and {@link #totalTicks()} hold its
     * values.
     *
     * @throws EnergyReadException when the file cannot be read or its first line is not an aggregate {@code cpu} line
     */
    public void read() {
        int n = file.readInto(buffer);
        if (n < 5 || byteAt(0) != 'c' || byteAt(1) != 'p' || byteAt(2) != 'u' || byteAt(3) != ' ') {
            throw malformed("it does not start with the aggregate 'cpu ' line");
        }
        long busy = 0;
        long idle = 0;
        int field = 0;
        long value = 0;
        int digits = 0;
        boolean complete = false;
        for (int i = 4; i < n && field < 10; i++) {
            byte b = byteAt(i);
            if (b >= '0' && b <= '9') {
                if (digits == 18) {
                    throw malformed("field " + (field + 1) + " of the cpu line has more than 18 digits");
                }
                value = value * 10 + (b - '0');
                digits++;
            } else if (b == ' ' || b == '\n') {
                if (digits > 0) {
                    busy += isBusy(field) ? value : 0;
                    idle += isIdle(field) ? value : 0;
                    field++;
                    value = 0;
                    digits = 0;
                }
                if (b == '\n') {
                    complete = true;
                    break;
                }
            } else {
                throw malformed("unexpected byte '" + (char) b + "' at position " + i + " of the cpu line");
            }
        }
        if (digits > 0 && n < READ_BYTES) {
            // the file ended right after the last number, without a newline: the number is whole
            busy += isBusy(field) ? value : 0;
            idle += isIdle(field) ? value : 0;
            field++;
            complete = true;
        }
        if (!complete && field <= STEAL) {
            throw malformed("the cpu line is longer than " + READ_BYTES + " bytes");
        }
        if (field < MIN_FIELDS) {
            throw malformed("the cpu line has " + field + " numbers, expected at least " + MIN_FIELDS);
        }
        busyTicks = busy;
        totalTicks = busy + idle;
    }

    /** Busy ticks at the last read: user + nice + system + irq + softirq + steal. */
    public long busyTicks() {
        return busyTicks;
    }

    /** All ticks at the last read: busy + idle + iowait. */
    public long totalTicks() {
        return totalTicks;
    }

    private static boolean isBusy(int field) {
        return field <= 2 || (field >= 5 && field <= STEAL);
    }

    private static boolean isIdle(int field) {
        return field == 3 || field == 4;
    }

    private byte byteAt(int index) {
        return buffer.get(ValueLayout.JAVA_BYTE, index);
    }

    private EnergyReadException malformed(String why) {
        return new EnergyReadException(file.path() + " is not in the format of /proc/stat: " + why);
    }

    @Override
    public void close() {
        file.close();
        arena.close();
    }
}
