package dev.ergometer.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KafkaSinkSettingsTest {

    @Test
    void emptyBootstrapServersAreRefusedWithAnExample() {
        assertThatIllegalArgumentException().isThrownBy(() -> KafkaSinkSettings.of("", "reports"))
                .withMessage("Kafka bootstrap servers are empty: give at least one host:port "
                        + "(e.g. localhost:9092 or kafka-1:9092,kafka-2:9092)");
        assertThatIllegalArgumentException().isThrownBy(() -> KafkaSinkSettings.of("  ", "reports"))
                .withMessageStartingWith("Kafka bootstrap servers are empty");
    }

    @Test
    void aBootstrapServerThatIsNotHostAndPortIsNamed() {
        assertThatIllegalArgumentException().isThrownBy(() -> KafkaSinkSettings.of("kafka-1", "reports"))
                .withMessageStartingWith("Kafka bootstrap server 'kafka-1' in 'kafka-1' is not host:port");
        assertThatIllegalArgumentException().isThrownBy(() -> KafkaSinkSettings.of("a:9092,,b:9092", "reports"))
                .withMessageStartingWith("Kafka bootstrap server '' in 'a:9092,,b:9092' is not host:port");
        assertThatIllegalArgumentException().isThrownBy(() -> KafkaSinkSettings.of("kafka:99999", "reports"))
                .withMessageStartingWith("Kafka bootstrap server 'kafka:99999' has port 99999, outside 1..65535");
        assertThatIllegalArgumentException().isThrownBy(() -> KafkaSinkSettings.of("http://kafka:9092", "r"))
                .withMessageContaining("is not host:port");
    }

    @Test
    void bootstrapServersAreKeptWithoutSpaces() {
        assertThat(KafkaSinkSettings.of(" kafka-1:9092 , [::1]:9093,10.0.0.7:9094", "reports").bootstrapServers())
                .isEqualTo("kafka-1:9092,[::1]:9093,10.0.0.7:9094");
    }

    @Test
    void aBlankOrIllegalTopicIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> KafkaSinkSettings.of("localhost:9092", " "))
                .withMessage("Kafka topic is blank: name the topic the reports go to (e.g. ergometer-reports)");
        assertThatIllegalArgumentException().isThrownBy(() -> KafkaSinkSettings.of("localhost:9092", "power/w"))
                .withMessageStartingWith("Kafka topic 'power/w' is not a legal topic name");
        assertThatIllegalArgumentException().isThrownBy(() -> KafkaSinkSettings.of("localhost:9092", ".."))
                .withMessageContaining("not a legal topic name");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> KafkaSinkSettings.of("localhost:9092", "t".repeat(250)))
                .withMessageContaining("1 to 249");
    }

    @Test
    void theDefaultsKeyRecordsByHostNameAndGiveOneAttemptTenSeconds() {
        KafkaSinkSettings settings = KafkaSinkSettings.of("localhost:9092", "reports");

        assertThat(settings.key()).isEqualTo(KafkaSinkSettings.localHostName()).isNotBlank();
        assertThat(settings.clientId()).isEqualTo("ergometer-" + settings.key());
        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.producerProperties()).isEmpty();
    }

    @Test
    void aBlankKeyOrClientIdOrANonPositiveTimeoutIsRefused() {
        KafkaSinkSettings settings = KafkaSinkSettings.of("localhost:9092", "reports");

        assertThatIllegalArgumentException().isThrownBy(() -> settings.withKey(""))
                .withMessageStartingWith("Kafka record key must not be blank");
        assertThatIllegalArgumentException().isThrownBy(() -> settings.withClientId(" "))
                .withMessageStartingWith("Kafka client id must not be blank");
        assertThatIllegalArgumentException().isThrownBy(() -> settings.withTimeout(Duration.ZERO))
                .withMessageStartingWith("Kafka sink timeout must be between 1 ms and");
        assertThatIllegalArgumentException().isThrownBy(() -> settings.withTimeout(Duration.ofMillis(-5)))
                .withMessageContaining("got PT-0.005S");
    }

    @Test
    void producerPropertiesTheSinkSetsItselfAreRefusedWithTheSettingToUse() {
        KafkaSinkSettings settings = KafkaSinkSettings.of("localhost:9092", "reports");

        assertThatIllegalArgumentException()
                .isThrownBy(() -> settings.withProducerProperties(Map.of("delivery.timeout.ms", "1000")))
                .withMessage("Kafka producer property delivery.timeout.ms is set by the sink; "
                        + "set it through the timeout setting");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> settings.withProducerProperties(Map.of("bootstrap.servers", "x:1")))
                .withMessageEndingWith("set it through the bootstrap servers setting");
    }

    @Test
    void aMisspelledProducerPropertyIsRefused() {
        assertThatIllegalArgumentException().isThrownBy(() -> KafkaSinkSettings.of("localhost:9092", "reports")
                        .withProducerProperties(Map.of("lingerms", "5")))
                .withMessageStartingWith("'lingerms' is not a Kafka producer property; check its spelling");
    }

    @Test
    void theProducerWaitsForAllReplicasAndGivesUpWithinTheTimeout() {
        KafkaSinkSettings settings = KafkaSinkSettings.of("localhost:9092", "reports")
                .withTimeout(Duration.ofMillis(2500));

        assertThat(KafkaSink.producerProperties(settings))
                .containsEntry("acks", "all")
                .containsEntry("max.block.ms", "2500")
                .containsEntry("request.timeout.ms", "2500")
                .containsEntry("delivery.timeout.ms", "2500")
                .containsEntry("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer")
                .containsEntry("client.id", settings.clientId());
        assertThat(KafkaSink.producerProperties(settings.withProducerProperties(
                Map.of("linger.ms", "20", "acks", "1", "enable.idempotence", "false"))))
                .containsEntry("acks", "1")
                .containsEntry("delivery.timeout.ms", "2520");
    }

    @Test
    void aProducerPropertyKafkaRefusesFailsTheSinkAtConstruction() {
        KafkaSinkSettings settings = KafkaSinkSettings.of("localhost:9092", "reports")
                .withProducerProperties(Map.of("compression.type", "brotli"));

        assertThatIllegalArgumentException().isThrownBy(() -> new KafkaSink(settings))
                .withMessageContaining("compression.type")
                .withMessageEndingWith("check the producer properties");
    }

    @Test
    void settingsShowPropertyNamesButNotTheirValues() {
        KafkaSinkSettings settings = KafkaSinkSettings.of("localhost:9092", "reports").withProducerProperties(Map.of(
                "sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                        + "username=\"u\" password=\"hunter2\";"));

        assertThat(settings.toString()).contains("sasl.jaas.config").doesNotContain("hunter2");
    }
}
