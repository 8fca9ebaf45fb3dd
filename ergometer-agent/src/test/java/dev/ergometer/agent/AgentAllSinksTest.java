package dev.ergometer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.sun.net.httpserver.HttpServer;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.ergometer.json.JsonReader;
import dev.ergometer.kafka.KafkaBroker;
import dev.ergometer.sink.SinkQueueCounts;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One agent feeding every kind of sink at once, each against a real receiver (files, an in-JVM KRaft broker,
 * mongo-java-server with the real driver, an OTLP endpoint and a remote-write endpoint served by the test): every sink
 * gets the same samples, the modelled ones keep {@code estimated}, and nothing is dropped.
 */
class AgentAllSinksTest {

    @TempDir
    Path root;

    @Test
    void everySinkReceivesTheAgentsSamples() throws Exception {
        AtomicInteger otlpRequests = new AtomicInteger();
        AtomicInteger remoteWrites = new AtomicInteger();
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/v1/metrics", exchange -> {
            exchange.getRequestBody().readAllBytes();
            otlpRequests.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        http.createContext("/api/v1/write", exchange -> {
            exchange.getRequestBody().readAllBytes();
            remoteWrites.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        http.start();
        MongoServer mongo = new MongoServer(new MemoryBackend());
        mongo.bind("127.0.0.1", 0);
        String mongoUri = "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort();
        String base = "http://127.0.0.1:" + http.getAddress().getPort();
        Path csv = root.resolve("out/agent.csv");
        Path jsonl = root.resolve("out/agent.jsonl");
        try (KafkaBroker kafka = KafkaBroker.start(); TenWattMachine machine = TenWattMachine.withWorker(root)) {
            kafka.createTopic("energy", 1);
            Map<String, String> settings = TenWattMachine.attributingSettings("node-7");
            settings.put("FLUSH_TIMEOUT_S", "10");
            settings.putAll(Map.of("REMOTE_WRITE_URL", base + "/api/v1/write", "CSV_FILE", csv.toString(),
                    "JSONL_FILE", jsonl.toString(), "MONGODB_URI", mongoUri, "KAFKA_BOOTSTRAP_SERVERS",
                    kafka.bootstrapServers(), "KAFKA_TOPIC", "energy", "OTLP_ENDPOINT", base + "/v1/metrics"));
            Agent agent = machine.startAgent(AgentConfig.from(settings, Map.of()));
            machine.runWorker();
            agent.close();

            Map<String, SinkQueueCounts> counts = agent.sinkCounts();
            assertThat(counts.keySet()).containsExactlyInAnyOrder("remote-write", "csv", "jsonl", "mongodb", "kafka",
                    "otlp");
            counts.forEach((sink, c) -> {
                assertThat(c.sentSamples()).as("%s sent", sink).isPositive();
                assertThat(c.droppedSamples()).as("%s dropped", sink).isZero();
            });
            long samples = counts.get("jsonl").sentSamples();
            assertThat(counts.values()).allSatisfy(c -> assertThat(c.sentSamples()).isEqualTo(samples));

            List<String> lines = Files.readAllLines(jsonl);
            assertThat(lines).hasSize((int) samples);
            assertThat(Files.readAllLines(csv)).hasSize((int) samples + 1);
            assertThat(lines).anySatisfy(line -> {
                Map<String, Object> sample = JsonReader.object(line);
                assertThat(sample).containsEntry("metric", "ergometer_consumer_power_watts");
                assertThat(sample.get("labels")).asString().contains("name=worker (pid 100)", "estimated=false");
            });

            List<ConsumerRecord<String, String>> records = kafka.read("energy", (int) samples,
                    Duration.ofSeconds(20));
            assertThat(records).hasSize((int) samples)
                    .allSatisfy(r -> assertThat(r.key()).isEqualTo("node-7"));
            assertThat(records.stream().map(ConsumerRecord::value).toList()).containsExactlyElementsOf(lines);

            try (MongoClient client = MongoClients.create(mongoUri)) {
                List<Document> reports = client.getDatabase("ergometer").getCollection("power_reports").find()
                        .into(new java.util.ArrayList<>());
                assertThat(reports).isNotEmpty().allSatisfy(r -> assertThat(r.getString("sensor"))
                        .isEqualTo("node-7"));
                assertThat(reports).anySatisfy(r -> assertThat(r.getString("target")).isEqualTo("rapl"));
                assertThat(reports).anySatisfy(r -> assertThat(r.getString("target")).startsWith("process/"));
            }
            assertThat(otlpRequests.get()).isPositive();
            assertThat(remoteWrites.get()).isPositive();
        } finally {
            http.stop(0);
            mongo.shutdownNow();
        }
    }
}
