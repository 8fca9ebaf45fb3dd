package dev.ergometer.meter;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The energy each domain used over one tagged interval of a measurement, in pyJoules' units: the interval's begin
 * as epoch seconds, its duration in seconds and the energy per domain id in microjoules.
 *
 * <p>Energy values may be negative once idle energy is subtracted ({@link EnergyTrace#removeIdle}); such samples are
 * what {@link EnergyTrace#cleanData} drops.
 *
 * @param timestampSeconds when the interval began, in seconds since the Unix epoch
 * @param tag the name given to the interval
 * @param durationSeconds how long the interval lasted, in seconds ({@code >= 0})
 * @param energyMicrojoules energy per domain id, in µJ, in the order the domains were measured
 */
public record EnergySample(
        double timestampSeconds, String tag, double durationSeconds, Map<String, Double> energyMicrojoules) {

    public EnergySample {
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(energyMicrojoules, "energyMicrojoules");
        if (!Double.isFinite(timestampSeconds)) {
            throw new IllegalArgumentException("sample '" + tag + "': timestamp must be finite, got "
                    + timestampSeconds);
        }
        if (!(durationSeconds >= 0) || Double.isInfinite(durationSeconds)) {
            throw new IllegalArgumentException("sample '" + tag + "': duration must be finite and >= 0 s, got "
                    + durationSeconds);
        }
        Map<String, Double> copy = new LinkedHashMap<>();
        energyMicrojoules.forEach((domain, value) -> {
            if (domain == null || value == null || !Double.isFinite(value)) {
                throw new IllegalArgumentException("sample '" + tag + "': energy must map domain ids to finite "
                        + "µJ values, got " + domain + "=" + value);
            }
            copy.put(domain, value);
        });
        energyMicrojoules = Collections.unmodifiableMap(copy);
    }

    /** The ids of the domains measured, in order. */
    public List<String> domains() {
        return List.copyOf(energyMicrojoules.keySet());
    }

    /** The energy of one domain in µJ, or an error naming the domains there are. */
    public double energyMicrojoules(String domainId) {
        Double value = energyMicrojoules.get(domainId);
        if (value == null) {
            throw new NoSuchDomainException(domainId, "sample '" + tag + "' has no domain " + domainId
                    + "; it has " + String.join(", ", energyMicrojoules.keySet()));
        }
        return value;
    }

    /** True when some domain's energy is below zero (after idle removal, for instance). */
    public boolean hasNegativeEnergy() {
        return energyMicrojoules.values().stream().anyMatch(v -> v < 0);
    }

    /** This sample with the given energy per domain subtracted; {@code idle} must cover every domain of this sample. */
    EnergySample minus(Map<String, Double> idleMicrojoules, int index) {
        Map<String, Double> net = new LinkedHashMap<>();
        energyMicrojoules.forEach((domain, value) -> {
            Double idle = idleMicrojoules.get(domain);
            if (idle == null) {
                throw new IllegalArgumentException("domain not present in idle values: " + domain
                        + " (idle values #" + index + " have " + String.join(", ", idleMicrojoules.keySet())
                        + "; the sample '" + tag + "' has " + String.join(", ", energyMicrojoules.keySet()) + ")");
            }
            net.put(domain, value - idle);
        });
        return new EnergySample(timestampSeconds, tag, durationSeconds, net);
    }
}
