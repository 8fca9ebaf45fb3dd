package dev.ergometer.attribution;

import java.util.Arrays;

/**
 * How one domain's energy over one interval was split: the idle part, one part per consumer and what could not be
 * given to anyone, in microjoules, with {@code idle + sum(consumers) + unattributed == energy} exactly.
 */
public final class DomainShare {

    private final long energyMicrojoules;
    private final long idleMicrojoules;
    private final long unattributedMicrojoules;
    private final long[] consumerMicrojoules;

    /**
     * @throws IllegalArgumentException when a part is negative or the parts do not add up to the energy
     */
    public DomainShare(long energyMicrojoules, long idleMicrojoules, long unattributedMicrojoules,
            long[] consumerMicrojoules) {
        this.energyMicrojoules = energyMicrojoules;
        this.idleMicrojoules = idleMicrojoules;
        this.unattributedMicrojoules = unattributedMicrojoules;
        this.consumerMicrojoules = consumerMicrojoules.clone();
        long sum = Math.addExact(idleMicrojoules, unattributedMicrojoules);
        for (long part : this.consumerMicrojoules) {
            if (part < 0) {
                throw new IllegalArgumentException("a consumer's part cannot be negative: " + part + " µJ");
            }
            sum = Math.addExact(sum, part);
        }
        if (energyMicrojoules < 0 || idleMicrojoules < 0 || unattributedMicrojoules < 0) {
            throw new IllegalArgumentException("energy, idle and unattributed parts are >= 0 µJ, got "
                    + energyMicrojoules + ", " + idleMicrojoules + ", " + unattributedMicrojoules);
        }
        if (sum != energyMicrojoules) {
            throw new IllegalArgumentException("the parts add up to " + sum + " µJ, not to the energy "
                    + energyMicrojoules + " µJ");
        }
    }

    /** The domain's energy over the interval, in µJ. */
    public long energyMicrojoules() {
        return energyMicrojoules;
    }

    /** The part of the energy spent while the CPUs were idle, in µJ. */
    public long idleMicrojoules() {
        return idleMicrojoules;
    }

    /**
     * The active energy no consumer was given, in µJ: CPU time of untracked work (kernel threads, processes not
     * followed) and the rounding remainders of the integer split.
     */
    public long unattributedMicrojoules() {
        return unattributedMicrojoules;
    }

    /** The active energy: everything but the idle part, in µJ. */
    public long activeMicrojoules() {
        return energyMicrojoules - idleMicrojoules;
    }

    /** The number of consumers. */
    public int consumers() {
        return consumerMicrojoules.length;
    }

    /** The part of consumer {@code index}, in µJ. */
    public long consumerMicrojoules(int index) {
        return consumerMicrojoules[index];
    }

    /** The sum of all consumers' parts, in µJ. */
    public long attributedMicrojoules() {
        long sum = 0;
        for (long part : consumerMicrojoules) {
            sum += part;
        }
        return sum;
    }

    @Override
    public String toString() {
        return "DomainShare[energy=" + energyMicrojoules + " µJ, idle=" + idleMicrojoules + " µJ, unattributed="
                + unattributedMicrojoules + " µJ, consumers=" + Arrays.toString(consumerMicrojoules) + "]";
    }
}
