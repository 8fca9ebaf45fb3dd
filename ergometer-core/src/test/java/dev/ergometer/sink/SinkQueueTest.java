package dev.ergometer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SinkQueueTest {

    private static final Backoff FAST = new Backoff(Duration.ofMillis(5), Duration.ofMillis(20), 2, 0, 4);

    private static Batch batch(int id, int samples) {
        Sample[] array = new Sample[samples];
        for (int i = 0; i < samples; i++) {
            array[i] = Sample.of("m", id, i, "batch", Integer.toString(id));
        }
        return Batch.of(array);
    }

    /** A sink that fails its first {@code failures} attempts with the given kind, then accepts. */
    private static final class ScriptedSink implements Sink {
        final List<Batch> accepted = new CopyOnWriteArrayList<>();
        final AtomicInteger attempts = new AtomicInteger();
        final int failures;
        final boolean retryable;
        volatile boolean closed;

        ScriptedSink(int failures, boolean retryable) {
            this.failures = failures;
            this.retryable = retryable;
        }

        @Override
        public void accept(Batch batch) throws SinkException {
            if (attempts.incrementAndGet() <= failures) {
                throw retryable ? SinkException.retryable("down", null) : SinkException.permanent("bad batch", null);
            }
            accepted.add(batch);
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    @Test
    void retryableFailuresAreRetriedUntilTheBatchIsAccepted() throws Exception {
        ScriptedSink sink = new ScriptedSink(2, true);
        try (SinkQueue queue = SinkQueue.start("t", sink, 3, FAST, Duration.ofSeconds(1))) {
            queue.offer(batch(1, 3));

            assertThat(queue.awaitIdle(Duration.ofSeconds(5))).isTrue();
            assertThat(sink.accepted).containsExactly(batch(1, 3));
            assertThat(queue.counts()).isEqualTo(new SinkQueueCounts(3, 6, 0, 0));
        }
        assertThat(sink.closed).isTrue();
    }

    @Test
    void aRefusedBatchIsDroppedWithoutRetry() throws Exception {
        ScriptedSink sink = new ScriptedSink(1, false);
        try (SinkQueue queue = SinkQueue.start("t", sink, 3, FAST, Duration.ofSeconds(1))) {
            queue.offer(batch(1, 2));
            queue.offer(batch(2, 1));

            assertThat(queue.awaitIdle(Duration.ofSeconds(5))).isTrue();
            assertThat(sink.attempts).hasValue(2);
            assertThat(sink.accepted).containsExactly(batch(2, 1));
            assertThat(queue.counts()).isEqualTo(new SinkQueueCounts(1, 0, 2, 0));
            assertThat(queue.lastFailure()).hasMessage("bad batch");
        }
    }

    @Test
    void aBatchOutOfAttemptsIsDroppedAndCounted() throws Exception {
        ScriptedSink sink = new ScriptedSink(Integer.MAX_VALUE, true);
        try (SinkQueue queue = SinkQueue.start("t", sink, 3, FAST, Duration.ofSeconds(1))) {
            queue.offer(batch(1, 2));

            assertThat(queue.awaitIdle(Duration.ofSeconds(5))).isTrue();
            assertThat(sink.attempts).hasValue(4);
            assertThat(queue.counts()).isEqualTo(new SinkQueueCounts(0, 6, 2, 0));
        }
    }

    @Test
    void aFullBufferDropsTheOldestWaitingBatchAndOfferNeverWaits() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        List<Batch> accepted = new CopyOnWriteArrayList<>();
        CountDownLatch firstTaken = new CountDownLatch(1);
        Sink hanging = batch -> {
            firstTaken.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw SinkException.retryable("interrupted", e);
            }
            accepted.add(batch);
        };
        try (SinkQueue queue = SinkQueue.start("t", hanging, 2, FAST, Duration.ofSeconds(2))) {
            queue.offer(batch(1, 1));
            assertThat(firstTaken.await(5, TimeUnit.SECONDS)).isTrue();
            long start = System.nanoTime();
            for (int id = 2; id <= 5; id++) {
                queue.offer(batch(id, 10));
            }
            assertThat(System.nanoTime() - start).isLessThan(Duration.ofMillis(100).toNanos());
            assertThat(queue.counts()).isEqualTo(new SinkQueueCounts(0, 0, 20, 2));

            release.countDown();
            assertThat(queue.awaitIdle(Duration.ofSeconds(5))).isTrue();
            assertThat(accepted).containsExactly(batch(1, 1), batch(4, 10), batch(5, 10));
            assertThat(queue.counts()).isEqualTo(new SinkQueueCounts(21, 0, 20, 0));
        }
    }

    @Test
    void closeFlushesWhatIsBufferedAndCountsWhatMissesTheDeadline() {
        ScriptedSink sink = new ScriptedSink(Integer.MAX_VALUE, true);
        Backoff slow = new Backoff(Duration.ofMillis(50), Duration.ofMillis(50), 1, 0, 1000);
        SinkQueue queue = SinkQueue.start("t", sink, 5, slow, Duration.ofMillis(300));
        queue.offer(batch(1, 1));
        queue.offer(batch(2, 2));
        long start = System.nanoTime();
        queue.close();

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(queue.counts().droppedSamples()).isEqualTo(3);
        assertThat(queue.counts().sentSamples()).isZero();
        assertThat(sink.closed).isTrue();

        ScriptedSink healthy = new ScriptedSink(0, true);
        SinkQueue flushing = SinkQueue.start("t", healthy, 5, slow, Duration.ofSeconds(2));
        flushing.offer(batch(1, 1));
        flushing.offer(batch(2, 2));
        flushing.close();
        assertThat(flushing.counts()).isEqualTo(new SinkQueueCounts(3, 0, 0, 0));
    }
}
