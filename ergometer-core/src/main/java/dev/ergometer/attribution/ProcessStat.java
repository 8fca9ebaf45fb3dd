package dev.ergometer.attribution;

import dev.ergometer.source.EnergyReadException;

/**
 * The fields of {@code /proc/PID/stat} that attribution needs, parsed in place from a {@link ProcFileReader}'s buffer
 * into this reused holder (no allocation per parse).
 *
 * <p>The command name (field 2) is in parentheses and may itself hold spaces and parentheses, so the numeric fields
 * are read after the <em>last</em> {@code ')'} of the line. Times are in clock ticks (USER_HZ).
 */
final class ProcessStat {

    private static final int PPID = 4;
    private static final int UTIME = 14;
    private static final int STIME = 15;
    private static final int CUTIME = 16;
    private static final int CSTIME = 17;
    private static final int STARTTIME = 22;

    int ppid;
    long utimeTicks;
    long stimeTicks;
    long cutimeTicks;
    long cstimeTicks;
    long startTimeTicks;
    int commFrom;
    int commTo;

    /**
     * Parses the first {@code length} bytes of the reader's buffer.
     *
     * @throws EnergyReadException when the line is not in the format of {@code /proc/PID/stat}
     */
    void parse(ProcFileReader reader, int length, String what) {
        int open = -1;
        for (int i = 0; i < length; i++) {
            if (reader.byteAt(i) == '(') {
                open = i;
                break;
            }
        }
        int close = -1;
        for (int i = length - 1; i > open; i--) {
            if (reader.byteAt(i) == ')') {
                close = i;
                break;
            }
        }
        if (open < 0 || close < 0) {
            throw new EnergyReadException(what + " is not in the format of /proc/PID/stat: no '(comm)' field");
        }
        commFrom = open + 1;
        commTo = close;
        // after ") " comes field 3 (state, one letter), then numbers, some of them negative
        int field = 3;
        int i = close + 2;
        while (i < length && reader.byteAt(i) != ' ') {
            i++;
        }
        boolean found = false;
        while (i < length && field < STARTTIME) {
            while (i < length && reader.byteAt(i) == ' ') {
                i++;
            }
            field++;
            boolean negative = false;
            if (i < length && reader.byteAt(i) == '-') {
                negative = true;
                i++;
            }
            long value = 0;
            int digits = 0;
            while (i < length) {
                byte b = reader.byteAt(i);
                if (b < '0' || b > '9') {
                    break;
                }
                value = value * 10 + (b - '0');
                digits++;
                i++;
            }
            if (digits == 0) {
                throw new EnergyReadException(what + " is not in the format of /proc/PID/stat: field " + field
                        + " is not a number");
            }
            value = negative ? -value : value;
            switch (field) {
                case PPID -> ppid = (int) value;
                case UTIME -> utimeTicks = value;
                case STIME -> stimeTicks = value;
                case CUTIME -> cutimeTicks = value;
                case CSTIME -> cstimeTicks = value;
                case STARTTIME -> {
                    startTimeTicks = value;
                    found = true;
                }
                default -> { }
            }
        }
        if (!found) {
            throw new EnergyReadException(what + " is not in the format of /proc/PID/stat: it has fewer than "
                    + STARTTIME + " fields");
        }
    }

    /** User plus system time of the process itself, in ticks. */
    long cpuTicks() {
        return utimeTicks + stimeTicks;
    }

    /** User plus system time of its waited-for children, in ticks. */
    long childrenTicks() {
        return cutimeTicks + cstimeTicks;
    }
}
