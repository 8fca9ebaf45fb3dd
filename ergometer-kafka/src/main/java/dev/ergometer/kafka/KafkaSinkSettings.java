package dev.ergometer.kafka;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.ProducerConfig;

/**
 * The settings of a {@link KafkaSink}, validated when they are made: where the cluster is, which topic the reports go
 * to, the key that every record carries, the producer's client id, extra producer properties and the time one
 * delivery attempt may take.
 *
 * <pre>{@code
 * KafkaSinkSettings settings = KafkaSinkSettings.of("kafka-1:9092,kafka-2:9092", "ergometer-reports")
 *         .withTimeout(Duration.ofSeconds(5))
 *         .withProducerProperties(Map.of("compression.type", "zstd"));
 * }</pre>
 *
 * @param bootstrapServers the brokers to start from, {@code host:port[,host:port...]}
 * @param topic the topic the reports are written to
 * @param key the key of every record, by default this machine's host name: one host's reports share a partition
 *     and so keep their order
 * @param clientId the producer's {@code client.id}, which brokers show in their logs, quotas and ACLs
 * @param producerProperties further Kafka producer properties (security, compression, batching, {@code acks}), sorted
 *     by name; the ones the sink sets itself are refused here
 * @param timeout the longest one {@link KafkaSink#accept} attempt takes, also the producer's
 *     {@code max.block.ms}, {@code request.timeout.ms} and {@code delivery.timeout.ms}
 */
public record KafkaSinkSettings(String bootstrapServers, String topic, String key, String clientId,
                                Map<String, String> producerProperties, Duration timeout) {

    /** The time one attempt may take unless told otherwise. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    /** Producer properties that the sink derives from its own settings; giving them as extras is refused. */
    static final Map<String, String> OWNED_PROPERTIES = Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, "the bootstrap servers setting",
            ProducerConfig.CLIENT_ID_CONFIG, "the client id setting",
            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "nothing: keys are the key setting in UTF-8",
            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "nothing: values are SampleJson lines in UTF-8",
            ProducerConfig.MAX_BLOCK_MS_CONFIG, "the timeout setting",
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "the timeout setting",
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "the timeout setting");

    private static final Pattern HOST_PORT = Pattern.compile("(\\[[0-9a-fA-F:.]+]|[^\\s:\\[\\],]+):(\\d{1,5})");
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

    public KafkaSinkSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(clientId, "clientId");
        Objects.requireNonNull(producerProperties, "producerProperties");
        Objects.requireNonNull(timeout, "timeout");
        bootstrapServers = checkBootstrapServers(bootstrapServers);
        checkTopic(topic);
        if (key.isBlank()) {
            throw new IllegalArgumentException("Kafka record key must not be blank: it names the host the reports "
                    + "come from (the default is this machine's host name)");
        }
        if (clientId.isBlank()) {
            throw new IllegalArgumentException("Kafka client id must not be blank (the default is ergometer-<key>)");
        }
        if (timeout.isNegative() || timeout.isZero() || timeout.toMillis() > Integer.MAX_VALUE / 2) {
            throw new IllegalArgumentException("Kafka sink timeout must be between 1 ms and " + Integer.MAX_VALUE / 2
                    + " ms, got " + timeout + " (e.g. 10s)");
        }
        producerProperties = checkProducerProperties(producerProperties);
    }

    /**
     * Settings for {@code topic} on the cluster at {@code bootstrapServers}, keyed by this machine's host name, with
     * client id {@code ergometer-<host>}, no extra producer properties and a {@link #DEFAULT_TIMEOUT}.
     */
    public static KafkaSinkSettings of(String bootstrapServers, String topic) {
        String host = localHostName();
        return new KafkaSinkSettings(bootstrapServers, topic, host, "ergometer-" + host, Map.of(), DEFAULT_TIMEOUT);
    }

    /** These settings with another record key. */
    public KafkaSinkSettings withKey(String newKey) {
        return new KafkaSinkSettings(bootstrapServers, topic, newKey, clientId, producerProperties, timeout);
    }

    /** These settings with another client id. */
    public KafkaSinkSettings withClientId(String newClientId) {
        return new KafkaSinkSettings(bootstrapServers, topic, key, newClientId, producerProperties, timeout);
    }

    /** These settings with another extra producer properties (replacing the previous ones). */
    public KafkaSinkSettings withProducerProperties(Map<String, String> newProducerProperties) {
        return new KafkaSinkSettings(bootstrapServers, topic, key, clientId, newProducerProperties, timeout);
    }

    /** These settings with another time limit for one attempt. */
    public KafkaSinkSettings withTimeout(Duration newTimeout) {
        return new KafkaSinkSettings(bootstrapServers, topic, key, clientId, producerProperties, newTimeout);
    }

    /**
     * This machine's host name, as the resolver knows it; when the resolver cannot resolve the name (no entry in
     * /etc/hosts, no DNS), the name the JDK reports in its error, and if that fails too the HOSTNAME variable.
     */
    public static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            // The JDK's message starts with the host name it could not resolve: "node-7: node-7: Name or service..."
            String message = e.getMessage();
            int colon = message == null ? -1 : message.indexOf(':');
            if (colon > 0) {
                return message.substring(0, colon);
            }
            String variable = System.getenv("HOSTNAME");
            if (variable != null && !variable.isBlank()) {
                return variable;
            }
            throw new IllegalStateException("this machine's host name could not be found (" + message
                    + "); give the Kafka record key explicitly", e);
        }
    }

    /** The settings without the values of producer properties, which may hold passwords. */
    @Override
    public String toString() {
        return "KafkaSinkSettings[bootstrapServers=" + bootstrapServers + ", topic=" + topic + ", key=" + key
                + ", clientId=" + clientId + ", producerProperties=" + producerProperties.keySet()
                + ", timeout=" + timeout + "]";
    }

    private static String checkBootstrapServers(String servers) {
        String example = " (e.g. localhost:9092 or kafka-1:9092,kafka-2:9092)";
        if (servers.isBlank()) {
            throw new IllegalArgumentException("Kafka bootstrap servers are empty: give at least one host:port"
                    + example);
        }
        StringBuilder normalized = new StringBuilder();
        for (String entry : servers.split(",", -1)) {
            String server = entry.strip();
            var matcher = HOST_PORT.matcher(server);
            if (!matcher.matches()) {
                throw new IllegalArgumentException("Kafka bootstrap server '" + server + "' in '" + servers
                        + "' is not host:port" + example);
            }
            int port = Integer.parseInt(matcher.group(2));
            if (port < 1 || port > 65535) {
                throw new IllegalArgumentException("Kafka bootstrap server '" + server + "' has port " + port
                        + ", outside 1..65535" + example);
            }
            normalized.append(normalized.isEmpty() ? "" : ",").append(server);
        }
        return normalized.toString();
    }

    private static void checkTopic(String topic) {
        if (topic.isBlank()) {
            throw new IllegalArgumentException("Kafka topic is blank: name the topic the reports go to "
                    + "(e.g. ergometer-reports)");
        }
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw new IllegalArgumentException("Kafka topic '" + topic + "' is not a legal topic name: use 1 to 249 "
                    + "of the characters a-z A-Z 0-9 . _ - (and not '.' or '..')");
        }
    }

    private static Map<String, String> checkProducerProperties(Map<String, String> properties) {
        Set<String> known = ProducerConfig.configNames();
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Map.Entry<String, String> property : properties.entrySet()) {
            String name = Objects.requireNonNull(property.getKey(), "producer property name");
            String value = Objects.requireNonNull(property.getValue(), "value of producer property " + name);
            String owner = OWNED_PROPERTIES.get(name);
            if (owner != null) {
                throw new IllegalArgumentException("Kafka producer property " + name + " is set by the sink; "
                        + "set it through " + owner);
            }
            if (!known.contains(name)) {
                throw new IllegalArgumentException("'" + name + "' is not a Kafka producer property; check its "
                        + "spelling against the producer configuration of kafka-clients "
                        + "(e.g. compression.type, linger.ms, security.protocol, sasl.mechanism)");
            }
            sorted.put(name, value);
        }
        return Collections.unmodifiableSortedMap(sorted);
    }
}
