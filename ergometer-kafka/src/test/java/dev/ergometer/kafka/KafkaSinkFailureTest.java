package dev.ergometer.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.sink.SinkException;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How the errors Kafka reports become retryable or permanent failures (the real exception types, no broker). */
class KafkaSinkFailureTest {

    private final KafkaSink sink = new KafkaSink(KafkaSinkSettings.of("127.0.0.1:9", "reports")
            .withClientId("node-7").withTimeout(Duration.ofSeconds(1)));
    private final List<ProducerRecord<byte[], byte[]>> records = List.of(
            new ProducerRecord<>("reports", null, 1L, new byte[4], new byte[100]),
            new ProducerRecord<>("reports", null, 2L, new byte[4], new byte[250]));

    @AfterEach
    void close() {
        sink.close();
    }

    @Test
    void failuresKafkaCallsRetriableAreRetryable() {
        assertThat(sink.failure(new NotLeaderOrFollowerException("leader moved"), 0, records).retryable()).isTrue();
        assertThat(sink.failure(new NotEnoughReplicasException("1 of 3 in sync"), 0, records).retryable()).isTrue();
        assertThat(sink.failure(new TimeoutException("Expiring 2 record(s)"), 0, records).retryable()).isTrue();
    }

    @Test
    void aTopicTheClientMayNotWriteIsPermanentAndSaysWhichAclToGrant() {
        SinkException failure = sink.failure(new TopicAuthorizationException("Not authorized to access topics: "
                + "[reports]"), 0, records);

        assertThat(failure.retryable()).isFalse();
        assertThat(failure).hasMessage("Kafka topic reports at 127.0.0.1:9: TopicAuthorizationException (Not "
                + "authorized to access topics: [reports]); grant client node-7's principal WRITE on the topic "
                + "(kafka-acls.sh --bootstrap-server 127.0.0.1:9 --add --allow-principal User:<principal> "
                + "--operation Write --topic reports)");
    }

    @Test
    void authenticationAndClusterAuthorizationFailuresArePermanentAndSayWhatToCheck() {
        SinkException sasl = sink.failure(new SaslAuthenticationException("Invalid username or password"), 0,
                records);
        SinkException idempotence = sink.failure(new ClusterAuthorizationException("Cluster authorization failed."),
                0, records);

        assertThat(sasl.retryable()).isFalse();
        assertThat(sasl).hasMessageContaining("security.protocol and the sasl.* / ssl.* producer properties");
        assertThat(idempotence.retryable()).isFalse();
        assertThat(idempotence).hasMessageContaining("IdempotentWrite").hasMessageContaining("enable.idempotence");
    }

    @Test
    void aRecordTooLargeIsPermanentAndGivesTheLargestRecordOfTheBatch() {
        SinkException failure = sink.failure(new RecordTooLargeException("The message is 258 bytes"), 0, records);

        assertThat(failure.retryable()).isFalse();
        assertThat(failure).hasMessageContaining("the largest record of this batch is 254 bytes")
                .hasMessageContaining("max.request.size").hasMessageContaining("max.message.bytes");
    }

    @Test
    void refusedTimestampsAndOtherNonRetriableErrorsArePermanent() {
        assertThat(sink.failure(new InvalidTimestampException("too far in the future"), 0, records))
                .hasMessageContaining("check this machine's clock")
                .extracting(SinkException::retryable).isEqualTo(false);
        assertThat(sink.failure(new UnsupportedVersionException("broker too old"), 0, records))
                .hasMessageContaining("Kafka says retrying will not help")
                .extracting(SinkException::retryable).isEqualTo(false);
    }

    @Test
    void aFailureAfterPartOfTheBatchWasWrittenSaysTheRetryWritesItAgain() {
        assertThat(sink.failure(new NotLeaderOrFollowerException("leader moved"), 1, records))
                .hasMessageEndingWith("(1 of 2 records were written already; a retry writes them again)");
    }
}
