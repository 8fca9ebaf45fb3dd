package dev.ergometer.kafka;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real Kafka cluster inside the test JVM: one KRaft node that is broker and controller at once, on an ephemeral
 * port of 127.0.0.1, with its logs in a temporary directory that {@link #stop()} deletes.
 *
 * <p>Topics are not created automatically ({@code auto.create.topics.enable=false}) unless the broker configuration
 * given to {@link #start(Map)} says so: tests create theirs with {@link #createTopic}. Start one per test class, it
 * takes about two seconds.
 *
 * <pre>{@code
 * static KafkaBroker kafka;
 * @BeforeAll static void startKafka() throws Exception { kafka = KafkaBroker.start(); }
 * @AfterAll static void stopKafka() { kafka.stop(); }
 * ...
 * kafka.createTopic("reports", 3);
 * List<ConsumerRecord<String, String>> records = kafka.read("reports", 10, Duration.ofSeconds(10));
 * }</pre>
 *
 * <p>Other modules use it through ergometer-kafka's test-jar ({@code <type>test-jar</type>}, test scope) together with
 * the same test-scope dependencies as ergometer-kafka: kafka-clients (classifier test), kafka_2.13 and
 * kafka-test-common-runtime.
 */
public final class KafkaBroker implements AutoCloseable {

    private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);

    private final KafkaClusterTestKit cluster;
    private final String bootstrapServers;
    private boolean stopped;

    private KafkaBroker(KafkaClusterTestKit cluster) {
        this.cluster = cluster;
        this.bootstrapServers = cluster.bootstrapServers();
    }

    /** Starts a broker that creates no topic by itself, and waits until it takes requests. */
    public static KafkaBroker start() throws Exception {
        return start(Map.of());
    }

    /**
     * Starts a broker with {@code brokerConfig} on top of the defaults ({@code auto.create.topics.enable=false},
     * {@code group.initial.rebalance.delay.ms=0}), and waits until it takes requests.
     */
    public static KafkaBroker start(Map<String, String> brokerConfig) throws Exception {
        KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                .setCombined(true)
                .setNumBrokerNodes(1)
                .setNumControllerNodes(1)
                .build())
                .setConfigProp("auto.create.topics.enable", "false")
                .setConfigProp("group.initial.rebalance.delay.ms", "0");
        brokerConfig.forEach(builder::setConfigProp);
        KafkaClusterTestKit cluster = builder.build();
        try {
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        } catch (Exception | Error e) {
            cluster.close();
            throw e;
        }
        return new KafkaBroker(cluster);
    }

    /** The address clients connect to, {@code 127.0.0.1:PORT} (still the old one after {@link #stop()}). */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** An admin client on this broker; the caller closes it. */
    public Admin admin() {
        return cluster.admin();
    }

    /** Creates {@code topic} with {@code partitions} partitions and waits until every partition has a leader. */
    public void createTopic(String topic, int partitions) throws Exception {
        createTopic(topic, partitions, Map.of());
    }

    /** Creates {@code topic} with topic-level {@code config} (e.g. {@code max.message.bytes}) and waits for leaders. */
    public void createTopic(String topic, int partitions, Map<String, String> config) throws Exception {
        try (Admin admin = cluster.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(config)))
                    .all().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            long end = System.nanoTime() + ADMIN_TIMEOUT.toNanos();
            while (!hasLeaders(admin, topic, partitions)) {
                if (System.nanoTime() - end > 0) {
                    throw new IllegalStateException("topic " + topic + " has no leader for all " + partitions
                            + " partitions after " + ADMIN_TIMEOUT);
                }
                Thread.sleep(20);
            }
        }
    }

    private static boolean hasLeaders(Admin admin, String topic, int partitions) {
        try {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames()
                    .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(topic);
            return description.partitions().size() == partitions
                    && description.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty());
        } catch (Exception e) {
            return false;   // not known to the broker's metadata yet
        }
    }

    /**
     * Reads {@code topic} from the beginning of every partition until {@code count} records have arrived or
     * {@code timeout} passed, and returns what arrived (keys and values as UTF-8 text), partition by partition in
     * offset order.
     */
    public List<ConsumerRecord<String, String>> read(String topic, int count, Duration timeout) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties)) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, timeout).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long end = System.nanoTime() + timeout.toNanos();
            while (records.size() < count && System.nanoTime() - end < 0) {
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        records.sort(Comparator.<ConsumerRecord<String, String>>comparingInt(ConsumerRecord::partition)
                .thenComparingLong(ConsumerRecord::offset));
        return records;
    }

    /** Stops the broker and deletes its logs; clients connected to it see a dead broker. Safe to call twice. */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        try {
            cluster.close();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the test Kafka broker at " + bootstrapServers + " failed", e);
        }
    }

    @Override
    public void close() {
        stop();
    }

    @Override
    public String toString() {
        return "KafkaBroker[" + bootstrapServers + (stopped ? ", stopped" : "") + "]";
    }
}
