package dev.ergometer.service;

import dev.ergometer.meter.Sleeper;
import dev.ergometer.sampler.EnergyInterval;
import dev.ergometer.sampler.EnergySnapshot;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.model.Domain;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Measures the machine's idle power: the energy of each domain over a window in which nothing is measured. */
final class IdleCalibrator {

    private final Sampler sampler;
    private final Sleeper sleeper;
    private final Clock clock;
    private final String host;

    IdleCalibrator(Sampler sampler, Sleeper sleeper, Clock clock, String host) {
        this.sampler = sampler;
        this.sleeper = sleeper;
        this.clock = clock;
        this.host = host;
    }

    /** Measures for {@code window} and returns the power of each domain, stamped with the time it ended. */
    IdlePower measure(Duration window) throws InterruptedException {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("the idle window must be longer than 0 s, got " + window);
        }
        EnergySnapshot before = sampler.sample();
        sleeper.sleepNanos(window.toNanos());
        EnergyInterval idle = sampler.sample().minus(before);
        if (idle.durationNanos() <= 0) {
            throw new IllegalStateException("the idle window took no time on the sampler's clock");
        }
        List<Double> watts = new ArrayList<>();
        for (int slot = 0; slot < idle.domains().size(); slot++) {
            watts.add(idle.powerWatts(slot));
        }
        return new IdlePower(host, sampler.source().name(), sampler.domains().stream().map(Domain::id).toList(),
                watts, clock.instant(), Duration.ofNanos(idle.durationNanos()));
    }
}
