package dev.ergometer.service;

import dev.ergometer.source.DomainCounter;
import dev.ergometer.source.EnergySource;
import java.util.List;

/**
 * How finely the counters that JouleTrace's package and RAM figures add up resolve energy: the smallest step they
 * count and how often they move. A read of a counter is off by up to one {@link #quantumJoules quantum}: one step, or
 * the energy counted in one update interval, whichever is larger.
 *
 * <p>The update interval is the source's own when it exposes one ({@link DomainCounter#readIntervalNanos()}, for
 * energy integrated from power readings); otherwise {@value #HARDWARE_UPDATE_MILLIS} ms for a hardware counter (RAPL
 * updates its counters about every millisecond) and {@value #ESTIMATED_UPDATE_MILLIS} ms for an estimated source
 * (the model follows CPU time, counted in /proc/stat's ticks of 1/100 s).
 *
 * @param resolutionJoules the counters' steps added up, in joules
 * @param updateIntervalSeconds the longest update interval among them, in seconds
 */
record CounterResolution(double resolutionJoules, double updateIntervalSeconds) {

    /** How many steps or updates a trial must span: then one read's error is at most 2% of it. */
    static final int STEPS = 50;
    /** The update interval assumed for a hardware counter that exposes none. */
    static final int HARDWARE_UPDATE_MILLIS = 1;
    /** The update interval assumed for an estimated source. */
    static final int ESTIMATED_UPDATE_MILLIS = 10;

    /** A counter that counts every joule at once, for tests of exact arithmetic. */
    static final CounterResolution EXACT = new CounterResolution(0, 0);

    CounterResolution {
        if (!(resolutionJoules >= 0) || !(updateIntervalSeconds >= 0)) {
            throw new IllegalArgumentException("a counter's resolution and update interval cannot be negative, got "
                    + resolutionJoules + " J and " + updateIntervalSeconds + " s");
        }
    }

    /** The resolution of the source's counters in {@code slots} (its package and RAM domains). */
    static CounterResolution of(EnergySource source, EnergySlots slots) {
        List<DomainCounter> counters = source.counters();
        double resolution = 0;
        double update = 0;
        for (int slot : slots.allSlots()) {
            DomainCounter counter = counters.get(slot);
            resolution += counter.resolutionMicrojoules() / 1e6;
            double seconds = counter.readIntervalNanos() > 0 ? counter.readIntervalNanos() / 1e9
                    : (source.estimated() ? ESTIMATED_UPDATE_MILLIS : HARDWARE_UPDATE_MILLIS) / 1e3;
            update = Math.max(update, seconds);
        }
        return new CounterResolution(resolution, update);
    }

    /** The most one read of the counters is off at {@code powerWatts}: one step or one update's energy. */
    double quantumJoules(double powerWatts) {
        return Math.max(resolutionJoules, Math.max(0, powerWatts) * updateIntervalSeconds);
    }

    /**
     * The shortest trial these counters resolve at {@code idleWatts} (the least power a trial draws):
     * {@value #STEPS} updates, and {@value #STEPS} steps at that power.
     */
    double minimumTrialSeconds(double idleWatts) {
        double updates = STEPS * updateIntervalSeconds;
        double steps = idleWatts > 0 ? STEPS * resolutionJoules / idleWatts : 0;
        return Math.max(updates, steps);
    }

    /**
     * How far the idle power measured over {@code windowSeconds} at {@code idleWatts} may be off from the counters'
     * resolution alone: one quantum at each end of the window.
     */
    double idleUncertaintyWatts(double idleWatts, double windowSeconds) {
        return windowSeconds > 0 ? 2 * quantumJoules(idleWatts) / windowSeconds : 0;
    }
}
