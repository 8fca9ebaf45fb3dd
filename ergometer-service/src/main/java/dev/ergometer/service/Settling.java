package dev.ergometer.service;

import dev.ergometer.meter.Sleeper;
import dev.ergometer.sampler.EnergySnapshot;
import dev.ergometer.sampler.Sampler;
import java.time.Duration;

/**
 * Waits, up to a limit, for the machine to settle back to its idle power (a previous job or a burst of other work
 * warms the package and lifts its power for a while): power is read over short windows until one is within
 * {@value #TOLERANCE_PERCENT}% (plus {@value #TOLERANCE_WATTS} W) of the idle power.
 */
final class Settling {

    /** How far above idle power counts as settled, in percent of it. */
    static final double TOLERANCE_PERCENT = 10;
    /** How far above idle power counts as settled, in watts, on top of the percentage (noise of small readings). */
    static final double TOLERANCE_WATTS = 0.5;
    /** The window over which power is read. */
    static final Duration WINDOW = Duration.ofMillis(500);

    /**
     * What the wait gave.
     *
     * @param attempted false when the request asked for no wait
     * @param settled whether a window was within tolerance of idle before the limit
     * @param waitedSeconds how long it waited
     * @param lastPowerWatts the power of the last window (package + RAM); NaN when none was read
     */
    record Result(boolean attempted, boolean settled, double waitedSeconds, double lastPowerWatts) {
    }

    private Settling() {
    }

    static Result await(Sampler sampler, Sleeper sleeper, EnergySlots slots, IdlePower idle, Duration limit)
            throws InterruptedException {
        if (limit.isZero() || limit.isNegative()) {
            return new Result(false, false, 0, Double.NaN);
        }
        double threshold = slots.idleWatts(idle) * (1 + TOLERANCE_PERCENT / 100) + TOLERANCE_WATTS;
        EnergySnapshot start = sampler.sample();
        EnergySnapshot before = start;
        double power = Double.NaN;
        long windows = limit.toNanos() / WINDOW.toNanos() + 2; // a clock that does not move cannot hold us forever
        for (long w = 0; w < windows; w++) {
            long waited = before.timeNanos() - start.timeNanos();
            long window = Math.min(WINDOW.toNanos(), limit.toNanos() - waited);
            if (window <= 0) {
                return new Result(true, false, waited / 1e9, power);
            }
            sleeper.sleepNanos(window);
            EnergySnapshot after = sampler.sample();
            power = slots.powerWatts(after.minus(before));
            if (power <= threshold) {
                return new Result(true, true, (after.timeNanos() - start.timeNanos()) / 1e9, power);
            }
            before = after;
        }
        return new Result(true, false, (before.timeNanos() - start.timeNanos()) / 1e9, power);
    }
}
