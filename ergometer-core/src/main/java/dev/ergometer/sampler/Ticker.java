package dev.ergometer.sampler;

/**
 * A time source that returns a time value representing the number of nanoseconds elapsed since some fixed but
 * arbitrary point in time; injectable so that tests can drive time.
 */
@FunctionalInterface
public interface Ticker {

    /** Nanoseconds since an arbitrary fixed origin. */
    long nanos();

    /** The JVM's monotonic clock ({@link System#nanoTime()}). */
    static Ticker system() {
        return System::nanoTime;
    }
}
