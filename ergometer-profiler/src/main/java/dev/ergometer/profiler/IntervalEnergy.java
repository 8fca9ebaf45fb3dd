package dev.ergometer.profiler;

import java.util.List;

/**
 * One interval's energy of the chosen domains and how it was split: the idle part, other processes, the JVM, and the
 * JVM's part per thread by CPU time, all in µJ, with {@code idle + otherProcesses + jvm == energy} and
 * {@code sum(threads) + unaccounted == jvm} exactly.
 *
 * @param startEpochNanos when the interval began, wall clock (the time base of JFR's event timestamps)
 * @param endEpochNanos when it ended
 * @param energyMicrojoules the chosen domains' energy over the interval
 * @param idleMicrojoules the part spent while the CPUs were idle
 * @param otherProcessesMicrojoules the busy part not used by this JVM: other processes, the kernel, rounding
 * @param jvmMicrojoules this JVM's part, by its CPU time over the node's busy time
 * @param nodeBusyNanos the node's busy CPU time (all CPUs)
 * @param nodeTotalNanos the node's busy plus idle CPU time (all CPUs)
 * @param jvmCpuNanos the JVM's CPU time, all its threads, from {@code /proc/PID/stat}
 * @param threads the CPU time and part of the JVM's energy of each thread that used CPU in the interval
 * @param unaccountedMicrojoules the JVM's energy no thread's CPU time accounts for: what threads that ended used
 *     after they were last seen, the difference between the process's and its threads' clocks, rounding
 */
record IntervalEnergy(long startEpochNanos, long endEpochNanos, long energyMicrojoules, long idleMicrojoules,
        long otherProcessesMicrojoules, long jvmMicrojoules, long nodeBusyNanos, long nodeTotalNanos,
        long jvmCpuNanos, List<ThreadEnergy> threads, long unaccountedMicrojoules) {

    /**
     * One thread's CPU time over the interval and its part of the JVM's energy.
     *
     * @param ended true when the thread ended during the interval (its CPU time after the last poll that saw it is
     *     in the unaccounted part)
     */
    record ThreadEnergy(int tid, String name, long cpuNanos, long microjoules, boolean ended) {
    }

    IntervalEnergy {
        threads = List.copyOf(threads);
        if (idleMicrojoules + otherProcessesMicrojoules + jvmMicrojoules != energyMicrojoules) {
            throw new IllegalArgumentException("idle " + idleMicrojoules + " + other processes "
                    + otherProcessesMicrojoules + " + JVM " + jvmMicrojoules + " µJ is not the energy "
                    + energyMicrojoules + " µJ");
        }
        long sum = unaccountedMicrojoules;
        for (ThreadEnergy t : threads) {
            sum += t.microjoules();
        }
        if (sum != jvmMicrojoules) {
            throw new IllegalArgumentException("the threads' parts and the unaccounted part add up to " + sum
                    + " µJ, not to the JVM's " + jvmMicrojoules + " µJ");
        }
    }

    long durationNanos() {
        return endEpochNanos - startEpochNanos;
    }
}
