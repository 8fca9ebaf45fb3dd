package dev.ergometer.profiler;

import dev.ergometer.attribution.Attribution;
import dev.ergometer.attribution.DomainShare;
import java.util.ArrayList;
import java.util.List;

/**
 * The arithmetic of one interval (pure, no I/O): the chosen domains' energy split between idle time, other
 * processes and the JVM by CPU time ({@link Attribution#split}, per domain, then added up), and the JVM's part split
 * among its threads by their CPU time, the same way with the JVM's CPU time as the busy time.
 *
 * <p>Thread {@code i} gets {@code floor(J * t_i / max(C, sum t))} of the JVM's energy {@code J}, with {@code C}
 * the JVM's own CPU time: when the threads report more than the process (their clocks are finer), all are scaled
 * down; when less (threads that ended), the rest is unaccounted. Every value is an integer, and the parts add up to
 * the whole exactly.
 */
final class IntervalSplit {

    private IntervalSplit() {
    }

    /**
     * @param domainMicrojoules each chosen domain's energy over the interval
     * @param threads the threads' CPU times over the interval
     */
    static IntervalEnergy split(long startEpochNanos, long endEpochNanos, long[] domainMicrojoules,
            long nodeBusyNanos, long nodeTotalNanos, long jvmCpuNanos, List<ThreadCpuTable.ThreadCpu> threads) {
        long energy = 0;
        long idle = 0;
        long other = 0;
        long jvm = 0;
        long[] jvmCpu = {jvmCpuNanos};
        for (long microjoules : domainMicrojoules) {
            DomainShare share = Attribution.split(microjoules, nodeBusyNanos, nodeTotalNanos, jvmCpu);
            energy += share.energyMicrojoules();
            idle += share.idleMicrojoules();
            other += share.unattributedMicrojoules();
            jvm += share.consumerMicrojoules(0);
        }
        long[] threadCpu = new long[threads.size()];
        for (int i = 0; i < threadCpu.length; i++) {
            threadCpu[i] = threads.get(i).cpuNanos();
        }
        DomainShare byThread = Attribution.split(jvm, jvmCpuNanos, jvmCpuNanos, threadCpu);
        List<IntervalEnergy.ThreadEnergy> parts = new ArrayList<>(threads.size());
        for (int i = 0; i < threadCpu.length; i++) {
            ThreadCpuTable.ThreadCpu t = threads.get(i);
            parts.add(new IntervalEnergy.ThreadEnergy(t.tid(), t.name(), t.cpuNanos(), byThread.consumerMicrojoules(i),
                    t.ended()));
        }
        return new IntervalEnergy(startEpochNanos, endEpochNanos, energy, idle, other, jvm, nodeBusyNanos,
                nodeTotalNanos, jvmCpuNanos, parts, byThread.unattributedMicrojoules() + byThread.idleMicrojoules());
    }
}
