package dev.ergometer.mongodb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.ergometer.json.JsonReader;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Named runs against mongo-java-server (no MongoDB server package exists here) with the real driver. */
class RunStoreTest {

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

    @BeforeEach
    void start() {
        server = new MongoServer(new MemoryBackend());
        server.bind("127.0.0.1", 0);
        uri = "mongodb://127.0.0.1:" + server.getLocalAddress().getPort() + "/fleet";
    }

    @AfterEach
    void stop() {
        stopMongo();
    }

    @Test
    void aSavedRunComesBackWholeAndTheLatestOfANameWins() {
        Instant start = Instant.parse("2026-11-26T10:00:00Z");
        try (RunStore runs = RunStore.open(uri, "node-7")) {
            runs.save("baseline", start, start.plusSeconds(5), "{\"schema\":\"ergometer.measure/1\",\"runs\":[1]}");
            runs.save("baseline", start, start.plusSeconds(5), "{\"schema\":\"ergometer.measure/1\",\"runs\":[1]}");
            runs.save("baseline", start.plusSeconds(60), start.plusSeconds(66),
                    "{\"schema\":\"ergometer.measure/1\",\"runs\":[2]}");

            Map<String, Object> latest = JsonReader.object(runs.latest("baseline").orElseThrow());
            assertThat(latest).containsEntry("machine", "node-7").containsEntry("name", "baseline");
            assertThat(((Map<?, ?>) latest.get("measurement")).get("runs")).isEqualTo(List.of(2L));
            assertThat(JsonReader.array(runs.list())).as("the same name and start is stored once").hasSize(2);
            assertThat(runs.latest("other")).isEmpty();
        }
    }

    @Test
    void badNamesJsonAndServersAreRefusedWithTheFix() {
        try (RunStore runs = RunStore.open(uri, "node-7")) {
            assertThatThrownBy(() -> runs.save("../etc", Instant.EPOCH, Instant.EPOCH, "{}"))
                    .hasMessageContaining("run name '../etc'");
            assertThatThrownBy(() -> runs.save("ok", Instant.EPOCH, Instant.EPOCH, "[1"))
                    .hasMessageContaining("not a JSON object");
        }
        assertThatThrownBy(() -> RunStore.open("http://mongo", "node-7"))
                .hasMessageContaining("RUNS_MONGODB_URI 'http://mongo'");
        stopMongo();
        try (RunStore runs = RunStore.open(uri, "node-7")) {
            assertThatThrownBy(() -> runs.latest("baseline")).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("start mongod or fix RUNS_MONGODB_URI");
        }
    }
}
