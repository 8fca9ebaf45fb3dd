package dev.ergometer.formula;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.ergometer.fleet.HwpcReport;
import dev.ergometer.fleet.PowerReport;
import dev.ergometer.kafka.HwpcReportPublisher;
import dev.ergometer.kafka.KafkaBroker;
import dev.ergometer.kafka.KafkaSinkSettings;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The acceptance test: a real KRaft broker, 3 sensors, 2 formula workers in one group, one killed in the
 * middle of a transaction; every tick's power reports arrive exactly once in the output topic (read_committed) and in
 * MongoDB, equal to what one formula computes over the same reports without Kafka, and a second group replaying the
 * recorded stream gives the same output again.
 */
class FleetExactlyOnceTest {

    private static final int SENSORS = 3;
    private static final int TICKS = 40;
    private static final int TARGETS = 3;
    private static final String INPUT = "hwpc";

    private static KafkaBroker kafka;
    private static MongoServer mongo;
    private static String mongoUri;
    private static List<HwpcReport> stream;

    @BeforeAll
    static void startKafkaMongoAndSensors() throws Exception {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.ergometer"))
                .setLevel(ch.qos.logback.classic.Level.INFO);
        // The recorded reports are from 2023: without log.retention.ms=-1 the broker deletes them as too old (its
        // first retention check comes 30 s after start).
        kafka = KafkaBroker.start(Map.of("log.retention.ms", "-1",
                "offsets.topic.replication.factor", "1", "offsets.topic.num.partitions", "4",
                "transaction.state.log.num.partitions", "4", "transaction.state.log.replication.factor", "1",
                "transaction.state.log.min.isr", "1"));
        mongo = new MongoServer(new MemoryBackend());
        mongo.bind("127.0.0.1", 0);
        InetSocketAddress address = mongo.getLocalAddress();
        mongoUri = "mongodb://127.0.0.1:" + address.getPort();
        kafka.createTopic(INPUT, 6);
        stream = SyntheticFleet.stream(SENSORS, TICKS, TARGETS);
        try (HwpcReportPublisher publisher = new HwpcReportPublisher(
                KafkaSinkSettings.of(kafka.bootstrapServers(), INPUT).withTimeout(Duration.ofSeconds(30)))) {
            for (int i = 0; i < stream.size(); i += 50) {
                publisher.publish(stream.subList(i, Math.min(stream.size(), i + 50)));
            }
        }
    }

    @AfterAll
    static void stop() {
        if (mongo != null) {
            mongo.shutdownNow();
        }
        if (kafka != null) {
            kafka.stop();
        }
    }

    private static SmartWattsFormula smartWatts() {
        return new SmartWattsFormula(SmartWattsSettings.defaults()
                .withTopology(new CpuTopology(125, 100, 4, 19, 42)).withLearning(5, 12, 8));
    }

    private static FormulaWorkerSettings settings(String group, String output) {
        return FormulaWorkerSettings.of(kafka.bootstrapServers()).withGroup(group).withInputTopic(INPUT)
                .withOutputTopic(output).withCheckpointInterval(Duration.ofMillis(300))
                .withTransactionTimeout(Duration.ofSeconds(20))
                .withClientProperties(Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "25"));
    }

    /** What one formula gives for the whole stream, without Kafka, per sensor in order. */
    private static Map<String, List<PowerReport>> expected(Formula formula) {
        return bySensor(new FormulaEngine(formula).replay(stream.stream().map(HwpcReport::toJson).toList()));
    }

    private static Map<String, List<PowerReport>> bySensor(List<PowerReport> reports) {
        return reports.stream().collect(Collectors.groupingBy(PowerReport::sensor, TreeMap::new,
                Collectors.toList()));
    }

    private static int count(Map<String, List<PowerReport>> reports) {
        return reports.values().stream().mapToInt(List::size).sum();
    }

    /** The output topic as a read_committed consumer sees it, until {@code count} reports or 60 s. */
    private static List<PowerReport> readCommitted(String topic, int count) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p)) {
            List<TopicPartition> partitions = List.of();
            long known = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.isEmpty() && System.nanoTime() < known) {
                partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                        .map(info -> new TopicPartition(topic, info.partition())).toList();
            }
            assertThat(partitions).as("partitions of " + topic).isNotEmpty();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (records.size() < count && System.nanoTime() < end) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            // anything more would be a duplicate: give it a moment to show up
            long grace = System.nanoTime() + Duration.ofSeconds(2).toNanos();
            while (System.nanoTime() < grace) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        records.sort((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
                : Long.compare(a.offset(), b.offset()));
        return records.stream().map(r -> PowerReport.fromJson(r.value())).toList();
    }

    @Test
    @Timeout(240)
    void twoWorkersOneKilledMidTransactionGiveEveryPowerReportExactlyOnce() throws Exception {
        Formula formula = smartWatts();
        Map<String, List<PowerReport>> expected = expected(formula);
        assertThat(expected).hasSize(SENSORS);
        assertThat(count(expected)).isGreaterThan(SENSORS * (TICKS - 10) * 2);
        assertThat(expected.values().iterator().next()).anyMatch(r -> r.target().equals("container-2"));

        try (MongoPowerReports store = new MongoPowerReports(mongoUri, "powerapi", "power");
             MongoClient client = MongoClients.create(mongoUri)) {
            AtomicInteger commits = new AtomicInteger();
            FormulaWorker a = FormulaWorker.start(settings("fleet", "power"), formula, List.of(store), "a");
            FormulaWorker b = FormulaWorker.start(settings("fleet", "power"), formula, List.of(store), "b");
            Consumer<TopicPartition> killOnFourthCommit = partition -> {
                if (commits.incrementAndGet() == 4) {
                    throw new WorkerKilled();   // after its output and MongoDB writes, before the commit
                }
            };
            a.beforeCommit = killOnFourthCommit;
            b.beforeCommit = killOnFourthCommit;
            try {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (a.isRunning() && b.isRunning() && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                FormulaWorker victim = a.isRunning() ? b : a;
                FormulaWorker survivor = victim == a ? b : a;
                assertThat(victim.crash()).as("one worker died on the 4th commit; reports in: a %d, b %d",
                        a.reportsIn(), b.reportsIn()).isInstanceOf(WorkerKilled.class);

                List<PowerReport> output = readCommitted("power", count(expected));

                assertThat(output).extracting(PowerReport::identity).doesNotHaveDuplicates();
                assertThat(bySensor(output)).isEqualTo(expected);
                MongoCollection<Document> power = client.getDatabase("powerapi").getCollection("power");
                assertThat(power.countDocuments()).isEqualTo(count(expected));
                PowerReport some = expected.get("node-1").get(40);
                Document stored = power.find(new Document("_id", MongoPowerReports.document(some).get("_id")))
                        .first();
                assertThat(stored).isNotNull();
                assertThat(stored.getDouble("power")).isEqualTo(some.powerWatts());
                assertThat(survivor.isRunning()).isTrue();
            } finally {
                a.close();
                b.close();
            }
        }
    }

    @Test
    @Timeout(240)
    void replayingTheRecordedStreamTwiceGivesIdenticalOutput() throws Exception {
        Formula formula = new CpuShareFormula(1000);
        Map<String, List<PowerReport>> expected = expected(formula);
        List<String> recorded = stream.stream().map(HwpcReport::toJson).toList();
        assertThat(new FormulaEngine(formula).replay(recorded)).isEqualTo(new FormulaEngine(formula).replay(recorded));

        List<Map<String, List<PowerReport>>> runs = new ArrayList<>();
        for (String run : List.of("replay-1", "replay-2")) {
            try (FormulaWorker worker = FormulaWorker.start(settings(run, run + "-power"), formula, List.of(), run)) {
                runs.add(bySensor(readCommitted(run + "-power", count(expected))));
            }
        }

        assertThat(runs.get(0)).isEqualTo(expected);
        assertThat(runs.get(1)).isEqualTo(runs.get(0));
    }

    /** What a worker's thread dies of in the test, as a process dies of SIGKILL. */
    static final class WorkerKilled extends Error {
        WorkerKilled() {
            super("killed by the test in the middle of a transaction");
        }
    }
}
