package dev.ergometer.sampler;

import dev.ergometer.model.Domain;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The energy a {@link Sampler} has counted per domain from its start up to one moment: wrap-safe totals, never
 * decreasing. Two snapshots give the energy of the interval between them ({@link #minus}).
 */
public final class EnergySnapshot {

    private final List<Domain> domains;
    private final long timeNanos;
    private final long[] totalMicrojoules;
    private final int resets;

    /**
     * @param domains the domains, in slot order
     * @param timeNanos when the counters were read, on the sampler's {@link Ticker}
     * @param totalMicrojoules energy per domain since the sampler started (copied)
     * @param resets how many counter resets (not wraps) the sampler has seen so far
     */
    public EnergySnapshot(List<Domain> domains, long timeNanos, long[] totalMicrojoules, int resets) {
        this.domains = List.copyOf(domains);
        this.timeNanos = timeNanos;
        this.totalMicrojoules = totalMicrojoules.clone();
        this.resets = resets;
        if (this.totalMicrojoules.length != this.domains.size()) {
            throw new IllegalArgumentException(
                    "got " + totalMicrojoules.length + " totals for " + domains.size() + " domains");
        }
        for (long total : this.totalMicrojoules) {
            if (total < 0) {
                throw new IllegalArgumentException("energy totals cannot be negative: " + total);
            }
        }
    }

    public List<Domain> domains() {
        return domains;
    }

    public long timeNanos() {
        return timeNanos;
    }

    /** Energy counted for the domain in slot {@code index} since the sampler started, in µJ. */
    public long totalMicrojoules(int index) {
        return totalMicrojoules[index];
    }

    public int resets() {
        return resets;
    }

    /**
     * The energy counted between {@code earlier} and this snapshot.
     *
     * @throws IllegalArgumentException when the snapshots come from different domains or are in the wrong order
     */
    public EnergyInterval minus(EnergySnapshot earlier) {
        Objects.requireNonNull(earlier, "earlier");
        if (!earlier.domains.equals(domains)) {
            throw new IllegalArgumentException("snapshots of different domains: " + earlier.domains + " and "
                    + domains);
        }
        if (earlier.timeNanos > timeNanos) {
            throw new IllegalArgumentException("the earlier snapshot is later than this one");
        }
        long[] delta = new long[totalMicrojoules.length];
        for (int i = 0; i < delta.length; i++) {
            delta[i] = totalMicrojoules[i] - earlier.totalMicrojoules[i];
        }
        return new EnergyInterval(domains, earlier.timeNanos, timeNanos - earlier.timeNanos, delta,
                resets - earlier.resets);
    }

    @Override
    public String toString() {
        return "EnergySnapshot" + domains + "@" + timeNanos + Arrays.toString(totalMicrojoules);
    }
}
