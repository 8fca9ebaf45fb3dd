package dev.ergometer.attribution;

import java.math.BigInteger;

/**
 * The attribution model: how one interval's energy of a domain is split between idle time, the consumers and what
 * cannot be given to anyone, from CPU times alone (pure arithmetic, no I/O).
 *
 * <p>With {@code E} the domain's energy, {@code B} and {@code T} the node's busy and total CPU time over the interval
 * and {@code c_i} each consumer's CPU time over the same interval (all times in the same unit):
 * <ul>
 *   <li>active {@code A = floor(E * B / T)}; idle {@code = E - A};</li>
 *   <li>consumer {@code i} gets {@code floor(A * c_i / max(B, sum c))}: its share of the node's busy time, scaled
 *       down when the consumers together report more CPU time than the node was busy (tick granularity, times read
 *       a few microseconds apart), so that nothing is ever over-attributed;</li>
 *   <li>unattributed {@code = A - sum of the consumers' parts}: busy time of work nobody tracks, plus the rounding
 *       remainders.</li>
 * </ul>
 * Every part is {@code >= 0} and {@code idle + consumers + unattributed == E} exactly, in every interval. With no CPU
 * time at all ({@code T == 0}) nothing is known about the split: the whole energy is unattributed.
 */
public final class Attribution {

    private Attribution() {
    }

    /**
     * Splits one domain's energy over one interval.
     *
     * @param energyMicrojoules the domain's energy over the interval, {@code >= 0}
     * @param nodeBusyNanos the node's busy CPU time over the interval (all CPUs), {@code 0 <= busy <= total}
     * @param nodeTotalNanos the node's total CPU time over the interval (busy + idle, all CPUs)
     * @param consumerCpuNanos each consumer's CPU time over the interval, each {@code >= 0}
     * @throws IllegalArgumentException when a value is negative or busy time exceeds total time
     */
    public static DomainShare split(long energyMicrojoules, long nodeBusyNanos, long nodeTotalNanos,
            long[] consumerCpuNanos) {
        if (energyMicrojoules < 0) {
            throw new IllegalArgumentException("energy cannot be negative: " + energyMicrojoules + " µJ");
        }
        if (nodeBusyNanos < 0 || nodeTotalNanos < 0 || nodeBusyNanos > nodeTotalNanos) {
            throw new IllegalArgumentException("node CPU time must satisfy 0 <= busy <= total, got busy "
                    + nodeBusyNanos + " ns and total " + nodeTotalNanos + " ns");
        }
        long consumerSum = 0;
        for (long cpu : consumerCpuNanos) {
            if (cpu < 0) {
                throw new IllegalArgumentException("a consumer's CPU time cannot be negative: " + cpu + " ns");
            }
            consumerSum = Math.addExact(consumerSum, cpu);
        }
        long[] parts = new long[consumerCpuNanos.length];
        if (nodeTotalNanos == 0) {
            return new DomainShare(energyMicrojoules, 0, energyMicrojoules, parts);
        }
        long active = floorMulDiv(energyMicrojoules, nodeBusyNanos, nodeTotalNanos);
        long idle = energyMicrojoules - active;
        long denominator = Math.max(nodeBusyNanos, consumerSum);
        long attributed = 0;
        if (denominator > 0) {
            for (int i = 0; i < parts.length; i++) {
                parts[i] = floorMulDiv(active, consumerCpuNanos[i], denominator);
                attributed += parts[i];
            }
        }
        return new DomainShare(energyMicrojoules, idle, active - attributed, parts);
    }

    /** {@code floor(a * b / c)} for {@code a, b >= 0}, {@code c > 0}, {@code b <= c}: exact, without overflow. */
    static long floorMulDiv(long a, long b, long c) {
        long high = Math.multiplyHigh(a, b);
        long low = a * b;
        if (high == 0 && low >= 0) {
            return low / c;
        }
        return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divide(BigInteger.valueOf(c)).longValueExact();
    }
}
