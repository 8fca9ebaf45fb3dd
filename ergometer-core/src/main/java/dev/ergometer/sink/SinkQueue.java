package dev.ergometer.sink;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/**
 * A bounded buffer in front of one {@link Sink} with its own thread: the caller {@link #offer}s batches without ever
 * waiting, and the thread delivers them in order, retrying retryable failures with a {@link Backoff}.
 *
 * <p>This is where scheduling lives for sinks (sinks themselves make one attempt per call). The agent gives each sink
 * its own queue, so a slow or dead sink fills only its own buffer and never delays sampling or the other sinks.
 * Prometheus remote-write uses it with {@code MAX_RETRY_BATCHES} as the capacity.
 *
 * <ul>
 *   <li>At most {@code capacityBatches} batches wait; offering one more drops the oldest waiting batch (counted).</li>
 *   <li>The batch being sent keeps its place until it is accepted, refused ({@link SinkException#retryable()} false,
 *       dropped and counted) or out of attempts (dropped and counted).</li>
 *   <li>{@link #close()} stops taking batches, keeps delivering until the flush deadline, counts whatever is left as
 *       dropped and closes the sink.</li>
 * </ul>
 *
 * <pre>{@code
 * try (SinkQueue queue = SinkQueue.start("remote-write", sink, 5, Backoff.prometheusDefault(), Duration.ofSeconds(10))) {
 *     queue.offer(batch);                  // returns at once
 *     SinkQueueCounts counts = queue.counts();
 * }
 * }</pre>
 */
public final class SinkQueue implements AutoCloseable {

    private final String name;
    private final Sink sink;
    private final int capacityBatches;
    private final Backoff backoff;
    private final Duration flushTimeout;
    private final RandomGenerator random = RandomGenerator.getDefault();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Batch> waiting = new ArrayDeque<>();
    private boolean sending;
    private boolean closing;
    private boolean closed;
    private long deadlineNanos;

    private final AtomicLong sentSamples = new AtomicLong();
    private final AtomicLong retriedSamples = new AtomicLong();
    private final AtomicLong droppedSamples = new AtomicLong();
    private volatile Exception lastFailure;
    private final Thread worker;

    private SinkQueue(String name, Sink sink, int capacityBatches, Backoff backoff, Duration flushTimeout) {
        this.name = Objects.requireNonNull(name, "name");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.backoff = Objects.requireNonNull(backoff, "backoff");
        this.flushTimeout = Objects.requireNonNull(flushTimeout, "flushTimeout");
        if (capacityBatches < 1) {
            throw new IllegalArgumentException("sink queue " + name + " must hold at least 1 batch, got "
                    + capacityBatches + " (MAX_RETRY_BATCHES must be >= 1)");
        }
        if (flushTimeout.isNegative()) {
            throw new IllegalArgumentException("sink queue " + name + ": flush timeout must be >= 0, got "
                    + flushTimeout);
        }
        this.capacityBatches = capacityBatches;
        this.worker = Thread.ofPlatform().name("ergometer-sink-" + name).daemon().unstarted(this::run);
    }

    /**
     * Starts a queue that owns {@code sink} (closing the queue closes the sink).
     *
     * @param capacityBatches how many batches may wait while the sink fails ({@code >= 1})
     * @param flushTimeout how long {@link #close()} keeps delivering what is buffered
     */
    public static SinkQueue start(String name, Sink sink, int capacityBatches, Backoff backoff, Duration flushTimeout) {
        SinkQueue queue = new SinkQueue(name, sink, capacityBatches, backoff, flushTimeout);
        queue.worker.start();
        return queue;
    }

    /** The sink's name, as given to {@link #start}. */
    public String name() {
        return name;
    }

    /** How many batches may wait while the sink fails. */
    public int capacityBatches() {
        return capacityBatches;
    }

    /** How long {@link #close()} keeps delivering what is buffered. */
    public Duration flushTimeout() {
        return flushTimeout;
    }

    /** Hands a batch to the queue without waiting; when the buffer is full the oldest waiting batch is dropped. */
    public void offer(Batch batch) {
        Objects.requireNonNull(batch, "batch");
        if (batch.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            if (closing) {
                throw new IllegalStateException("sink queue " + name + " is closed; offer batches before close()");
            }
            if (waiting.size() == capacityBatches) {
                droppedSamples.addAndGet(waiting.pollFirst().size());
            }
            waiting.addLast(batch);
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** What the queue has done so far. */
    public SinkQueueCounts counts() {
        lock.lock();
        try {
            return new SinkQueueCounts(sentSamples.get(), retriedSamples.get(), droppedSamples.get(), waiting.size());
        } finally {
            lock.unlock();
        }
    }

    /** The last failure the sink reported, or null if it never failed. */
    public Exception lastFailure() {
        return lastFailure;
    }

    /** Waits until no batch is waiting or being sent; false if that did not happen within {@code timeout}. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long end = System.nanoTime() + timeout.toNanos();
        lock.lock();
        try {
            while (!waiting.isEmpty() || sending) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                changed.awaitNanos(left);
            }
            return true;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Stops taking batches, delivers what is buffered until the flush timeout, counts the rest as dropped and closes
     * the sink.
     */
    @Override
    public void close() {
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closing = true;
            deadlineNanos = System.nanoTime() + flushTimeout.toNanos();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        boolean interrupted = false;
        try {
            worker.join(flushTimeout.plusMillis(100));
            if (worker.isAlive()) {
                worker.interrupt();   // a sink stuck in I/O past the deadline
                worker.join(Duration.ofSeconds(1));
            }
        } catch (InterruptedException e) {
            interrupted = true;
        }
        lock.lock();
        try {
            for (Batch batch : waiting) {
                droppedSamples.addAndGet(batch.size());
            }
            waiting.clear();
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        sink.close();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        while (true) {
            Batch batch;
            lock.lock();
            try {
                while (waiting.isEmpty() && !closing) {
                    changed.awaitUninterruptibly();
                }
                if (waiting.isEmpty() || pastDeadline()) {
                    return;
                }
                batch = waiting.pollFirst();
                sending = true;
            } finally {
                lock.unlock();
            }
            try {
                deliver(batch);
            } finally {
                lock.lock();
                try {
                    sending = false;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    private void deliver(Batch batch) {
        for (int attempt = 1; ; attempt++) {
            try {
                sink.accept(batch);
                sentSamples.addAndGet(batch.size());
                return;
            } catch (SinkException e) {
                lastFailure = e;
                if (!e.retryable() || attempt >= backoff.maxAttempts()) {
                    droppedSamples.addAndGet(batch.size());
                    return;
                }
            } catch (RuntimeException e) {
                lastFailure = e;
                droppedSamples.addAndGet(batch.size());
                return;
            }
            if (!waitBeforeRetry(backoff.delayNanos(attempt, random))) {
                droppedSamples.addAndGet(batch.size());
                return;
            }
            retriedSamples.addAndGet(batch.size());
        }
    }

    /** Waits {@code delayNanos}, or less if the queue closes; false when the flush deadline passes first. */
    private boolean waitBeforeRetry(long delayNanos) {
        long end = System.nanoTime() + delayNanos;
        lock.lock();
        try {
            while (true) {
                long now = System.nanoTime();
                long until = closing ? Math.min(end, deadlineNanos) : end;
                if (closing && now - deadlineNanos >= 0) {
                    return false;
                }
                if (now - end >= 0) {
                    return true;
                }
                changed.awaitNanos(until - now);
            }
        } catch (InterruptedException e) {
            return false;
        } finally {
            lock.unlock();
        }
    }

    private boolean pastDeadline() {
        return closing && System.nanoTime() - deadlineNanos >= 0;
    }

    @Override
    public String toString() {
        return "SinkQueue[" + name + ", " + counts() + "]";
    }
}
