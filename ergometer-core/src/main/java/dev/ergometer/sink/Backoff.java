package dev.ergometer.sink;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * A retry policy: how many attempts a batch gets and how long to wait before each retry, growing exponentially from
 * {@code initial} by {@code multiplier} up to {@code max}, with random jitter so that many senders do not retry in
 * step.
 *
 * <p>The delay before retry {@code n} (attempt {@code n + 1}) is {@code min(max, initial * multiplier^(n-1))} reduced
 * by a random fraction of at most {@code jitter}. The policy is a value; the loop that waits lives in
 * {@link SinkQueue}.
 *
 * @param initial the wait before the first retry
 * @param max the longest wait between two attempts
 * @param multiplier how much the wait grows after each failed retry ({@code >= 1})
 * @param jitter the largest fraction of a wait removed at random, in {@code [0, 1)}
 * @param maxAttempts attempts per batch, the first one included ({@code >= 1})
 */
public record Backoff(Duration initial, Duration max, double multiplier, double jitter, int maxAttempts) {

    public Backoff {
        Objects.requireNonNull(initial, "initial");
        Objects.requireNonNull(max, "max");
        if (initial.isNegative() || max.compareTo(initial) < 0) {
            throw new IllegalArgumentException("backoff needs 0 <= initial <= max, got initial " + initial
                    + " and max " + max);
        }
        if (!(multiplier >= 1) || Double.isInfinite(multiplier)) {
            throw new IllegalArgumentException("backoff multiplier must be finite and >= 1, got " + multiplier);
        }
        if (!(jitter >= 0 && jitter < 1)) {
            throw new IllegalArgumentException("backoff jitter must be in [0, 1), got " + jitter);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("backoff needs at least 1 attempt, got " + maxAttempts);
        }
    }

    /** Prometheus' own remote-write pacing (30 ms doubling to 5 s), with 10 attempts and 20 % jitter. */
    public static Backoff prometheusDefault() {
        return new Backoff(Duration.ofMillis(30), Duration.ofSeconds(5), 2, 0.2, 10);
    }

    /** The wait before retry number {@code retry} (1 for the first retry), in nanoseconds. */
    public long delayNanos(int retry, RandomGenerator random) {
        if (retry < 1) {
            throw new IllegalArgumentException("retries are numbered from 1, got " + retry);
        }
        double nanos = initial.toNanos() * Math.pow(multiplier, retry - 1);
        double capped = Math.min(nanos, (double) max.toNanos());
        return (long) (capped * (1 - jitter * random.nextDouble()));
    }

    /** The longest total wait a batch can spend between its first and last attempt. */
    public Duration budget() {
        long total = 0;
        for (int retry = 1; retry < maxAttempts; retry++) {
            total += (long) Math.min(initial.toNanos() * Math.pow(multiplier, retry - 1), (double) max.toNanos());
        }
        return Duration.ofNanos(total);
    }
}
