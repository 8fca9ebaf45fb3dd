package dev.ergometer.attribution;

/**
 * The attribution model for a GPU: how one interval's energy of a GPU is split between idle time, the consumers that
 * ran work on it and what cannot be placed, from the GPU's own utilisation samples (pure arithmetic, no I/O).
 *
 * <p>With {@code E} the GPU's energy over the interval, {@code u} the device's busy share (the mean of its
 * utilisation samples: the part of each sample period during which a kernel ran), {@code s_i} each consumer's share
 * of the GPU (the SM utilisation the driver reports for its processes, summed over them) and {@code s_x} the share of
 * processes that are no consumer (another pid namespace, ended before they were seen), all in percent:
 * <ul>
 *   <li>active {@code A = floor(E * u / 100)}; idle {@code = E - A};</li>
 *   <li>consumer {@code i} gets {@code floor(A * s_i / max(u, sum s + s_x))}: its share of the GPU's busy time,
 *       scaled down when the processes together report more than the device was busy;</li>
 *   <li>unattributed {@code = A - sum of the consumers' parts}: busy time of processes that are no consumer or that
 *       the driver did not sample, plus the rounding remainders.</li>
 * </ul>
 * When the device's own utilisation is unknown, {@code u = min(100, sum s + s_x)}: the GPU is taken to have been as
 * busy as its processes say. This is {@link Attribution#split} with the GPU's busy share in place of the node's busy
 * CPU time and 100 % in place of its total, so every part is {@code >= 0} and
 * {@code idle + consumers + unattributed == E} exactly. Shares are given in thousandths of a percent.
 */
public final class GpuAttribution {

    /** 100 % in the unit of this class's shares: thousandths of a percent. */
    public static final long FULL_MILLIPERCENT = 100_000;

    private GpuAttribution() {
    }

    /**
     * Splits one GPU's energy over one interval by utilisation.
     *
     * @param energyMicrojoules the GPU's energy over the interval, {@code >= 0}
     * @param deviceMillipercent the device's busy share, {@code 0..FULL_MILLIPERCENT}, or {@code -1} when unknown
     * @param consumerMillipercent each consumer's share of the GPU, each {@code >= 0}
     * @param unplacedMillipercent the share of processes that are no consumer, {@code >= 0}
     * @throws IllegalArgumentException when a value is out of range
     */
    public static DomainShare split(long energyMicrojoules, long deviceMillipercent, long[] consumerMillipercent,
            long unplacedMillipercent) {
        if (deviceMillipercent < -1 || deviceMillipercent > FULL_MILLIPERCENT) {
            throw new IllegalArgumentException("a device's busy share is 0 to " + FULL_MILLIPERCENT
                    + " thousandths of a percent, or -1 when unknown; got " + deviceMillipercent);
        }
        if (unplacedMillipercent < 0) {
            throw new IllegalArgumentException("the unplaced share cannot be negative: " + unplacedMillipercent);
        }
        long[] shares = new long[consumerMillipercent.length + 1];
        System.arraycopy(consumerMillipercent, 0, shares, 0, consumerMillipercent.length);
        shares[consumerMillipercent.length] = unplacedMillipercent;
        long busy = deviceMillipercent;
        if (busy < 0) {
            long sum = 0;
            for (long share : shares) {
                if (share < 0) {
                    throw new IllegalArgumentException("a consumer's share cannot be negative: " + share);
                }
                sum = Math.min(FULL_MILLIPERCENT, sum + share);
            }
            busy = sum;
        }
        DomainShare withUnplaced = Attribution.split(energyMicrojoules, busy, FULL_MILLIPERCENT, shares);
        long[] parts = new long[consumerMillipercent.length];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = withUnplaced.consumerMicrojoules(i);
        }
        return new DomainShare(energyMicrojoules, withUnplaced.idleMicrojoules(),
                withUnplaced.unattributedMicrojoules() + withUnplaced.consumerMicrojoules(parts.length), parts);
    }

    /** The whole energy unattributed, for a GPU whose use by processes is unknown. */
    public static DomainShare unattributed(long energyMicrojoules, int consumers) {
        return new DomainShare(energyMicrojoules, 0, energyMicrojoules, new long[consumers]);
    }
}
