package dev.ergometer.measure;

import dev.ergometer.sampler.EnergyInterval;
import java.util.Objects;

/**
 * The machine's power per domain while nothing was being measured, taken just before a measurement; subtracted
 * from each run to give its net energy.
 *
 * @param energy what each domain used during the idle window
 */
public record IdleBaseline(EnergyInterval energy) {

    public IdleBaseline {
        Objects.requireNonNull(energy, "energy");
        if (energy.durationNanos() <= 0) {
            throw new IllegalArgumentException("an idle baseline needs a window longer than 0 s");
        }
    }

    /** Average idle power of the domain in slot {@code domain}, in watts. */
    public double powerWatts(int domain) {
        return energy.powerWatts(domain);
    }

    public double durationSeconds() {
        return energy.durationSeconds();
    }
}
