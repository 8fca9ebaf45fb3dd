package dev.ergometer.service;

import dev.ergometer.sampler.Ticker;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker that moves only when told, so that trial durations are exact. */
final class ManualTicker implements Ticker {

    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Override
    public long nanos() {
        return nanos.get();
    }

    void advanceNanos(long delta) {
        nanos.addAndGet(delta);
    }
}
