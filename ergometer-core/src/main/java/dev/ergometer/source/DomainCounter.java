package dev.ergometer.source;

import dev.ergometer.model.Domain;
import java.util.Objects;

/**
 * One domain's cumulative energy counter as a source exposes it: its range, the most power it can see, its
 * resolution and where it is read; and the wrap-safe difference of two of its readings.
 *
 * <p>A counter counts up in microjoules and wraps to zero after {@link #wrapMicrojoules()} (sources whose counter
 * never wraps, such as integrated power, use {@link Long#MAX_VALUE}). A reading lower than the previous one is a
 * wrap when the energy it implies is plausible for the time that passed, and a reset (driver reload, counter
 * cleared) otherwise; a reset never turns into negative or enormous energy.
 *
 * @param domain the domain counted
 * @param wrapMicrojoules the counter's range: it goes back to 0 on reaching this value
 * @param maxPowerMicrowatts the most power the domain can draw (from the hardware's limits, or a safe default);
 *     bounds what one interval can plausibly count
 * @param resolutionMicrojoules the smallest step of the counter (the energy unit of the hardware)
 * @param origin where the counter is read, for people (a file, a register, a perf event)
 * @param readIntervalNanos for energy a source integrates from power readings: how often it must be read for the
 *     integral to follow the power; 0 when only the counter's range bounds the read interval
 */
public record DomainCounter(Domain domain, long wrapMicrojoules, long maxPowerMicrowatts,
        double resolutionMicrojoules, String origin, long readIntervalNanos) {

    /** The longest time between two reads, whatever the counter's range: an answer within a few seconds. */
    public static final long MAX_READ_INTERVAL_NANOS = 1_000_000_000L;

    /** Used when the hardware gives no power limit: above any single CPU socket or GPU sold today. */
    public static final long DEFAULT_MAX_POWER_MICROWATTS = 1_000_000_000L;

    private static final long MIN_PLAUSIBLE_MICROJOULES = 1_000_000L;

    public DomainCounter {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(origin, "origin");
        if (wrapMicrojoules <= 0) {
            throw new IllegalArgumentException(domain + ": counter range must be > 0 µJ, got " + wrapMicrojoules);
        }
        if (maxPowerMicrowatts <= 0) {
            throw new IllegalArgumentException(domain + ": max power must be > 0 µW, got " + maxPowerMicrowatts);
        }
        if (!(resolutionMicrojoules > 0)) {
            throw new IllegalArgumentException(domain + ": resolution must be > 0 µJ, got " + resolutionMicrojoules);
        }
        if (readIntervalNanos < 0) {
            throw new IllegalArgumentException(domain + ": read interval must be >= 0 ns, got " + readIntervalNanos);
        }
    }

    /** A hardware counter: only its range and the domain's power bound how often it must be read. */
    public DomainCounter(Domain domain, long wrapMicrojoules, long maxPowerMicrowatts, double resolutionMicrojoules,
            String origin) {
        this(domain, wrapMicrojoules, maxPowerMicrowatts, resolutionMicrojoules, origin, 0);
    }

    /**
     * Energy a source integrates from power readings (µJ, never wrapping), which must be read every
     * {@code readIntervalNanos} for the integral to follow the power.
     */
    public static DomainCounter integratedPower(Domain domain, long maxPowerMicrowatts, String origin,
            long readIntervalNanos) {
        if (readIntervalNanos <= 0) {
            throw new IllegalArgumentException(domain + ": integrated power needs a read interval > 0 ns, got "
                    + readIntervalNanos);
        }
        return new DomainCounter(domain, Long.MAX_VALUE, maxPowerMicrowatts, 1.0, origin, readIntervalNanos);
    }

    /** True when the counter wraps within the range of a {@code long}. */
    public boolean wraps() {
        return wrapMicrojoules != Long.MAX_VALUE;
    }

    /**
     * How often the counter must be read so that it cannot wrap twice between two reads: half the time it takes to
     * count through its whole range at maximum power, and never more than {@link #MAX_READ_INTERVAL_NANOS}; for
     * integrated power, also no more than its {@link #readIntervalNanos()}.
     */
    public long safeReadIntervalNanos() {
        long bound = MAX_READ_INTERVAL_NANOS;
        if (wraps()) {
            double secondsToWrap = (double) wrapMicrojoules / maxPowerMicrowatts;
            long half = (long) (secondsToWrap * 0.5e9);
            bound = Math.max(1_000_000L, Math.min(MAX_READ_INTERVAL_NANOS, half));
        }
        return readIntervalNanos > 0 ? Math.min(bound, readIntervalNanos) : bound;
    }

    /** The most energy the domain can plausibly count in {@code elapsedNanos} (with a floor for timer jitter). */
    public long plausibleMicrojoules(long elapsedNanos) {
        double micro = (double) maxPowerMicrowatts * Math.max(0, elapsedNanos) / 1e9;
        return (long) Math.min(Long.MAX_VALUE / 2, Math.max(MIN_PLAUSIBLE_MICROJOULES, micro * 2));
    }

    /**
     * True when {@code current} is lower than {@code previous} by more than a wrap can explain in the elapsed time:
     * the counter was reset, not wrapped.
     */
    public boolean isReset(long previous, long current, long elapsedNanos) {
        if (current >= previous) {
            return false;
        }
        if (!wraps()) {
            return true;
        }
        long wrapped = wrapMicrojoules - previous + current;
        return wrapped < 0 || wrapped > plausibleMicrojoules(elapsedNanos);
    }

    /**
     * The energy counted between two readings taken {@code elapsedNanos} apart, never negative: the plain difference,
     * or across one wrap, or after a reset the energy counted since the reset ({@code current}) when that is
     * plausible and 0 otherwise.
     */
    public long deltaMicrojoules(long previous, long current, long elapsedNanos) {
        if (current >= previous) {
            return current - previous;
        }
        if (!isReset(previous, current, elapsedNanos)) {
            return wrapMicrojoules - previous + current;
        }
        return current >= 0 && current <= plausibleMicrojoules(elapsedNanos) ? current : 0;
    }
}
