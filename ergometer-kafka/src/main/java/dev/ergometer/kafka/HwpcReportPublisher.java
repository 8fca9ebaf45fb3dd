package dev.ergometer.kafka;

import dev.ergometer.fleet.HwpcReport;
import dev.ergometer.sink.SinkException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * The sensor side of a fleet: publishes HWPC reports ({@link dev.ergometer.fleet.HwpcReports}) to a Kafka topic, one
 * record per report, keyed by the report's sensor (so a machine's reports stay in one partition, in order), valued
 * with {@link HwpcReport#toJson()} in UTF-8, timestamped with the report's tick. The formula workers
 * ({@code erg formula}) read them.
 *
 * <p>One {@link #publish} is one attempt, like a {@link dev.ergometer.sink.Sink}'s: it waits until Kafka acknowledged
 * every record ({@code acks=all}, idempotent producer) for at most the settings' timeout, and says through
 * {@link SinkException#retryable()} whether another attempt may pass. A retried batch may store some reports twice;
 * the formulas keep one report per sensor, tick and target, so a repeat changes nothing.
 *
 * <pre>{@code
 * HwpcReportPublisher publisher = new HwpcReportPublisher(KafkaSinkSettings.of("kafka:9092", "ergometer-hwpc"));
 * publisher.publish(HwpcReports.fromInterval(publisher.settings().key(), System.currentTimeMillis(), interval));
 * }</pre>
 */
public final class HwpcReportPublisher implements AutoCloseable {

    private final KafkaSinkSettings settings;
    private final KafkaProducer<byte[], byte[]> producer;

    /** A publisher with the producer settings of {@link KafkaSink} (the topic, timeout and producer properties). */
    public HwpcReportPublisher(KafkaSinkSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        try {
            this.producer = new KafkaProducer<>(KafkaSink.producerProperties(settings));
        } catch (KafkaException e) {
            throw new IllegalArgumentException("Kafka producer for topic " + settings.topic() + " cannot be made from "
                    + settings + ": " + e.getMessage() + "; check the producer properties", e);
        }
    }

    public KafkaSinkSettings settings() {
        return settings;
    }

    /**
     * Publishes the reports in order and waits for their acknowledgement.
     *
     * @throws SinkException retryable when Kafka could not be reached or did not answer in time; permanent when it
     *     refused the records (authorization, unknown topic, record too large)
     */
    public void publish(List<HwpcReport> reports) throws SinkException {
        if (reports.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + settings.timeout().toNanos();
        List<Future<RecordMetadata>> acks = new ArrayList<>(reports.size());
        try {
            for (HwpcReport report : reports) {
                acks.add(producer.send(new ProducerRecord<>(settings.topic(), null,
                        Math.max(0, report.timestampMillis()), report.sensor().getBytes(StandardCharsets.UTF_8),
                        report.toJson().getBytes(StandardCharsets.UTF_8))));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException e) {
            throw failure(e.getCause(), reports.size());
        } catch (KafkaException e) {
            if (e instanceof InterruptException) {
                Thread.currentThread().interrupt();
            }
            throw failure(e, reports.size());
        } catch (java.util.concurrent.TimeoutException e) {
            throw SinkException.retryable("Kafka at " + settings.bootstrapServers() + " (topic " + settings.topic()
                    + ") did not acknowledge " + reports.size() + " HWPC reports within " + settings.timeout()
                    + "; is Kafka running and reachable from here?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SinkException.retryable("interrupted while publishing HWPC reports", e);
        }
    }

    private SinkException failure(Throwable e, int count) {
        String what = "Kafka at " + settings.bootstrapServers() + " refused " + count + " HWPC reports for topic "
                + settings.topic() + ": " + e.getMessage();
        return switch (e) {
            case AuthorizationException _ -> SinkException.permanent(what + "; grant this client WRITE on the topic",
                    e);
            case AuthenticationException _ -> SinkException.permanent(what + "; check the security properties", e);
            case RecordTooLargeException _ -> SinkException.permanent(what + "; raise max.request.size and the "
                    + "topic's max.message.bytes", e);
            case UnknownTopicOrPartitionException _ -> SinkException.permanent(what + "; create the topic "
                    + "(kafka-topics.sh --create --topic " + settings.topic() + " --partitions 12)", e);
            default -> SinkException.retryable(what, e);
        };
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(5));
    }
}
