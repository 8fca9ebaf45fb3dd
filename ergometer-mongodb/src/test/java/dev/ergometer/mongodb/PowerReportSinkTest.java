package dev.ergometer.mongodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.mongodb.MongoSecurityException;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sample;
import dev.ergometer.sink.SinkException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bson.BsonBoolean;
import org.bson.BsonDateTime;
import org.bson.BsonDocument;
import org.bson.BsonDouble;
import org.bson.BsonInt32;
import org.bson.BsonString;
import org.bson.BsonType;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Runs the sink with the real MongoDB driver against mongo-java-server, an in-JVM server speaking MongoDB's wire
 * protocol (no MongoDB server can run on our machines), and reads the stored documents back with the driver.
 */
class PowerReportSinkTest {

    private static final long T0 = 1_700_000_000_123L;

    private MongoServer server;
    private boolean mongoStopped;

    /** Stops the server once: mongo-java-server's shutdownNow waits forever when called a second time. */
    private void stopMongo() {
        if (!mongoStopped) {
            mongoStopped = true;
            server.shutdownNow();
        }
    }
    private String hostPort;
    private String uri;
    private MongoClient reader;

    @BeforeEach
    void startServer() {
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        hostPort = "127.0.0.1:" + server.getLocalAddress().getPort();
        uri = "mongodb://" + hostPort;
        reader = MongoClients.create(uri);
    }

    @AfterEach
    void stopServer() {
        reader.close();
        stopMongo();
    }

    private PowerReportSink sink() {
        return PowerReportSink.builder(uri, "powerapi", "power").sensor("node-1")
                .serverSelectionTimeout(Duration.ofMillis(500)).build();
    }

    private MongoCollection<BsonDocument> storedBson() {
        return reader.getDatabase("powerapi").getCollection("power", BsonDocument.class);
    }

    private List<Document> stored() {
        return reader.getDatabase("powerapi").getCollection("power").find().into(new ArrayList<>());
    }

    private static Sample machinePower(double watts, long timestampMillis, String domain, String estimated) {
        return Sample.of("ergometer_power_watts", watts, timestampMillis,
                "domain", domain, "socket", "0", "source", "powercap", "estimated", estimated);
    }

    private static Sample consumerPower(double watts, String consumer, String domain) {
        return Sample.of("ergometer_consumer_power_watts", watts, T0, "consumer", consumer, "kind", "process",
                "name", "java", "domain", domain, "source", "model", "estimated", "true");
    }

    @Test
    void machinePowerIsStoredAsPowerApiPowerReportWithItsBsonTypes() throws SinkException {
        try (PowerReportSink sink = sink()) {
            sink.accept(Batch.of(machinePower(42.5, T0, "package_0", "false")));
        }

        BsonDocument report = storedBson().find().first();
        assertThat(report.keySet()).containsExactly("_id", "timestamp", "sensor", "target", "metadata", "power");
        assertThat(report.get("timestamp")).isEqualTo(new BsonDateTime(T0));
        assertThat(report.get("sensor")).isEqualTo(new BsonString("node-1"));
        assertThat(report.get("target")).isEqualTo(new BsonString("rapl"));
        assertThat(report.get("power")).isEqualTo(new BsonDouble(42.5));
        assertThat(report.getDocument("metadata")).isEqualTo(new BsonDocument()
                .append("domain", new BsonString("package_0"))
                .append("estimated", BsonBoolean.FALSE)
                .append("socket", new BsonInt32(0))
                .append("source", new BsonString("powercap")));
        assertThat(report.get("_id").getBsonType()).isEqualTo(BsonType.DOCUMENT);
    }

    @Test
    void reportReadsBackAsPowerApiReadsIt() throws SinkException {
        try (PowerReportSink sink = sink()) {
            sink.accept(Batch.of(machinePower(7.25, T0, "dram_0", "false")));
        }

        Document report = stored().getFirst();
        assertThat(report.get("timestamp")).isEqualTo(new Date(T0));
        assertThat(report.getDouble("power")).isEqualTo(7.25);
        assertThat(report.get("metadata", Document.class).getInteger("socket")).isZero();
    }

    @Test
    void consumerPowerTargetsTheConsumerAndKeepsTheOtherLabelsAsMetadata() throws SinkException {
        try (PowerReportSink sink = sink()) {
            sink.accept(Batch.of(consumerPower(3.5, "pid:1234", "package_0")));
        }

        BsonDocument report = storedBson().find().first();
        assertThat(report.getString("target").getValue()).isEqualTo("pid:1234");
        assertThat(report.getDocument("metadata")).isEqualTo(new BsonDocument()
                .append("domain", new BsonString("package_0"))
                .append("estimated", BsonBoolean.TRUE)
                .append("kind", new BsonString("process"))
                .append("name", new BsonString("java"))
                .append("source", new BsonString("model")));
    }

    @Test
    void modelledMachinePowerTargetsGlobalAndStaysLabelledEstimated() throws SinkException {
        try (PowerReportSink sink = sink()) {
            sink.accept(Batch.of(machinePower(30.0, T0, "package_0", "true")));
        }

        Document report = stored().getFirst();
        assertThat(report.getString("target")).isEqualTo("global");
        assertThat(report.get("metadata", Document.class).getBoolean("estimated")).isTrue();
    }

    @Test
    void measuredPowerOfNonRaplDomainTargetsGlobal() throws SinkException {
        try (PowerReportSink sink = sink()) {
            sink.accept(Batch.of(Sample.of("ergometer_power_watts", 55.0, T0,
                    "domain", "gpu_0", "source", "nvml", "estimated", "false")));
        }

        Document report = stored().getFirst();
        assertThat(report.getString("target")).isEqualTo("global");
        assertThat(report.get("metadata", Document.class).getString("domain")).isEqualTo("gpu_0");
    }

    @Test
    void samplesThatAreNotPowerAreNotStored() throws SinkException {
        try (PowerReportSink sink = sink()) {
            sink.accept(Batch.of(
                    Sample.of("ergometer_energy_joules_total", 1234.5, T0, "domain", "package_0", "socket", "0"),
                    Sample.of("pyjoules_remote_write_energy_uj", 5000, T0, "component", "package_0"),
                    Sample.of("ergometer_consumer_power_watts", 1.0, T0, "domain", "package_0"),
                    machinePower(42.5, T0, "package_0", "false")));
        }

        assertThat(stored()).extracting(d -> d.getString("target")).containsExactly("rapl");
    }

    @Test
    void batchOfReportsIsStoredWholeWithOneReportPerSample() throws SinkException {
        try (PowerReportSink sink = sink()) {
            sink.accept(Batch.of(
                    machinePower(40.0, T0, "package_0", "false"),
                    machinePower(5.0, T0, "dram_0", "false"),
                    consumerPower(3.0, "pid:1", "package_0"),
                    consumerPower(2.0, "/sys/fs/cgroup/unified/app", "package_0")));
        }

        assertThat(stored()).extracting(d -> d.getString("target") + "/"
                        + d.get("metadata", Document.class).getString("domain") + "=" + d.getDouble("power"))
                .containsExactlyInAnyOrder("rapl/package_0=40.0", "rapl/dram_0=5.0", "pid:1/package_0=3.0",
                        "/sys/fs/cgroup/unified/app/package_0=2.0");
    }

    @Test
    void retriedBatchIsNotStoredTwice() throws SinkException {
        Batch batch = Batch.of(machinePower(40.0, T0, "package_0", "false"), consumerPower(3.0, "pid:1", "package_0"));
        try (PowerReportSink sink = sink()) {
            sink.accept(batch);
            sink.accept(batch);
        }

        assertThat(stored()).hasSize(2);
    }

    @Test
    void batchRetriedAfterAPartialWriteStoresTheRestAndNothingTwice() throws SinkException {
        Sample first = machinePower(40.0, T0, "package_0", "false");
        Sample second = machinePower(41.0, T0 + 1000, "package_0", "false");
        try (PowerReportSink sink = sink()) {
            sink.accept(Batch.of(first)); // as if the first attempt stored one document, then timed out
            sink.accept(Batch.of(first, second));
        }

        assertThat(stored()).extracting(d -> d.getDouble("power")).containsExactlyInAnyOrder(40.0, 41.0);
    }

    @Test
    void idIsSensorTargetTimestampAndDomain() throws SinkException {
        try (PowerReportSink sink = sink()) {
            sink.accept(Batch.of(consumerPower(3.0, "pid:1", "dram_0")));
        }

        assertThat(stored().getFirst().get("_id")).isEqualTo(new Document("sensor", "node-1").append("target", "pid:1")
                .append("timestamp", new Date(T0)).append("domain", "dram_0"));
    }

    @Test
    void sameReportFromAnotherSensorIsStoredBesideIt() throws SinkException {
        Batch batch = Batch.of(machinePower(40.0, T0, "package_0", "false"));
        try (PowerReportSink one = sink();
             PowerReportSink two = PowerReportSink.builder(uri, "powerapi", "power").sensor("node-2").build()) {
            one.accept(batch);
            two.accept(batch);
        }

        assertThat(stored()).extracting(d -> d.getString("sensor")).containsExactlyInAnyOrder("node-1", "node-2");
    }

    @Test
    void sensorDefaultsToTheHostName() throws Exception {
        try (PowerReportSink sink = PowerReportSink.builder(uri, "powerapi", "power").build()) {
            assertThat(sink.sensor()).isEqualTo(InetAddress.getLocalHost().getHostName());
            sink.accept(Batch.of(machinePower(1.0, T0, "psys", "false")));
        }

        assertThat(stored().getFirst().getString("sensor")).isEqualTo(InetAddress.getLocalHost().getHostName());
    }

    @Test
    void emptyBatchTouchesNothing() throws SinkException {
        stopMongo();
        try (PowerReportSink sink = sink()) {
            sink.accept(Batch.of());
            sink.accept(Batch.of(Sample.of("ergometer_energy_joules_total", 1.0, T0)));
        }
    }

    @Test
    void stoppedServerIsRetryableAndSaysWhereAndHowToFix() throws SinkException {
        try (PowerReportSink sink = sink()) {
            sink.accept(Batch.of(machinePower(40.0, T0, "package_0", "false")));
            stopMongo();

            long startNanos = System.nanoTime();
            SinkException failure = catchThrowableOfType(SinkException.class,
                    () -> sink.accept(Batch.of(machinePower(41.0, T0 + 1000, "package_0", "false"))));

            assertThat(failure.retryable()).isTrue();
            assertThat(failure).hasMessageContaining("cannot store 1 power report(s) in MongoDB at " + hostPort
                            + " (powerapi.power)")
                    .hasMessageContaining("mongod");
            assertThat((System.nanoTime() - startNanos) / 1_000_000).as("ms until the error").isLessThan(10_000);
        }
    }

    @Test
    void unreachableServerIsRetryableWithinTheServerSelectionTimeout() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        try (PowerReportSink sink = PowerReportSink.builder("mongodb://127.0.0.1:" + closedPort, "powerapi", "power")
                .sensor("node-1").serverSelectionTimeout(Duration.ofMillis(300)).build()) {
            long startNanos = System.nanoTime();
            SinkException failure = catchThrowableOfType(SinkException.class,
                    () -> sink.accept(Batch.of(machinePower(40.0, T0, "package_0", "false"))));

            assertThat(failure.retryable()).isTrue();
            assertThat(failure).hasMessageContaining("MongoDB at 127.0.0.1:" + closedPort)
                    .hasMessageContaining("no server answered within 300 ms")
                    .hasMessageContaining("start mongod there");
            assertThat((System.nanoTime() - startNanos) / 1_000_000).as("ms until the error").isLessThan(5_000);
        }
    }

    @Test
    void serverThatRefusesTheCredentialsIsNotRetryable() {
        String withCredentials = "mongodb://ergometer:wrong@" + hostPort + "/?authSource=admin";
        try (PowerReportSink sink = PowerReportSink.builder(withCredentials, "powerapi", "power").sensor("node-1")
                .serverSelectionTimeout(Duration.ofMillis(500)).build()) {
            SinkException failure = catchThrowableOfType(SinkException.class,
                    () -> sink.accept(Batch.of(machinePower(40.0, T0, "package_0", "false"))));

            assertThat(failure.retryable()).isFalse();
            assertThat(failure).hasCauseInstanceOf(MongoSecurityException.class)
                    .hasMessageContaining("refused the credentials")
                    .hasMessageContaining("password")
                    .hasMessageNotContaining("wrong");
        }
    }

    @Test
    void connectionStringThatIsNotMongoSaysHowToWriteOneAndHidesThePassword() {
        assertThatThrownBy(() -> PowerReportSink.builder("http://user:secret@localhost", "powerapi", "power").build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'http://***@localhost' is not a MongoDB connection string")
                .hasMessageContaining("mongodb://localhost:27017")
                .hasMessageNotContaining("secret");
    }

    @Test
    void invalidDatabaseOrCollectionNameIsRefusedAtConstruction() {
        assertThatThrownBy(() -> PowerReportSink.builder(uri, "power api", "power"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'power api' is not a MongoDB database name");
        assertThatThrownBy(() -> PowerReportSink.builder(uri, "power$", "power"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'power$' is not a MongoDB database name");
        assertThatThrownBy(() -> PowerReportSink.builder(uri, "powerapi", ""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a MongoDB collection name");
        assertThatThrownBy(() -> PowerReportSink.builder(uri, "powerapi", "system.users"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("reserved by MongoDB");
    }

    @Test
    void nonPositiveTimeoutIsRefused() {
        assertThatThrownBy(() -> PowerReportSink.builder(uri, "powerapi", "power")
                        .serverSelectionTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("server selection timeout must be between 1 ms");
    }

    @Test
    void nameIsMongodb() {
        try (PowerReportSink sink = sink()) {
            assertThat(sink.name()).isEqualTo("mongodb");
        }
    }
}
