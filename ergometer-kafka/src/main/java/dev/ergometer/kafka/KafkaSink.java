package dev.ergometer.kafka;

import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sample;
import dev.ergometer.sink.SampleJson;
import dev.ergometer.sink.Sink;
import dev.ergometer.sink.SinkException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * A {@link Sink} that writes each sample as one Kafka record: JSON reports keyed by host. The key is the host name
 * (or the configured key) in UTF-8, the value is {@link SampleJson#line} of the sample in UTF-8, and the record's
 * timestamp is the sample's. All records of one host share a key, so they land in one partition in the order they
 * were taken.
 *
 * <p>One {@link #accept} is one attempt: it hands the batch's records to the producer and waits until every one is
 * acknowledged ({@code acks=all} unless the producer properties say otherwise), for at most the settings' timeout.
 * The producer itself gives up by the same time ({@code max.block.ms}, {@code request.timeout.ms} and
 * {@code delivery.timeout.ms} come from the timeout), so a dead broker costs one timeout, never a hang. A failure
 * Kafka calls retriable, or a timeout, is a retryable {@link SinkException}; authorization and authentication
 * failures, a topic the cluster does not have, a record too large or a refused timestamp are permanent.
 *
 * <p>Delivery is at least once: when an attempt fails after some of its records were written, the
 * {@link dev.ergometer.sink.SinkQueue}'s retry writes the whole batch again, and those records arrive twice. A
 * sample is identified by its key, metric, labels and {@code timestamp_ms}, so consumers that must not count twice
 * can drop repeats on that identity.
 *
 * <pre>{@code
 * Sink sink = new KafkaSink(KafkaSinkSettings.of("kafka-1:9092", "ergometer-reports"));
 * try (SinkQueue queue = SinkQueue.start(sink.name(), sink, 5, Backoff.prometheusDefault(), Duration.ofSeconds(10))) {
 *     queue.offer(batch);
 * }
 * }</pre>
 */
public final class KafkaSink implements Sink {

    private final KafkaSinkSettings settings;
    private final byte[] key;
    private final long timeoutNanos;
    private final KafkaProducer<byte[], byte[]> producer;
    private final Metric responsesReceived;
    private volatile boolean closed;

    /** A sink with {@code settings}; the producer connects on the first batch, not here. */
    public KafkaSink(KafkaSinkSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.key = settings.key().getBytes(StandardCharsets.UTF_8);
        this.timeoutNanos = settings.timeout().toNanos();
        try {
            this.producer = new KafkaProducer<>(producerProperties(settings));
        } catch (KafkaException e) {
            throw new IllegalArgumentException("Kafka producer for " + where() + " cannot be made from "
                    + settings + ": " + messages(e) + "; check the producer properties", e);
        }
        this.responsesReceived = producer.metrics().entrySet().stream()
                .filter(m -> m.getKey().name().equals("response-total")
                        && m.getKey().group().equals("producer-metrics"))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
        if (responsesReceived == null) {
            producer.close(Duration.ZERO);
            throw new IllegalStateException("kafka-clients has no producer-metrics/response-total metric; this sink "
                    + "was written for kafka-clients 4.3");
        }
    }

    /** A sink to {@code topic} at {@code bootstrapServers} with the {@link KafkaSinkSettings#of default settings}. */
    public static KafkaSink to(String bootstrapServers, String topic) {
        return new KafkaSink(KafkaSinkSettings.of(bootstrapServers, topic));
    }

    static Properties producerProperties(KafkaSinkSettings settings) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        properties.putAll(settings.producerProperties());
        long timeoutMillis = Math.max(1, settings.timeout().toMillis());
        long lingerMillis;
        try {
            lingerMillis = Long.parseLong(properties.getProperty(ProducerConfig.LINGER_MS_CONFIG).strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Kafka producer property linger.ms must be a whole number of "
                    + "milliseconds, got '" + properties.getProperty(ProducerConfig.LINGER_MS_CONFIG) + "'", e);
        }
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, settings.clientId());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(timeoutMillis));
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Long.toString(timeoutMillis));
        // Kafka requires delivery.timeout.ms >= linger.ms + request.timeout.ms.
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(timeoutMillis + lingerMillis));
        return properties;
    }

    /** The name of this sink in metrics labels and logs: {@code kafka}. */
    public String name() {
        return "kafka";
    }

    public KafkaSinkSettings settings() {
        return settings;
    }

    @Override
    public void accept(Batch batch) throws SinkException {
        if (closed) {
            throw new IllegalStateException("Kafka sink to " + where() + " is closed");
        }
        if (batch.isEmpty()) {
            return;
        }
        List<ProducerRecord<byte[], byte[]>> records = records(batch);
        long deadline = System.nanoTime() + timeoutNanos;
        double responsesBefore = responses();
        List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
        for (ProducerRecord<byte[], byte[]> record : records) {
            Future<RecordMetadata> ack;
            try {
                ack = producer.send(record);
            } catch (InterruptException e) {
                Thread.currentThread().interrupt();
                throw SinkException.retryable(where() + ": interrupted while handing records to the producer", e);
            } catch (KafkaException e) {
                throw failure(e, acknowledged(acks), records);
            }
            if (ack.state() == Future.State.FAILED) {
                // Refused at once (send() does not throw): stop here, or each further record waits again.
                throw refusedAtSend(ack.exceptionNow(), responsesBefore, acknowledged(acks), records);
            }
            acks.add(ack);
        }
        for (int i = 0; i < acks.size(); i++) {
            try {
                acks.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException e) {
                throw failure(e.getCause(), acknowledged(acks), records);
            } catch (java.util.concurrent.TimeoutException e) {
                throw SinkException.retryable(where() + ": " + (records.size() - acknowledged(acks)) + " of "
                        + records.size() + " records were not acknowledged within " + settings.timeout()
                        + "; is Kafka running, and are the addresses its brokers advertise (advertised.listeners) "
                        + "reachable from here?" + partly(acknowledged(acks), records.size()), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw SinkException.retryable(where() + ": interrupted while waiting for acknowledgements", e);
            }
        }
    }

    private SinkException refusedAtSend(Throwable e, double responsesBefore, int acknowledged,
                                        List<ProducerRecord<byte[], byte[]>> records) {
        if (!(e instanceof TimeoutException)) {
            return failure(e, acknowledged, records);
        }
        // send() waited the whole timeout for the topic's metadata. If brokers answered meanwhile, they were up and
        // did not list the topic; if none answered, none is reachable.
        if (responses() > responsesBefore) {
            return SinkException.permanent(where() + ": the brokers answered but do not have topic "
                    + settings.topic() + " (" + e.getMessage() + "); create it (kafka-topics.sh --bootstrap-server "
                    + settings.bootstrapServers() + " --create --topic " + settings.topic()
                    + ") or enable auto.create.topics.enable on the brokers" + partly(acknowledged, records.size()), e);
        }
        return SinkException.retryable(where() + ": no broker answered within " + settings.timeout() + " ("
                + e.getMessage() + "); is Kafka running, and reachable from here at " + settings.bootstrapServers()
                + "?" + partly(acknowledged, records.size()), e);
    }

    private List<ProducerRecord<byte[], byte[]>> records(Batch batch) throws SinkException {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(batch.size());
        for (Sample sample : batch.samples()) {
            if (sample.timestampMillis() < 0) {
                throw SinkException.permanent(where() + ": sample " + sample.metric() + sample.labels()
                        + " has timestamp " + sample.timestampMillis() + " ms, before 1970; Kafka record timestamps "
                        + "must be >= 0 (check the clock of the machine that took it)", null);
            }
            byte[] value = SampleJson.line(sample).getBytes(StandardCharsets.UTF_8);
            records.add(new ProducerRecord<>(settings.topic(), null, sample.timestampMillis(), key, value));
        }
        return records;
    }

    /** The SinkException for a failure Kafka reported, retryable exactly when Kafka calls it retriable. */
    SinkException failure(Throwable e, int acknowledged, List<ProducerRecord<byte[], byte[]>> records) {
        String partly = partly(acknowledged, records.size());
        String what = where() + ": " + messages(e);
        return switch (e) {
            case TopicAuthorizationException _ -> SinkException.permanent(what + "; grant client "
                    + settings.clientId() + "'s principal WRITE on the topic (kafka-acls.sh --bootstrap-server "
                    + settings.bootstrapServers() + " --add --allow-principal User:<principal> --operation Write "
                    + "--topic " + settings.topic() + ")" + partly, e);
            case ClusterAuthorizationException _ -> SinkException.permanent(what + "; the idempotent producer "
                    + "needs IdempotentWrite on the cluster: grant it to client " + settings.clientId()
                    + "'s principal, or set the producer property enable.idempotence=false" + partly, e);
            case AuthorizationException _ -> SinkException.permanent(what + "; grant client "
                    + settings.clientId() + "'s principal the access named above (kafka-acls.sh)" + partly, e);
            case AuthenticationException _ -> SinkException.permanent(what + "; check security.protocol and the "
                    + "sasl.* / ssl.* producer properties against the brokers' listeners" + partly, e);
            case RecordTooLargeException _ -> SinkException.permanent(what + "; the largest record of this batch "
                    + "is " + largestRecordBytes(records) + " bytes: raise the producer property max.request.size "
                    + "and the topic's max.message.bytes, or shorten the labels" + partly, e);
            case InvalidTimestampException _ -> SinkException.permanent(what + "; the topic refuses the samples' "
                    + "timestamps: check this machine's clock, or the topic's message.timestamp.before.max.ms and "
                    + "message.timestamp.after.max.ms" + partly, e);
            case RetriableException _ -> SinkException.retryable(what + "; Kafka says a later attempt may pass"
                    + partly, e);
            case InterruptException _ -> SinkException.retryable(what + partly, e);
            default -> SinkException.permanent(what + "; Kafka says retrying will not help" + partly, e);
        };
    }

    private static String partly(int acknowledged, int total) {
        return acknowledged == 0 ? "" : " (" + acknowledged + " of " + total + " records were written already; "
                + "a retry writes them again)";
    }

    private static int acknowledged(List<Future<RecordMetadata>> acks) {
        int count = 0;
        for (Future<RecordMetadata> ack : acks) {
            if (ack.state() == Future.State.SUCCESS) {
                count++;
            }
        }
        return count;
    }

    private static int largestRecordBytes(List<ProducerRecord<byte[], byte[]>> records) {
        int largest = 0;
        for (ProducerRecord<byte[], byte[]> record : records) {
            largest = Math.max(largest, record.key().length + record.value().length);
        }
        return largest;
    }

    private double responses() {
        return ((Number) responsesReceived.metricValue()).doubleValue();
    }

    private static String messages(Throwable e) {
        String name = e.getClass().getSimpleName();
        String message = e.getMessage();
        return message == null ? name : name + " (" + message + ")";
    }

    private String where() {
        return "Kafka topic " + settings.topic() + " at " + settings.bootstrapServers();
    }

    /** Closes the producer, waiting at most the timeout for records still in flight. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        producer.close(settings.timeout());
    }

    @Override
    public String toString() {
        return "KafkaSink[" + settings.topic() + " at " + settings.bootstrapServers() + ", key " + settings.key() + "]";
    }
}
