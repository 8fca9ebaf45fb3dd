package dev.ergometer.cli;

import dev.ergometer.attribution.AttributedInterval;
import dev.ergometer.attribution.AttributionSampler;
import dev.ergometer.attribution.Consumer;
import dev.ergometer.attribution.TopSnapshot;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import java.io.IOException;

/** {@code erg top}'s snapshots measured in this process: its own sampler and attribution over an energy source. */
final class LocalTopFeed implements TopFeed {

    private final EnergySource source;
    private final Sampler sampler;
    private final AttributionSampler attribution;
    private AttributedInterval last;

    private LocalTopFeed(EnergySource source, Sampler sampler, AttributionSampler attribution) {
        this.source = source;
        this.sampler = sampler;
        this.attribution = attribution;
    }

    /**
     * Starts sampling {@code source} and attributing its energy to the processes of {@code paths}' procfs; the feed
     * closes the source when it is closed.
     *
     * @throws IOException when /proc cannot be read
     */
    static LocalTopFeed start(EnergySource source, SystemPaths paths) throws IOException {
        Sampler sampler = null;
        try {
            sampler = new Sampler(source, Ticker.system(), Sampler.DEFAULT_INTERVAL_NANOS).start();
            return new LocalTopFeed(source, sampler, AttributionSampler.processes(sampler, paths));
        } catch (IOException | RuntimeException e) {
            if (sampler != null) {
                sampler.close();
            }
            source.close();
            throw e;
        }
    }

    @Override
    public String origin() {
        return "";
    }

    @Override
    public boolean firstSnapshotNeedsAnInterval() {
        return true;
    }

    @Override
    public TopSnapshot next(Consumer.Kind kind, int limit) {
        last = attribution.tick();
        return again(kind, limit);
    }

    @Override
    public TopSnapshot again(Consumer.Kind kind, int limit) {
        if (last == null) {
            throw new IllegalStateException("no interval measured yet: call next() first");
        }
        return TopSnapshot.of(last, kind, limit, source.name(), source.method(), source.estimated());
    }

    @Override
    public void close() {
        try (source; sampler; attribution) {
            // closed in reverse order: attribution, sampler, source
        }
    }
}
