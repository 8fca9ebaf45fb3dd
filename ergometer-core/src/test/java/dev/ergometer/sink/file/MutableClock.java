package dev.ergometer.sink.file;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;

/** A wall clock that tests move by hand. */
final class MutableClock implements InstantSource {

    private Instant now;

    MutableClock(Instant start) {
        this.now = start;
    }

    void advance(Duration duration) {
        now = now.plus(duration);
    }

    @Override
    public Instant instant() {
        return now;
    }
}
