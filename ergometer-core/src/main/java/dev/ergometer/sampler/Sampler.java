package dev.ergometer.sampler;

import dev.ergometer.model.Domain;
import dev.ergometer.source.DomainCounter;
import dev.ergometer.source.EnergySource;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.locks.LockSupport;

/**
 * Turns an {@link EnergySource}'s raw, wrapping counters into wrap-safe energy totals, reading often enough that no
 * counter can wrap twice between two reads.
 *
 * <p>{@link #sample()} reads the counters now and returns the totals; {@link #start()} adds a background thread that
 * reads at {@link #periodNanos()} (the shorter of the requested interval and the source's safe read interval), so a
 * long measurement stays exact whatever the caller does. Reads are serialised; the source itself need not be
 * thread-safe. Closing the sampler stops the thread; the source stays open (its owner closes it).
 *
 * <pre>{@code
 * try (EnergySource source = PowercapSource.open(SystemPaths.real());
 *      Sampler sampler = new Sampler(source, Ticker.system(), Sampler.DEFAULT_INTERVAL_NANOS).start()) {
 *     EnergySnapshot before = sampler.sample();
 *     work();
 *     EnergyInterval used = sampler.sample().minus(before);
 * }
 * }</pre>
 */
public final class Sampler implements AutoCloseable {

    /** The default background interval: one read per second, tightened for counters that need more. */
    public static final long DEFAULT_INTERVAL_NANOS = 1_000_000_000L;

    private final EnergySource source;
    private final Ticker ticker;
    private final List<Domain> domains;
    private final DomainCounter[] counters;
    private final long periodNanos;
    private final long[] raw;
    private final long[] previousRaw;
    private final long[] totals;
    private long previousNanos;
    private int resets;
    private volatile Thread thread;
    private volatile boolean running;
    private volatile RuntimeException failure;

    /**
     * Creates a sampler and takes the first reading.
     *
     * @param intervalNanos how often the background thread reads at most; shortened to the source's safe interval
     */
    public Sampler(EnergySource source, Ticker ticker, long intervalNanos) {
        this.source = Objects.requireNonNull(source, "source");
        this.ticker = Objects.requireNonNull(ticker, "ticker");
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("interval must be > 0 ns, got " + intervalNanos);
        }
        this.domains = source.domains();
        this.counters = source.counters().toArray(DomainCounter[]::new);
        this.periodNanos = Math.min(intervalNanos, source.maxReadIntervalNanos());
        this.raw = new long[counters.length];
        this.previousRaw = new long[counters.length];
        this.totals = new long[counters.length];
        previousNanos = ticker.nanos();
        source.read(previousRaw);
    }

    /** The domains sampled, in slot order. */
    public List<Domain> domains() {
        return domains;
    }

    public EnergySource source() {
        return source;
    }

    /** The background read period: never longer than any counter's safe read interval. */
    public long periodNanos() {
        return periodNanos;
    }

    /** Reads the counters now and returns the totals since the sampler started. */
    public synchronized EnergySnapshot sample() {
        update();
        return new EnergySnapshot(domains, previousNanos, totals, resets);
    }

    /**
     * Reads the counters now and adds their wrap-safe deltas to the totals, without allocating.
     *
     * @throws dev.ergometer.source.EnergyReadException when the source fails (also rethrown by later calls
     *     if the background thread met it first)
     */
    public synchronized void update() {
        RuntimeException failed = failure;
        if (failed != null) {
            throw failed;
        }
        // The time is taken just before the read: integrating sources (the model, power files) take theirs at the
        // start of read() too, so the interval's duration and its energy refer to the same instants.
        long now = ticker.nanos();
        source.read(raw);
        long elapsed = now - previousNanos;
        for (int i = 0; i < raw.length; i++) {
            DomainCounter counter = counters[i];
            if (counter.isReset(previousRaw[i], raw[i], elapsed)) {
                resets++;
            }
            totals[i] += counter.deltaMicrojoules(previousRaw[i], raw[i], elapsed);
            previousRaw[i] = raw[i];
        }
        previousNanos = now;
    }

    /** Starts the background thread that reads every {@link #periodNanos()}; returns this sampler. */
    public synchronized Sampler start() {
        if (thread != null) {
            return this;
        }
        running = true;
        thread = Thread.ofPlatform().daemon().name("ergometer-sampler").start(this::loop);
        return this;
    }

    private void loop() {
        long next = System.nanoTime() + periodNanos;
        while (running) {
            LockSupport.parkNanos(next - System.nanoTime());
            if (!running) {
                return;
            }
            try {
                update();
            } catch (RuntimeException e) {
                failure = e;
                return;
            }
            next += periodNanos;
            long now = System.nanoTime();
            if (next < now) {
                next = now + periodNanos;
            }
        }
    }

    /** Stops the background thread, if any; the source stays open. */
    @Override
    public void close() {
        running = false;
        Thread t = thread;
        if (t != null) {
            LockSupport.unpark(t);
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
