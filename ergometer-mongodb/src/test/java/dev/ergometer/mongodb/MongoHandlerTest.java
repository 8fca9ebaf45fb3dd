package dev.ergometer.mongodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.mongodb.MongoTimeoutException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.ergometer.meter.EnergyOrigin;
import dev.ergometer.meter.EnergySample;
import dev.ergometer.meter.EnergyTrace;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Runs the real MongoDB driver against mongo-java-server, an in-JVM server speaking MongoDB's wire protocol. */
class MongoHandlerTest {

    private static final EnergyOrigin POWERCAP = new EnergyOrigin("powercap", "RAPL counters via powercap", false);
    private static final EnergyOrigin MODEL = new EnergyOrigin("model", "TDP x CPU utilisation", true);

    private MongoServer server;
    private boolean mongoStopped;

    /** Stops the server once: mongo-java-server's shutdownNow waits forever when called a second time. */
    private void stopMongo() {
        if (!mongoStopped) {
            mongoStopped = true;
            server.shutdownNow();
        }
    }
    private String uri;
    private MongoClient reader;

    @BeforeEach
    void startServer() {
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        InetSocketAddress address = server.getLocalAddress();
        uri = "mongodb://127.0.0.1:" + address.getPort();
        reader = MongoClients.create(uri);
    }

    @AfterEach
    void stopServer() {
        reader.close();
        stopMongo();
    }

    private MongoCollection<Document> stored() {
        return reader.getDatabase("db").getCollection("collection");
    }

    private List<Document> storedWithoutIds() {
        List<Document> documents = new ArrayList<>();
        for (Document document : stored().find()) {
            document.remove("_id");
            documents.add(document);
        }
        return documents;
    }

    private static Map<String, Double> energy(String domain1, double value1, String domain2, double value2) {
        Map<String, Double> energy = new LinkedHashMap<>();
        energy.put(domain1, value1);
        energy.put(domain2, value2);
        return energy;
    }

    private static EnergyTrace fooBar(EnergyOrigin origin) {
        return new EnergyTrace(List.of(
                new EnergySample(1_700_000_001.5, "foo", 2.0, energy("package_0", 3000.0, "nvidia_gpu_0", 120.0)),
                new EnergySample(1_700_000_003.5, "bar", 0.25, energy("package_0", 512.5, "nvidia_gpu_0", 7.0))),
                origin);
    }

    @Test
    void savedTraceIsStoredAsPyJoulesDocumentWithOriginFields() {
        try (MongoHandler handler = MongoHandler.builder(uri, "db", "collection").build()) {
            handler.process(fooBar(POWERCAP));
            handler.saveData();
        }

        Document expected = Document.parse("""
                {"name": "trace_0",
                 "trace": [
                   {"timestamp": 1700000001.5, "tag": "foo", "duration": 2.0,
                    "energy": {"package_0": 3000.0, "nvidia_gpu_0": 120.0}},
                   {"timestamp": 1700000003.5, "tag": "bar", "duration": 0.25,
                    "energy": {"package_0": 512.5, "nvidia_gpu_0": 7.0}}],
                 "estimated": false,
                 "source": "powercap"}
                """);
        assertThat(storedWithoutIds()).containsExactly(expected);
        Document sample = storedWithoutIds().getFirst().getList("trace", Document.class).getFirst();
        assertThat(sample.keySet()).containsExactly("timestamp", "tag", "duration", "energy");
        assertThat(sample.get("energy", Document.class).keySet()).containsExactly("package_0", "nvidia_gpu_0");
        assertThat(sample.get("timestamp")).isInstanceOf(Double.class);
    }

    @Test
    void estimatedTraceIsLabelledWithItsSource() {
        try (MongoHandler handler = MongoHandler.builder(uri, "db", "collection").build()) {
            handler.process(fooBar(MODEL));
            handler.saveData();
        }

        Document stored = storedWithoutIds().getFirst();
        assertThat(stored.getBoolean("estimated")).isTrue();
        assertThat(stored.getString("source")).isEqualTo("model");
    }

    @Test
    void processOnlyBuffersUntilSaveData() {
        try (MongoHandler handler = MongoHandler.builder(uri, "db", "collection").build()) {
            handler.process(fooBar(POWERCAP));
            assertThat(stored().countDocuments()).isZero();

            handler.saveData();
            assertThat(stored().countDocuments()).isEqualTo(1);

            handler.saveData();
            assertThat(stored().countDocuments()).as("a second save with nothing buffered stores nothing").isEqualTo(1);
        }
    }

    @Test
    void traceNumbersCountOnAcrossSaves() {
        try (MongoHandler handler = MongoHandler.builder(uri, "db", "collection").build()) {
            handler.process(fooBar(POWERCAP));
            handler.process(fooBar(MODEL));
            handler.saveData();
            handler.process(fooBar(POWERCAP));
            handler.saveData();

            assertThat(handler.savedTraces()).isEqualTo(3);
        }

        assertThat(storedWithoutIds()).extracting(d -> d.getString("name"))
                .containsExactly("trace_0", "trace_1", "trace_2");
        assertThat(storedWithoutIds()).extracting(d -> d.getBoolean("estimated")).containsExactly(false, true, false);
    }

    @Test
    void traceNamePrefixReplacesTrace() {
        try (MongoHandler handler = MongoHandler.builder(uri, "db", "collection").traceNamePrefix("run-").build()) {
            handler.process(fooBar(POWERCAP));
            handler.process(fooBar(POWERCAP));
            handler.saveData();
        }

        assertThat(storedWithoutIds()).extracting(d -> d.getString("name")).containsExactly("run-0", "run-1");
    }

    @Test
    void emptyAtStartDropsWhatTheCollectionHeld() {
        stored().insertOne(new Document("name", "older"));

        try (MongoHandler handler = MongoHandler.builder(uri, "db", "collection").emptyAtStart(true).build()) {
            assertThat(stored().countDocuments()).isZero();
            handler.process(fooBar(POWERCAP));
            handler.saveData();
        }

        assertThat(storedWithoutIds()).extracting(d -> d.getString("name")).containsExactly("trace_0");
    }

    @Test
    void collectionIsKeptByDefaultAndNewHandlerCountsFromZero() {
        try (MongoHandler first = MongoHandler.builder(uri, "db", "collection").build()) {
            first.process(fooBar(POWERCAP));
            first.saveData();
        }
        try (MongoHandler second = MongoHandler.builder(uri, "db", "collection").build()) {
            second.process(fooBar(POWERCAP));
            second.saveData();
        }

        assertThat(storedWithoutIds()).extracting(d -> d.getString("name")).containsExactly("trace_0", "trace_0");
    }

    @Test
    void unreachableServerSaysWhichUriAfterHowLongAndHowToFix() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String closedUri = "mongodb://127.0.0.1:" + closedPort;

        long startNanos = System.nanoTime();
        assertThatThrownBy(() -> MongoHandler.builder(closedUri, "db", "collection")
                        .connectedTimeoutMillis(300).build())
                .isInstanceOf(MongoStoreException.class)
                .hasCauseInstanceOf(MongoTimeoutException.class)
                .hasMessageContaining("cannot connect to MongoDB at 127.0.0.1:" + closedPort)
                .hasMessageContaining("within 300 ms")
                .hasMessageContaining("start mongod")
                .hasMessageContaining("firewall")
                .hasMessageContaining("credentials");
        assertThat((System.nanoTime() - startNanos) / 1_000_000).as("ms until the error").isLessThan(10_000);
    }

    @Test
    void serverStoppedBeforeSaveIsReportedOnSave() {
        try (MongoHandler handler = MongoHandler.builder(uri, "db", "collection").connectedTimeoutMillis(500).build()) {
            handler.process(fooBar(POWERCAP));
            stopMongo();

            assertThatThrownBy(handler::saveData)
                    .isInstanceOf(MongoStoreException.class)
                    .hasMessageContaining("cannot store 1 trace(s) in MongoDB at " + uri.substring("mongodb://".length()))
                    .hasMessageContaining("mongod"); // socket closed, or no server within the timeout
            assertThat(handler.savedTraces()).isZero();
        }
    }

    @Test
    void uriThatIsNotMongoSaysHowToWriteOne() {
        assertThatThrownBy(() -> MongoHandler.builder("http://localhost", "db", "collection").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'http://localhost' is not a MongoDB URI")
                .hasMessageContaining("mongodb://localhost:27017");
    }

    @Test
    void messagesNeverShowThePassword() {
        assertThat(MongoHandler.withoutPassword("mongodb://energy:s3cret@db1:27017,db2/?authSource=admin"))
                .isEqualTo("mongodb://***@db1:27017,db2/?authSource=admin");
        assertThatThrownBy(() -> MongoHandler.builder("mongodb://energy:s3cret@", "db", "c").build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageNotContaining("s3cret");
        String unreachable = "mongodb://energy:s3cret@127.0.0.1:1/?serverSelectionTimeoutMS=300";
        assertThatThrownBy(() -> MongoHandler.builder(unreachable, "db", "c").connectedTimeoutMillis(300).build())
                .isInstanceOf(MongoStoreException.class).hasMessageNotContaining("s3cret")
                .hasMessageContaining("127.0.0.1:1");
    }
}
