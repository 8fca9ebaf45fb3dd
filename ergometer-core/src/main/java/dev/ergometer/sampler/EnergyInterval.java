package dev.ergometer.sampler;

import dev.ergometer.model.Domain;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The energy each domain used over one interval of time, in microjoules, with the interval's start and duration.
 */
public final class EnergyInterval {

    private final List<Domain> domains;
    private final long startNanos;
    private final long durationNanos;
    private final long[] microjoules;
    private final int resets;

    /**
     * @param domains the domains, in slot order
     * @param startNanos when the interval began, on the sampler's {@link Ticker}
     * @param durationNanos how long it lasted
     * @param microjoules energy per domain (copied), each {@code >= 0}
     * @param resets counter resets seen in the interval; energy around a reset may be undercounted
     */
    public EnergyInterval(List<Domain> domains, long startNanos, long durationNanos, long[] microjoules, int resets) {
        this.domains = List.copyOf(domains);
        this.startNanos = startNanos;
        this.durationNanos = durationNanos;
        this.microjoules = microjoules.clone();
        this.resets = resets;
        if (durationNanos < 0) {
            throw new IllegalArgumentException("duration cannot be negative: " + durationNanos + " ns");
        }
        if (this.microjoules.length != this.domains.size()) {
            throw new IllegalArgumentException("got " + microjoules.length + " values for " + domains.size()
                    + " domains");
        }
        for (int i = 0; i < this.microjoules.length; i++) {
            if (this.microjoules[i] < 0) {
                throw new IllegalArgumentException(domains.get(i) + ": energy cannot be negative: "
                        + this.microjoules[i] + " µJ");
            }
        }
    }

    public List<Domain> domains() {
        return domains;
    }

    public long startNanos() {
        return startNanos;
    }

    public long durationNanos() {
        return durationNanos;
    }

    public double durationSeconds() {
        return durationNanos / 1e9;
    }

    /** Counter resets (driver reload, counter cleared) seen during the interval. */
    public int resets() {
        return resets;
    }

    /** Energy of the domain in slot {@code index}, in µJ. */
    public long microjoules(int index) {
        return microjoules[index];
    }

    /** Energy of the domain in slot {@code index}, in joules. */
    public double joules(int index) {
        return microjoules[index] / 1e6;
    }

    /** Energy of a domain by id, in joules. */
    public double joules(String domainId) {
        return joules(indexOf(domainId));
    }

    /** Average power of the domain in slot {@code index} over the interval, in watts (0 for an empty interval). */
    public double powerWatts(int index) {
        return durationNanos == 0 ? 0 : microjoules[index] * 1e3 / durationNanos;
    }

    /** Energy per domain id, in joules, in slot order. */
    public Map<String, Double> joulesByDomain() {
        Map<String, Double> map = new LinkedHashMap<>();
        for (int i = 0; i < domains.size(); i++) {
            map.put(domains.get(i).id(), joules(i));
        }
        return map;
    }

    private int indexOf(String domainId) {
        for (int i = 0; i < domains.size(); i++) {
            if (domains.get(i).id().equals(domainId)) {
                return i;
            }
        }
        throw new NoSuchElementException("no domain " + domainId + " in " + domains);
    }
}
