package dev.ergometer.service;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The machine's power per domain at rest, measured over a window while nothing was being measured, and when: the
 * idle energy (this power times a trial's duration) is taken off every trial.
 *
 * @param host the worker machine it was measured on
 * @param source the energy source that measured it
 * @param domains the domain ids, in the source's slot order
 * @param watts the idle power of each domain, same order
 * @param measuredAt when the window ended (wall clock)
 * @param window how long it was measured
 */
public record IdlePower(String host, String source, List<String> domains, List<Double> watts, Instant measuredAt,
        Duration window) {

    public IdlePower {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(source, "source");
        domains = List.copyOf(domains);
        watts = List.copyOf(watts);
        Objects.requireNonNull(measuredAt, "measuredAt");
        Objects.requireNonNull(window, "window");
        if (domains.size() != watts.size()) {
            throw new IllegalArgumentException(domains.size() + " domains but " + watts.size() + " powers");
        }
    }

    /** The idle power of the domain in slot {@code slot}, in watts. */
    public double watts(int slot) {
        return watts.get(slot);
    }

    /** How old the calibration is at {@code now}. */
    public Duration age(Instant now) {
        Duration age = Duration.between(measuredAt, now);
        return age.isNegative() ? Duration.ZERO : age;
    }

    /** Whether it applies to a source with these domains. */
    public boolean appliesTo(String sourceName, List<String> domainIds) {
        return source.equals(sourceName) && domains.equals(domainIds);
    }
}
