package dev.ergometer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.ergometer.agent.Agent;
import dev.ergometer.agent.AgentConfig;
import dev.ergometer.json.JsonReader;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.powercap.PowercapSource;
import dev.ergometer.testkit.FakePowercapTree;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code erg measure --name}: the recap goes through a real {@code erg agent} into MongoDB and back. */
class MeasureNamedRunTest {

    @TempDir
    Path root;

    @Test
    void aNamedRunIsStoredThroughTheAgent() throws Exception {
        FakePowercapTree.oneSocket(root);
        MongoServer mongo = new MongoServer(new MemoryBackend());
        mongo.bind("127.0.0.1", 0);
        String uri = "mongodb://127.0.0.1:" + mongo.getLocalAddress().getPort() + "/fleet";
        AgentConfig config = AgentConfig.from(Map.of("HTTP_PORT", "0", "ATTRIBUTION", "false", "LOG_LEVEL", "WARN",
                "AGENT_SOCKET", "off", "HOST_NAME", "node-7", "RUNS_MONGODB_URI", uri), Map.of());
        try (EnergySource source = PowercapSource.open(SystemPaths.real().withSysfs(root));
             Agent agent = Agent.start(config, source, SystemPaths.real().withSysfs(root))) {
            String url = "http://127.0.0.1:" + agent.httpPort();
            CliRun run = CliRun.of("measure", "--sysfs", root.toString(), "--idle", "off", "--name", "smoke",
                    "--agent", url, "--", "true");

            assertThat(run.exitCode()).as(run.err()).isZero();
            assertThat(run.err()).contains("stored run 'smoke' of node-7 through the agent at " + url);
            HttpResponse<String> back = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create(url + "/api/v1/runs/smoke")).build(), HttpResponse.BodyHandlers.ofString());
            Map<String, Object> stored = JsonReader.object(back.body());
            assertThat(stored).containsEntry("name", "smoke").containsEntry("machine", "node-7");
            assertThat(((Map<?, ?>) stored.get("measurement")).get("schema")).isEqualTo("ergometer.measure/1");

            Path recap = Files.writeString(root.resolve("smoke.json"), back.body());
            Path html = root.resolve("smoke.html");
            CliRun report = CliRun.of("report", recap.toString(), "--output", html.toString());
            assertThat(report.exitCode()).as(report.err()).isZero();
            assertThat(Files.readString(html)).contains("smoke on node-7");
        } finally {
            mongo.shutdownNow();
        }
    }

    @Test
    void withoutAnAgentNothingIsMeasuredAndTheMessageSaysWhatToStart() throws Exception {
        FakePowercapTree.oneSocket(root);
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Path marker = root.resolve("ran");
        CliRun run = CliRun.of("measure", "--sysfs", root.toString(), "--idle", "off", "--name", "smoke",
                "--agent", "http://127.0.0.1:" + closed, "--", "touch", marker.toString());

        assertThat(run.exitCode()).isEqualTo(Erg.EXIT_ERG_FAILED);
        assertThat(run.err()).contains("no erg agent answers at http://127.0.0.1:" + closed, "RUNS_MONGODB_URI");
        assertThat(marker).as("the command did not run").doesNotExist();

        CliRun badName = CliRun.of("measure", "--sysfs", root.toString(), "--name", "../x", "--", "true");
        assertThat(badName.exitCode()).isEqualTo(Erg.EXIT_ERG_FAILED);
        assertThat(badName.err()).contains("--name '../x' must be");
        assertThat(Files.exists(marker)).isFalse();
    }
}
