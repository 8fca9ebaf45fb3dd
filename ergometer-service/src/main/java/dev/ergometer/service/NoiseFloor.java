package dev.ergometer.service;

import java.util.Objects;
import java.util.Optional;

/**
 * What a measurement cannot resolve: the read error of its counters, how far its idle power may be off, and the
 * shortest trial its counters resolve ({@link CounterResolution#minimumTrialSeconds}). {@link EnergyMetrics} flags
 * net energy within this noise and trials below that floor.
 *
 * @param counters the resolution of the package and RAM counters
 * @param idleWatts their idle power: the least power a read error is judged at
 * @param idleUncertaintyWatts how far the idle power taken off each trial may be off, from the counters alone
 * @param minimumTrialSeconds the length the calibration aimed trials at ({@link TrialLength#minimumSeconds()})
 * @param shortfall why the calibration could not make trials that long, when it could not
 */
record NoiseFloor(CounterResolution counters, double idleWatts, double idleUncertaintyWatts, double minimumTrialSeconds,
        Optional<String> shortfall) {

    /** Exact counters, an exact idle power and no minimum: for tests of the arithmetic alone. */
    static final NoiseFloor EXACT = new NoiseFloor(CounterResolution.EXACT, 0, 0, 0, Optional.empty());

    NoiseFloor {
        Objects.requireNonNull(counters, "counters");
        Objects.requireNonNull(shortfall, "shortfall");
        if (!(idleWatts >= 0) || !(idleUncertaintyWatts >= 0) || !(minimumTrialSeconds >= 0)) {
            throw new IllegalArgumentException("the idle power, its uncertainty and the minimum trial cannot be"
                    + " negative, got " + idleWatts + " W, " + idleUncertaintyWatts + " W and " + minimumTrialSeconds
                    + " s");
        }
    }

    /** The floor of a measurement whose idle power of {@code idleWatts} was measured over {@code idleWindowSeconds}. */
    static NoiseFloor of(CounterResolution counters, double idleWatts, double idleWindowSeconds,
            TrialLength length, Optional<String> shortfall) {
        return new NoiseFloor(counters, idleWatts, counters.idleUncertaintyWatts(idleWatts, idleWindowSeconds),
                length.minimumSeconds(), shortfall);
    }

    /** The shortest trial the counters resolve at the idle power. */
    double resolvedTrialSeconds() {
        return counters.minimumTrialSeconds(idleWatts);
    }
}
