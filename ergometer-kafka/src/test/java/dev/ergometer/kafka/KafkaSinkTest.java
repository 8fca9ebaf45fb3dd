package dev.ergometer.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sample;
import dev.ergometer.sink.SampleJson;
import dev.ergometer.sink.SinkException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class KafkaSinkTest {

    private static final Duration READ_TIMEOUT = Duration.ofSeconds(15);
    private static final long NOW_MILLIS = System.currentTimeMillis();

    private static KafkaBroker kafka;

    @BeforeAll
    static void startKafka() throws Exception {
        kafka = KafkaBroker.start();
    }

    @AfterAll
    static void stopKafka() {
        if (kafka != null) {
            kafka.stop();
        }
    }

    private static KafkaSinkSettings settings(String topic) {
        return KafkaSinkSettings.of(kafka.bootstrapServers(), topic).withTimeout(Duration.ofSeconds(5));
    }

    @Test
    void eachSampleArrivesAsOneRecordKeyedByHostWithItsJsonLineAndTimestamp() throws Exception {
        kafka.createTopic("format", 1);
        Sample energy = Sample.of("ergometer_energy_joules_total", 1234.5, NOW_MILLIS - 1000,
                "domain", "package_0", "socket", "0", "source", "powercap", "estimated", "false");
        Sample modelled = Sample.of("ergometer_consumer_power_watts", 3.25, NOW_MILLIS,
                "consumer", "pid:1234", "kind", "process", "name", "java é", "domain", "package_0",
                "source", "model", "estimated", "true");
        try (KafkaSink sink = new KafkaSink(settings("format").withKey("node-7"))) {
            sink.accept(Batch.of(energy, modelled));
        }

        List<ConsumerRecord<String, String>> records = kafka.read("format", 2, READ_TIMEOUT);
        assertThat(records).extracting(ConsumerRecord::key).containsExactly("node-7", "node-7");
        assertThat(records).extracting(ConsumerRecord::value)
                .containsExactly(SampleJson.line(energy), SampleJson.line(modelled));
        assertThat(records).extracting(ConsumerRecord::timestamp).containsExactly(NOW_MILLIS - 1000, NOW_MILLIS);
        assertThat(records).extracting(ConsumerRecord::timestampType)
                .containsOnly(TimestampType.CREATE_TIME);
        assertThat(records.get(1).value()).contains("\"estimated\":\"true\"", "\"name\":\"java é\"");
    }

    @Test
    void theRecordKeyIsThisMachinesHostNameUnlessToldOtherwise() throws Exception {
        kafka.createTopic("default-key", 1);
        try (KafkaSink sink = KafkaSink.to(kafka.bootstrapServers(), "default-key")) {
            sink.accept(Batch.of(Sample.of("ergometer_power_watts", 7, NOW_MILLIS, "domain", "psys")));
        }

        assertThat(kafka.read("default-key", 1, READ_TIMEOUT)).singleElement()
                .extracting(ConsumerRecord::key).isEqualTo(KafkaSinkSettings.localHostName());
    }

    @Test
    void eachHostsRecordsStayInOnePartitionInTheOrderTheyWereTaken() throws Exception {
        kafka.createTopic("order", 4);
        List<String> sentA = new ArrayList<>();
        List<String> sentB = new ArrayList<>();
        try (KafkaSink nodeA = new KafkaSink(settings("order").withKey("node-a"));
             KafkaSink nodeB = new KafkaSink(settings("order").withKey("node-b"))) {
            for (int round = 0; round < 5; round++) {
                nodeA.accept(batch(round, sentA));
                nodeB.accept(batch(round, sentB));
            }
        }

        List<ConsumerRecord<String, String>> records = kafka.read("order", 200, READ_TIMEOUT);
        assertThat(records).hasSize(200);
        Map<String, List<ConsumerRecord<String, String>>> byHost = records.stream()
                .collect(Collectors.groupingBy(ConsumerRecord::key));
        assertThat(byHost.get("node-a")).extracting(ConsumerRecord::partition).hasSize(100).containsOnly(
                byHost.get("node-a").getFirst().partition());
        assertThat(byHost.get("node-b")).extracting(ConsumerRecord::partition).hasSize(100).containsOnly(
                byHost.get("node-b").getFirst().partition());
        assertThat(byHost.get("node-a")).extracting(ConsumerRecord::value).containsExactlyElementsOf(sentA);
        assertThat(byHost.get("node-b")).extracting(ConsumerRecord::value).containsExactlyElementsOf(sentB);
    }

    private static Batch batch(int round, List<String> sent) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int tick = round * 20 + i;
            Sample sample = Sample.of("ergometer_power_watts", tick * 0.5, NOW_MILLIS + tick,
                    "domain", "core_" + (i % 4), "estimated", "false");
            samples.add(sample);
            sent.add(SampleJson.line(sample));
        }
        return new Batch(samples);
    }

    @Test
    void aTopicTheClusterDoesNotHaveIsAPermanentFailureThatSaysHowToCreateIt() {
        try (KafkaSink sink = new KafkaSink(settings("never-created").withTimeout(Duration.ofSeconds(1)))) {
            long start = System.nanoTime();
            SinkException failure = catchThrowableOfType(SinkException.class,
                    () -> sink.accept(Batch.of(Sample.of("m", 1, NOW_MILLIS))));

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(2500));
            assertThat(failure.retryable()).isFalse();
            assertThat(failure).hasMessageContaining("do not have topic never-created")
                    .hasMessageContaining("kafka-topics.sh --bootstrap-server " + kafka.bootstrapServers()
                            + " --create --topic never-created")
                    .hasMessageContaining("auto.create.topics.enable");
        }
    }

    @Test
    void aRecordLargerThanTheTopicAllowsIsPermanentAndNamesTheLimits() throws Exception {
        kafka.createTopic("small", 1, Map.of("max.message.bytes", "300"));
        Sample big = Sample.of("ergometer_consumer_power_watts", 1, NOW_MILLIS, "name", "x".repeat(600));
        try (KafkaSink sink = new KafkaSink(settings("small"))) {
            SinkException refusedByBroker = catchThrowableOfType(SinkException.class,
                    () -> sink.accept(Batch.of(big)));

            assertThat(refusedByBroker.retryable()).isFalse();
            assertThat(refusedByBroker).hasMessageContaining("RecordTooLargeException")
                    .hasMessageContaining("max.message.bytes");
        }
        kafka.createTopic("roomy", 1);
        try (KafkaSink sink = new KafkaSink(settings("roomy")
                .withProducerProperties(Map.of("max.request.size", "300")))) {
            SinkException refusedByProducer = catchThrowableOfType(SinkException.class,
                    () -> sink.accept(Batch.of(big)));

            assertThat(refusedByProducer.retryable()).isFalse();
            assertThat(refusedByProducer).hasMessageContaining("max.request.size");
        }
    }

    @Test
    void aSampleFromBefore1970IsRefusedBeforeAnyRecordOfTheBatchIsSent() throws Exception {
        kafka.createTopic("clock", 1);
        try (KafkaSink sink = new KafkaSink(settings("clock"))) {
            SinkException failure = catchThrowableOfType(SinkException.class, () -> sink.accept(Batch.of(
                    Sample.of("m", 1, NOW_MILLIS), Sample.of("m", 2, -1))));

            assertThat(failure.retryable()).isFalse();
            assertThat(failure).hasMessageContaining("timestamp -1 ms").hasMessageContaining("clock");
            sink.accept(Batch.of(Sample.of("m", 3, NOW_MILLIS)));
        }

        assertThat(kafka.read("clock", 2, Duration.ofSeconds(1))).extracting(ConsumerRecord::value)
                .singleElement().asString().contains("\"value\":3");
    }

    @Test
    void aClosedSinkRefusesBatches() {
        KafkaSink sink = new KafkaSink(settings("closed"));
        sink.close();
        sink.close();

        assertThatIllegalStateException().isThrownBy(() -> sink.accept(Batch.of(Sample.of("m", 1, NOW_MILLIS))))
                .withMessageContaining("closed");
    }
}
