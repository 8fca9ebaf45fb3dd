package dev.ergometer.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ergometer.attribution.Consumer;
import dev.ergometer.attribution.TopSnapshot;
import dev.ergometer.attribution.TopSnapshotJson;
import dev.ergometer.json.JsonReader;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.powercap.PowercapSource;
import dev.ergometer.testkit.FakePowercapTree;
import dev.ergometer.testkit.FakeProcfs;
import dev.ergometer.testkit.PowerCurve;
import dev.ergometer.testkit.SyntheticCounter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TopEndpointTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final String DOCKER_ID = "3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708";

    @TempDir
    Path root;

    private SyntheticCounter counter;
    private EnergySource source;
    private FakeProcfs proc;
    private SystemPaths paths;

    @BeforeEach
    void tenWattPackageAndThreeProcesses() throws Exception {
        FakePowercapTree tree = FakePowercapTree.in(root)
                .zone("intel-rapl:0", "package-0", FakePowercapTree.TYPICAL_RANGE_MICROJOULES);
        counter = SyntheticCounter.start(tree.energyFile("intel-rapl:0"), PowerCurve.constant(10),
                FakePowercapTree.TYPICAL_RANGE_MICROJOULES, 1_000_000L);
        source = PowercapSource.open(SystemPaths.real().withSysfs(root));
        proc = FakeProcfs.machine(root.resolve("proc"), 2);
        proc.process(100, "light", 1, 0, 0, 0, 0, 10, "/user.slice");
        proc.process(200, "heavy", 1, 0, 0, 0, 0, 20, "/system.slice/docker-" + DOCKER_ID + ".scope");
        proc.process(300, "sleeper", 1, 0, 0, 0, 0, 30, "/system.slice/docker-" + DOCKER_ID + ".scope");
        paths = SystemPaths.real().withSysfs(root).withProcfs(proc.root());
    }

    @AfterEach
    void stop() {
        source.close();
        counter.close();
    }

    private static AgentConfig config(String... keysAndValues) {
        Map<String, String> settings = new HashMap<>(Map.of("HTTP_PORT", "0", "SCRAPE_INTERVAL_S", "0.05",
                "LOG_LEVEL", "WARN", "FLUSH_TIMEOUT_S", "1", "AGENT_SOCKET", "off", "ATTRIBUTION", "true",
                "ATTRIBUTION_INTERVAL_S", "1"));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            settings.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return AgentConfig.from(settings, Map.of());
    }

    private static HttpResponse<String> get(Agent agent, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** Over the first interval the node is half busy; heavy used three quarters of the busy time, light a quarter. */
    private Agent agentAfterOneInterval() throws Exception {
        Agent agent = Agent.start(config(), source, paths);
        proc.advance(100, 100);
        proc.process(100, "light", 1, 20, 5, 0, 0, 10, "/user.slice");
        proc.process(200, "heavy", 1, 70, 5, 0, 0, 20, "/system.slice/docker-" + DOCKER_ID + ".scope");
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (agent.attributionsTaken() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(agent.attributionsTaken()).as("attributed intervals after 3 s").isPositive();
        return agent;
    }

    @Test
    void topListsProcessesByPowerWithTheMachineTotals() throws Exception {
        try (Agent agent = agentAfterOneInterval()) {
            HttpResponse<String> response = get(agent, "/api/v1/top");

            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type").orElseThrow()).startsWith("application/json");
            TopSnapshot top = TopSnapshotJson.read(response.body());
            assertThat(top.source()).isEqualTo("powercap");
            assertThat(top.estimated()).isFalse();
            assertThat(top.kind()).isEqualTo(Consumer.Kind.PROCESS);
            assertThat(top.durationNanos() / 1e9).isCloseTo(1.0, within(0.3));
            TopSnapshot.DomainPower pkg = top.domains().getFirst();
            assertThat(pkg.id()).isEqualTo("package_0");
            assertThat(pkg.machineWatts()).isCloseTo(10, within(2.0));
            assertThat(pkg.idleWatts()).isCloseTo(pkg.machineWatts() / 2, within(0.5));
            assertThat(top.rows()).extracting(TopSnapshot.Row::label)
                    .containsExactly("heavy (pid 200)", "light (pid 100)", "sleeper (pid 300)");
            TopSnapshot.Row heavy = top.rows().getFirst();
            assertThat(heavy.id()).isEqualTo("process/200@20");
            assertThat(heavy.totalWatts()).isEqualTo(heavy.watts().getFirst())
                    .isCloseTo(pkg.machineWatts() * 0.5 * 0.75, within(0.05));
            assertThat(heavy.totalWatts() / top.rows().get(1).totalWatts()).isCloseTo(3.0, within(0.01));
            assertThat(top.consumerCount()).isEqualTo(3);
        }
    }

    @Test
    void viewAndLimitChooseTheRows() throws Exception {
        try (Agent agent = agentAfterOneInterval()) {
            TopSnapshot one = TopSnapshotJson.read(get(agent, "/api/v1/top?limit=1").body());
            assertThat(one.rows()).extracting(TopSnapshot.Row::label).containsExactly("heavy (pid 200)");
            assertThat(one.consumerCount()).isEqualTo(3);

            TopSnapshot containers = TopSnapshotJson.read(get(agent, "/api/v1/top?view=containers").body());
            assertThat(containers.kind()).isEqualTo(Consumer.Kind.CONTAINER);
            assertThat(containers.rows()).singleElement().satisfies(row -> {
                assertThat(row.id()).isEqualTo("container/docker/" + DOCKER_ID);
                assertThat(row.kind()).isEqualTo(Consumer.Kind.CONTAINER);
                assertThat(row.cpuPercent()).isEmpty();
            });

            TopSnapshot cgroups = TopSnapshotJson.read(get(agent, "/api/v1/top?view=cgroups&limit=1000").body());
            assertThat(cgroups.rows()).extracting(TopSnapshot.Row::label)
                    .containsExactly("/system.slice/docker-" + DOCKER_ID + ".scope", "/user.slice");
        }
    }

    @Test
    void badViewOrLimitIsABadRequestThatSaysWhatIsAccepted() throws Exception {
        try (Agent agent = Agent.start(config(), source, paths)) {
            HttpResponse<String> view = get(agent, "/api/v1/top?view=pods");
            assertThat(view.statusCode()).isEqualTo(400);
            assertThat(JsonReader.object(view.body())).containsEntry("ok", false)
                    .containsEntry("reason", "bad-request")
                    .containsEntry("error", "the view is processes, cgroups or containers, got 'pods'");

            for (String limit : new String[] {"1001", "-1", "ten"}) {
                HttpResponse<String> response = get(agent, "/api/v1/top?limit=" + limit);
                assertThat(response.statusCode()).as(limit).isEqualTo(400);
                assertThat(response.body()).contains("limit is a number of rows from 0 to 1000, got '" + limit + "'");
            }
        }
    }

    @Test
    void beforeTheFirstIntervalTheAgentSaysWhenToAskAgain() throws Exception {
        try (Agent agent = Agent.start(config("ATTRIBUTION_INTERVAL_S", "60"), source, paths)) {
            HttpResponse<String> response = get(agent, "/api/v1/top");

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(JsonReader.object(response.body())).containsEntry("reason", "no-interval-yet");
            assertThat(response.body()).contains("the first one ends 60.0 s (ATTRIBUTION_INTERVAL_S) after");
        }
    }

    @Test
    void withoutAttributionTopIsUnavailableAndSaysHowToTurnItOn() throws Exception {
        try (Agent agent = Agent.start(config("ATTRIBUTION", "false"), source, paths)) {
            HttpResponse<String> response = get(agent, "/api/v1/top?view=containers");

            assertThat(response.statusCode()).isEqualTo(503);
            assertThat(JsonReader.object(response.body())).containsEntry("reason", "attribution-off");
            assertThat(response.body()).contains("ATTRIBUTION=false", "ATTRIBUTION=true", "erg top --local");
            assertThat(agent.latestAttribution()).isEmpty();
        }
    }
}
