package dev.ergometer.agent;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One configured destination of {@code erg agent}: its kind and the settings it was given, compared by value so that
 * a reload can tell an unchanged sink (kept, with its queue) from a changed one (replaced).
 *
 * @param kind what the sink writes to
 * @param settings the sink's keys and values from the configuration, sorted by key
 */
public record SinkConfig(Kind kind, Map<String, String> settings) {

    /** The sinks the agent can feed, each switched on by its first key. */
    public enum Kind {
        REMOTE_WRITE("remote-write", "Prometheus remote-write", List.of("REMOTE_WRITE_URL", "SINK_TIMEOUT_S")),
        CSV("csv", "CSV file", List.of("CSV_FILE", "FILE_MAX_MB", "FILE_MAX_AGE_S", "FILE_KEEP", "FILE_FSYNC")),
        JSONL("jsonl", "JSON Lines file",
                List.of("JSONL_FILE", "FILE_MAX_MB", "FILE_MAX_AGE_S", "FILE_KEEP", "FILE_FSYNC")),
        MONGODB("mongodb", "MongoDB PowerReport",
                List.of("MONGODB_URI", "MONGODB_DATABASE", "MONGODB_COLLECTION", "SINK_TIMEOUT_S")),
        KAFKA("kafka", "Kafka", List.of("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_TOPIC", "SINK_TIMEOUT_S")),
        SENSOR("sensor", "Kafka HWPC sensor reports",
                List.of("SENSOR_KAFKA_BOOTSTRAP_SERVERS", "SENSOR_KAFKA_TOPIC", "SINK_TIMEOUT_S")),
        OTLP("otlp", "OTLP metrics", List.of("OTLP_ENDPOINT", "OTLP_HEADERS", "SINK_TIMEOUT_S"));

        private final String id;
        private final String label;
        private final List<String> keys;

        Kind(String id, String label, List<String> keys) {
            this.id = id;
            this.label = label;
            this.keys = keys;
        }

        /** The sink's name in metrics labels and logs, e.g. {@code remote-write}. */
        public String id() {
            return id;
        }

        /** What a person calls it, e.g. {@code Prometheus remote-write}. */
        public String label() {
            return label;
        }

        /** The key whose presence switches the sink on. */
        public String switchKey() {
            return keys.getFirst();
        }

        /** Every key the sink reads. */
        public List<String> keys() {
            return keys;
        }
    }

    public SinkConfig {
        Objects.requireNonNull(kind, "kind");
        settings = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(settings, "settings")));
        if (!settings.containsKey(kind.switchKey())) {
            throw new IllegalArgumentException("the " + kind.label() + " sink needs " + kind.switchKey());
        }
    }

    /** The sink's name in metrics labels and logs. */
    public String name() {
        return kind.id();
    }

    /** A setting, or the fallback when it is not given. */
    public String setting(String key, String fallback) {
        return settings.getOrDefault(key, fallback);
    }
}
