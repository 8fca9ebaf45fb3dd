package dev.ergometer.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sample;
import dev.ergometer.sink.SinkException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaSinkBrokerDownTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Duration SLACK = Duration.ofMillis(1500);

    private static KafkaBroker kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = KafkaBroker.start();
        kafka.createTopic("reports", 1);
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.stop();
        }
    }

    @Test
    void aBrokerThatStopsIsARetryableFailureWithinTheTimeoutForOldAndNewSinks() throws Exception {
        KafkaSinkSettings settings = KafkaSinkSettings.of(kafka.bootstrapServers(), "reports").withTimeout(TIMEOUT);
        try (KafkaSink running = new KafkaSink(settings)) {
            running.accept(batch());
            kafka.stop();

            long start = System.nanoTime();
            SinkException afterStop = catchThrowableOfType(SinkException.class, () -> running.accept(batch()));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(afterStop.retryable()).as(afterStop.getMessage()).isTrue();
            assertThat(afterStop).hasMessageContaining("within PT2S").hasMessageContaining("is Kafka running");
            assertThat(took).isLessThan(TIMEOUT.plus(SLACK));
        }

        try (KafkaSink fresh = new KafkaSink(settings)) {
            long start = System.nanoTime();
            SinkException neverUp = catchThrowableOfType(SinkException.class, () -> fresh.accept(batch()));
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(neverUp.retryable()).as(neverUp.getMessage()).isTrue();
            assertThat(neverUp).hasMessageContaining("no broker answered within PT2S")
                    .hasMessageContaining("is Kafka running");
            assertThat(took).isLessThan(TIMEOUT.plus(SLACK));
        }
    }

    private static Batch batch() {
        return Batch.of(Sample.of("ergometer_power_watts", 1.5, System.currentTimeMillis(), "domain", "package_0"));
    }
}
