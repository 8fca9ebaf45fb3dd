package dev.ergometer.results;

import java.util.Map;
import java.util.Objects;

/**
 * One run (or sample, or trial) read from a result file.
 *
 * @param number the run's number in its series, from 1
 * @param tag the run's tag (pyJoules, JSON Lines), else empty
 * @param durationSeconds the run's wall-clock duration; NaN when the file does not say
 * @param energyJoules the energy per domain, J, on the series' {@link EnergyBasis}; a domain may be missing
 * @param powerWatts the average power per domain, W (the whole machine's), where the file gives it or the raw
 *     energy and duration make it; may be empty
 */
public record ResultRun(int number, String tag, double durationSeconds, Map<String, Double> energyJoules,
        Map<String, Double> powerWatts) {

    public ResultRun {
        Objects.requireNonNull(tag, "tag");
        energyJoules = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(energyJoules));
        powerWatts = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(powerWatts));
        if (number < 1) {
            throw new IllegalArgumentException("run numbers start at 1, got " + number);
        }
    }

    /** This run with another number (when series are merged). */
    ResultRun renumbered(int newNumber) {
        return new ResultRun(newNumber, tag, durationSeconds, energyJoules, powerWatts);
    }
}
