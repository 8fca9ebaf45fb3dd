package dev.ergometer.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.LockSupport;

/**
 * A thread that advances a fake energy counter file along a known {@link PowerCurve}, as the hardware would: the
 * file always holds the exact integral since the start, in µJ, modulo the counter's range.
 *
 * <p>It rewrites the file in place every few tens of microseconds (a real RAPL counter updates about every
 * millisecond), so a reader sees a value at most one step old. Times are {@link System#nanoTime()}, the clock of
 * Ergometer's default ticker, so {@link #exactJoules(long, long)} gives the truth for any two reading times.
 */
public final class SyntheticCounter implements AutoCloseable {

    /** How many recent writes are remembered, to tell when a value that a reader saw was written. */
    private static final int HISTORY = 1 << 16;

    private final FileChannel channel;
    private final PowerCurve curve;
    private final long wrapMicrojoules;
    private final long stepNanos;
    private final ByteBuffer buffer = ByteBuffer.allocate(32);
    private final long startNanos;
    private final long[] historyValues = new long[HISTORY];
    private final long[] historyNanos = new long[HISTORY];
    private int historyNext;
    private final Thread thread;
    private volatile boolean running = true;

    private SyntheticCounter(Path energyFile, PowerCurve curve, long wrapMicrojoules, long stepNanos) {
        try {
            this.channel = FileChannel.open(energyFile, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.curve = curve;
        this.wrapMicrojoules = wrapMicrojoules;
        this.stepNanos = stepNanos;
        this.startNanos = System.nanoTime();
        write(0, startNanos);
        this.thread = Thread.ofPlatform().daemon().name("synthetic-counter").start(this::run);
    }

    /**
     * Starts advancing {@code energyFile} along {@code curve}, wrapping at {@code wrapMicrojoules}, updated every
     * {@code stepNanos}.
     */
    public static SyntheticCounter start(Path energyFile, PowerCurve curve, long wrapMicrojoules, long stepNanos) {
        return new SyntheticCounter(energyFile, curve, wrapMicrojoules, stepNanos);
    }

    /** The exact energy of the curve between two {@link System#nanoTime()} instants, in joules. */
    public double exactJoules(long fromNanoTime, long toNanoTime) {
        return curve.joulesBetween((fromNanoTime - startNanos) / 1e9, (toNanoTime - startNanos) / 1e9);
    }

    public PowerCurve curve() {
        return curve;
    }

    /**
     * When the counter last held {@code microjoules} (a value a reader saw), as a {@link System#nanoTime()} instant;
     * the time the value represents, which may be earlier than when it was read if this thread was delayed.
     *
     * @throws IllegalArgumentException when the value was not written recently
     */
    public synchronized long writtenAtNanos(long microjoules) {
        for (int i = 1; i <= HISTORY; i++) {
            int slot = Math.floorMod(historyNext - i, HISTORY);
            if (historyValues[slot] == microjoules && historyNanos[slot] != 0) {
                return historyNanos[slot];
            }
        }
        throw new IllegalArgumentException(microjoules + " µJ was not written recently");
    }

    private void run() {
        while (running) {
            LockSupport.parkNanos(stepNanos);
            long now = System.nanoTime();
            double joules = curve.joulesUntil((now - startNanos) / 1e9);
            write(Math.floorMod((long) Math.floor(joules * 1e6), wrapMicrojoules), now);
        }
    }

    private void write(long microjoules, long nowNanos) {
        synchronized (this) {
            historyValues[historyNext] = microjoules;
            historyNanos[historyNext] = nowNanos;
            historyNext = (historyNext + 1) % HISTORY;
        }
        // In place, without truncating: a reader never sees an empty file, and parsing stops at the newline.
        buffer.clear();
        buffer.put((microjoules + "\n").getBytes(StandardCharsets.US_ASCII));
        buffer.flip();
        try {
            channel.write(buffer, 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(2_000);
            channel.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
