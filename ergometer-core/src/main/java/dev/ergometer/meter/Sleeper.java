package dev.ergometer.meter;

import java.time.Duration;

/** A way to wait for a while; injectable so that tests of {@link EnergyMeter#genIdle} need not sleep. */
@FunctionalInterface
public interface Sleeper {

    /** Waits {@code nanos} nanoseconds. */
    void sleepNanos(long nanos) throws InterruptedException;

    /** {@link Thread#sleep(Duration)}. */
    static Sleeper system() {
        return nanos -> Thread.sleep(Duration.ofNanos(nanos));
    }
}
