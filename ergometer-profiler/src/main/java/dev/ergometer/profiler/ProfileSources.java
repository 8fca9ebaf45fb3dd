package dev.ergometer.profiler;

import dev.ergometer.sampler.Sampler;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.EnergySources;
import dev.ergometer.source.SourceFactory;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.model.ModelSource;
import java.util.List;

/** The energy source and sampler a profile reads, as its settings name them. */
final class ProfileSources {

    private ProfileSources() {
    }

    /**
     * Opens the source the settings name, or the best one of this machine when they name none.
     *
     * @throws SourceUnavailableException when it cannot be used, with each source's reason and fix
     */
    static EnergySources.Selection open(ProfileSettings settings) throws SourceUnavailableException {
        return settings.source() == null
                ? EnergySources.openBest(factories(settings), settings.paths(), Ticker.system())
                : EnergySources.open(factories(settings), settings.source(), settings.paths(), Ticker.system());
    }

    /** A started sampler of {@code source}, reading at least as often as the profile's interval. */
    static Sampler sampler(EnergySource source, ProfileSettings settings) {
        return new Sampler(source, Ticker.system(), Math.min(settings.intervalNanos(), Sampler.DEFAULT_INTERVAL_NANOS))
                .start();
    }

    /** The sources, best first, with the model's coefficients from the settings when given. */
    private static List<SourceFactory> factories(ProfileSettings settings) {
        if (settings.modelIdleWatts() == null && settings.modelDramWattsPerGib() == null) {
            return EnergySources.all();
        }
        if (settings.modelIdleWatts() == null) {
            throw new IllegalArgumentException("the model's DRAM watts per GiB need its idle and max watts too");
        }
        SourceFactory model = ModelSource.factory(new ModelSource.Coefficients(settings.modelIdleWatts(),
                settings.modelMaxWatts(), settings.modelDramWattsPerGib() == null
                        ? ModelSource.Coefficients.CCF_DRAM_WATTS_PER_GIB : settings.modelDramWattsPerGib(),
                "user-supplied"));
        return EnergySources.all().stream().map(f -> f.name().equals(model.name()) ? model : f).toList();
    }
}
