package dev.ergometer.testkit;

/**
 * The time a CPU (or all CPUs together) spent in each state since boot, in clock ticks (USER_HZ, usually 100 per
 * second): the ten numbers of a {@code cpu} line of {@code /proc/stat}, in the kernel's order.
 *
 * <p>As in the kernel, {@code guest} and {@code guestNice} are already counted in {@code user} and {@code nice}.
 */
public record CpuTimes(
        long user, long nice, long system, long idle, long iowait, long irq, long softirq, long steal, long guest,
        long guestNice) {

    public CpuTimes {
        long[] all = {user, nice, system, idle, iowait, irq, softirq, steal, guest, guestNice};
        for (long ticks : all) {
            if (ticks < 0) {
                throw new IllegalArgumentException("CPU times must be >= 0 ticks, got " + ticks);
            }
        }
        if (guest > user || guestNice > nice) {
            throw new IllegalArgumentException("guest time is part of user time (guest " + guest + " > user " + user
                    + ", or guest_nice " + guestNice + " > nice " + nice + ")");
        }
    }

    /** Times with {@code busyTicks} of user time and {@code idleTicks} of idle time, nothing else. */
    public static CpuTimes of(long busyTicks, long idleTicks) {
        return new CpuTimes(busyTicks, 0, 0, idleTicks, 0, 0, 0, 0, 0, 0);
    }

    /** Busy time as utilisation models count it: user + nice + system + irq + softirq + steal. */
    public long busy() {
        return user + nice + system + irq + softirq + steal;
    }

    /** All time: busy + idle + iowait. */
    public long total() {
        return busy() + idle + iowait;
    }

    /** These times plus the given ones, field by field. */
    public CpuTimes plus(CpuTimes other) {
        return new CpuTimes(user + other.user, nice + other.nice, system + other.system, idle + other.idle,
                iowait + other.iowait, irq + other.irq, softirq + other.softirq, steal + other.steal,
                guest + other.guest, guestNice + other.guestNice);
    }

    /** This CPU's times divided among {@code cpus} CPUs, the remainder going to the first ones; {@code part} < cpus. */
    CpuTimes share(int part, int cpus) {
        return new CpuTimes(split(user, part, cpus), split(nice, part, cpus), split(system, part, cpus),
                split(idle, part, cpus), split(iowait, part, cpus), split(irq, part, cpus), split(softirq, part, cpus),
                split(steal, part, cpus), split(guest, part, cpus), split(guestNice, part, cpus));
    }

    private static long split(long ticks, int part, int parts) {
        return ticks / parts + (part < ticks % parts ? 1 : 0);
    }

    /** The line as {@code /proc/stat} prints it for the given label ({@code cpu} has two spaces after it). */
    String line(String label) {
        return label + (label.equals("cpu") ? "  " : " ") + user + " " + nice + " " + system + " " + idle + " "
                + iowait + " " + irq + " " + softirq + " " + steal + " " + guest + " " + guestNice;
    }
}
