package dev.ergometer.measure;

/**
 * The node's CPU time over a run, all CPUs, from the aggregate line of {@code /proc/stat} read at the same moments as
 * the run's energy.
 *
 * @param busyNanos busy time (user, nice, system, irq, softirq, steal) over the run, in ns
 * @param totalNanos busy plus idle and iowait time over the run, in ns
 */
public record NodeCpuTime(long busyNanos, long totalNanos) {

    public NodeCpuTime {
        if (busyNanos < 0 || busyNanos > totalNanos) {
            throw new IllegalArgumentException("node CPU time must satisfy 0 <= busy <= total, got busy " + busyNanos
                    + " ns and total " + totalNanos + " ns");
        }
    }
}
