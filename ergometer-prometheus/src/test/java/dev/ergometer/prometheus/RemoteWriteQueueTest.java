package dev.ergometer.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.sink.Backoff;
import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sample;
import dev.ergometer.sink.SinkQueue;
import dev.ergometer.sink.SinkQueueCounts;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The remote-write sender driven by its {@link SinkQueue}: retries, backoff, drops and counts over real HTTP. */
class RemoteWriteQueueTest {

    /** 100 ms doubling, no jitter: retry gaps of 100, 200, 400 ms. */
    private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2, 0, 5);

    private static Batch batch(int id, int samples) {
        Sample[] array = new Sample[samples];
        for (int i = 0; i < samples; i++) {
            array[i] = Sample.of("m", id, 1000L * id + i, "batch", Integer.toString(id));
        }
        return Batch.of(array);
    }

    @Test
    void aServerErrorIsRetriedWithGrowingBackoffUntilAccepted() throws Exception {
        try (RemoteWriteReceiver receiver = new RemoteWriteReceiver(500, 500, 500);
             SinkQueue queue = SinkQueue.start("rw", RemoteWriteSink.to(receiver.uri()), 5, BACKOFF,
                     Duration.ofSeconds(2))) {
            queue.offer(batch(1, 2));

            assertThat(queue.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(receiver.requests).hasSize(4);
            assertThat(queue.counts()).isEqualTo(new SinkQueueCounts(2, 6, 0, 0));
            assertThat(receiver.acceptedSeries()).hasSize(1);
            long[] arrivals = receiver.requests.stream().mapToLong(RemoteWriteReceiver.Request::arrivalNanos)
                    .toArray();
            long[] expectedGapsMillis = {100, 200, 400};
            for (int i = 0; i < 3; i++) {
                long gapMillis = (arrivals[i + 1] - arrivals[i]) / 1_000_000;
                assertThat(gapMillis).as("gap before retry %d", i + 1)
                        .isBetween(expectedGapsMillis[i], expectedGapsMillis[i] + 250);
            }
        }
    }

    @Test
    void tooManyRequestsIsRetried() throws Exception {
        try (RemoteWriteReceiver receiver = new RemoteWriteReceiver(429);
             SinkQueue queue = SinkQueue.start("rw", RemoteWriteSink.to(receiver.uri()), 5, BACKOFF,
                     Duration.ofSeconds(2))) {
            queue.offer(batch(1, 3));

            assertThat(queue.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(receiver.requests).extracting(RemoteWriteReceiver.Request::answeredStatus)
                    .containsExactly(429, 204);
            assertThat(queue.counts()).isEqualTo(new SinkQueueCounts(3, 3, 0, 0));
        }
    }

    @Test
    void aBadRequestIsNotRetriedAndItsSamplesAreCountedDropped() throws Exception {
        try (RemoteWriteReceiver receiver = new RemoteWriteReceiver(400);
             SinkQueue queue = SinkQueue.start("rw", RemoteWriteSink.to(receiver.uri()), 5, BACKOFF,
                     Duration.ofSeconds(2))) {
            queue.offer(batch(1, 3));
            queue.offer(batch(2, 1));

            assertThat(queue.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(receiver.requests).extracting(RemoteWriteReceiver.Request::answeredStatus)
                    .containsExactly(400, 204);
            assertThat(queue.counts()).isEqualTo(new SinkQueueCounts(1, 0, 3, 0));
            assertThat(queue.lastFailure()).hasMessageContaining("HTTP 400");
        }
    }

    @Test
    void aFullRetryBufferDropsTheOldestBatchAndCountsIt() throws Exception {
        Backoff patient = new Backoff(Duration.ofMillis(300), Duration.ofMillis(300), 1, 0, 10);
        try (RemoteWriteReceiver receiver = new RemoteWriteReceiver(503, 503);
             SinkQueue queue = SinkQueue.start("rw", RemoteWriteSink.to(receiver.uri()), 2, patient,
                     Duration.ofSeconds(5))) {
            queue.offer(batch(1, 1));
            while (receiver.requests.isEmpty()) {
                Thread.sleep(5);   // batch 1 is now being retried, not waiting
            }
            for (int id = 2; id <= 5; id++) {
                queue.offer(batch(id, 2));
            }
            assertThat(queue.counts()).isEqualTo(new SinkQueueCounts(0, 0, 4, 2));

            assertThat(queue.awaitIdle(Duration.ofSeconds(10))).isTrue();
            assertThat(receiver.acceptedSeries()).extracting(s -> s.labels().get(1).value())
                    .containsExactly("1", "4", "5");
            assertThat(queue.counts()).isEqualTo(new SinkQueueCounts(5, 2, 4, 0));
        }
    }
}
