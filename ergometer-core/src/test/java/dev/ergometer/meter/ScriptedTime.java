package dev.ergometer.meter;

import dev.ergometer.sampler.Ticker;
import java.time.Instant;
import java.time.InstantSource;

/** A monotonic ticker and a wall clock that move together only when the test says so. */
final class ScriptedTime implements Ticker, InstantSource {

    static final long EPOCH_SECONDS = 1_700_000_000L;

    private long nanos;

    void set(double seconds) {
        nanos = Math.round(seconds * 1e9);
    }

    void advance(double seconds) {
        nanos += Math.round(seconds * 1e9);
    }

    @Override
    public long nanos() {
        return nanos;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochSecond(EPOCH_SECONDS).plusNanos(nanos);
    }
}
