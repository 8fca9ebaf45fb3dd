package dev.ergometer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.ergometer.json.JsonReader;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.powercap.PowercapSource;
import dev.ergometer.testkit.FakePowercapTree;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Named runs through the agent's HTTP API into MongoDB (mongo-java-server, the real driver) and back. */
class AgentRunsTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    Path root;

    private Agent start(EnergySource source, String... keysAndValues) throws Exception {
        Map<String, String> settings = new HashMap<>(Map.of("HTTP_PORT", "0", "ATTRIBUTION", "false",
                "LOG_LEVEL", "WARN", "AGENT_SOCKET", "off", "HOST_NAME", "node-7"));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            settings.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Agent.start(AgentConfig.from(settings, Map.of()), source, SystemPaths.real().withSysfs(root));
    }

    private static HttpResponse<String> send(Agent agent, String method, String path, String body) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aNamedRunIsStoredPerMachineAndReadBack() throws Exception {
        FakePowercapTree.oneSocket(root);
        MongoServer mongo = new MongoServer(new MemoryBackend());
        mongo.bind("127.0.0.1", 0);
        String uri = "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort() + "/fleet";
        try (EnergySource source = PowercapSource.open(SystemPaths.real().withSysfs(root));
             Agent agent = start(source, "RUNS_MONGODB_URI", uri)) {
            String measurement = "{\"schema\":\"ergometer.measure/1\",\"command\":[\"sleep\",\"1\"]}";
            HttpResponse<String> stored = send(agent, "POST",
                    "/api/v1/runs/nginx-baseline?start=2026-11-26T10:00:00Z&end=2026-11-26T10:00:01Z", measurement);
            assertThat(stored.statusCode()).as(stored.body()).isEqualTo(201);
            assertThat(stored.body()).contains("\"machine\":\"node-7\"");

            Map<String, Object> run = JsonReader.object(send(agent, "GET", "/api/v1/runs/nginx-baseline", null).body());
            assertThat(run).containsEntry("machine", "node-7").containsEntry("name", "nginx-baseline");
            assertThat(((Map<?, ?>) run.get("measurement")).get("command")).isEqualTo(List.of("sleep", "1"));
            assertThat(JsonReader.array(send(agent, "GET", "/api/v1/runs", null).body())).hasSize(1);

            assertThat(send(agent, "GET", "/api/v1/runs/unknown", null).statusCode()).isEqualTo(404);
            HttpResponse<String> badTime = send(agent, "POST", "/api/v1/runs/x?start=yesterday&end=now", "{}");
            assertThat(badTime.statusCode()).isEqualTo(400);
            assertThat(badTime.body()).contains("ISO-8601");
        } finally {
            mongo.shutdownNow();
        }
    }

    @Test
    void withoutARunStoreTheAgentSaysWhatToSet() throws Exception {
        FakePowercapTree.oneSocket(root);
        try (EnergySource source = PowercapSource.open(SystemPaths.real().withSysfs(root));
             Agent agent = start(source)) {
            HttpResponse<String> refused = send(agent, "POST",
                    "/api/v1/runs/x?start=2026-11-26T10:00:00Z&end=2026-11-26T10:00:01Z", "{}");
            assertThat(refused.statusCode()).isEqualTo(503);
            assertThat(refused.body()).contains("set RUNS_MONGODB_URI");
        }
    }
}
