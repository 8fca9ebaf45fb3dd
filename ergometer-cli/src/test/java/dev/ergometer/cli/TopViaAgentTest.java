package dev.ergometer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.ergometer.agent.Agent;
import dev.ergometer.agent.AgentConfig;
import dev.ergometer.attribution.TopSnapshot;
import dev.ergometer.attribution.TopSnapshotJson;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.powercap.PowercapSource;
import dev.ergometer.testkit.FakePowercapTree;
import dev.ergometer.testkit.FakeProcfs;
import dev.ergometer.testkit.PowerCurve;
import dev.ergometer.testkit.SyntheticCounter;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code erg top} showing the numbers of a real {@code erg agent} started in the test, over HTTP. */
class TopViaAgentTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    Path root;

    private SyntheticCounter counter;
    private EnergySource source;
    private FakeProcfs proc;
    private Agent agent;

    @BeforeEach
    void tenWattPackage() throws Exception {
        FakePowercapTree tree = FakePowercapTree.in(root)
                .zone("intel-rapl:0", "package-0", FakePowercapTree.TYPICAL_RANGE_MICROJOULES);
        counter = SyntheticCounter.start(tree.energyFile("intel-rapl:0"), PowerCurve.constant(10),
                FakePowercapTree.TYPICAL_RANGE_MICROJOULES, 1_000_000L);
        source = PowercapSource.open(SystemPaths.real().withSysfs(root));
        proc = FakeProcfs.machine(root.resolve("proc"), 2);
        proc.process(100, "light", 1, 0, 0, 0, 0, 10, "/user.slice");
        proc.process(200, "heavy", 1, 0, 0, 0, 0, 20, "/user.slice");
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
        source.close();
        counter.close();
    }

    /**
     * An agent attributing every 2 s, after its first interval: the node half busy, heavy three quarters of it.
     * The next interval is 2 s away, long enough for a test to compare what erg top and the agent show.
     */
    private String agentAfterOneInterval() throws Exception {
        AgentConfig config = AgentConfig.from(Map.of("HTTP_PORT", "0", "SCRAPE_INTERVAL_S", "0.05", "LOG_LEVEL", "WARN",
                "FLUSH_TIMEOUT_S", "1", "AGENT_SOCKET", "off", "ATTRIBUTION", "true", "ATTRIBUTION_INTERVAL_S", "2"),
                Map.of());
        agent = Agent.start(config, source, SystemPaths.real().withSysfs(root).withProcfs(proc.root()));
        proc.advance(100, 100);
        proc.process(100, "light", 1, 20, 5, 0, 0, 10, "/user.slice");
        proc.process(200, "heavy", 1, 70, 5, 0, 0, 20, "/user.slice");
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (agent.attributionsTaken() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(agent.attributionsTaken()).as("attributed intervals after 5 s").isPositive();
        return "http://127.0.0.1:" + agent.httpPort();
    }

    private static TopSnapshot agentsTop(String url, String query) throws Exception {
        HttpResponse<String> response = CLIENT.send(HttpRequest.newBuilder(URI.create(url + "/api/v1/top" + query))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return TopSnapshotJson.read(response.body());
    }

    @Test
    void onceShowsTheAgentsRowsAndSaysWhereTheyComeFrom() throws Exception {
        String url = agentAfterOneInterval();

        CliRun run = CliRun.of("top", "--agent", url, "--once");
        TopSnapshot agents = agentsTop(url, "?view=processes&limit=20");

        assertThat(agent.attributionsTaken()).as("no new interval between the two reads").isEqualTo(1);
        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = run.out().lines().toList();
        assertThat(lines.getFirst()).startsWith("erg top   source powercap   processes   over ")
                .endsWith("via agent at " + url);
        List<String> rows = lines.subList(lines.indexOf(lines.stream().filter(l -> l.startsWith("PROCESS "))
                .findFirst().orElseThrow()) + 1, lines.size());
        assertThat(rows).hasSize(agents.rows().size());
        for (int i = 0; i < rows.size(); i++) {
            TopSnapshot.Row row = agents.rows().get(i);
            assertThat(rows.get(i)).startsWith(row.label())
                    .endsWith(String.format(Locale.ROOT, " %12.3f", row.watts().getFirst()));
        }
        assertThat(rows.getFirst()).startsWith("heavy (pid 200)");
        assertThat(run.out()).contains(String.format(Locale.ROOT, "%-12s %11.3f", "package_0",
                agents.domains().getFirst().machineWatts()));
    }

    @Test
    void theFirstSnapshotWaitsForAnAgentThatHasJustStarted() throws Exception {
        agent = Agent.start(AgentConfig.from(Map.of("HTTP_PORT", "0", "LOG_LEVEL", "WARN", "AGENT_SOCKET", "off",
                "ATTRIBUTION", "true", "ATTRIBUTION_INTERVAL_S", "1"), Map.of()), source,
                SystemPaths.real().withSysfs(root).withProcfs(proc.root()));

        CliRun run = CliRun.of("top", "--agent", "http://127.0.0.1:" + agent.httpPort(), "--once", "--interval",
                "0.2");

        assertThat(agent.attributionsTaken()).isPositive();
        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).isEmpty();
        assertThat(run.out().lines().filter(l -> l.startsWith("erg top "))).hasSize(1);
    }

    @Test
    void theViewOptionAsksTheAgentForCgroups() throws Exception {
        String url = agentAfterOneInterval();

        CliRun run = CliRun.of("top", "--agent", url + "/", "--once", "--view", "cgroups");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("   cgroups   ").contains("CGROUP ").contains("/user.slice")
                .doesNotContain("(pid ");
    }

    @Test
    void anAgentThatStopsAnsweringIsSaidAndRetriedWithoutACrash() throws Exception {
        String url = agentAfterOneInterval();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        var cli = Erg.commandLine();
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread top = Thread.ofPlatform().start(() -> exit.set(cli.execute("top", "--agent", url, "--iterations", "3",
                "--interval", "1")));
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (!out.toString().contains("heavy (pid 200)") && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        agent.close();
        agent = null;
        top.join(20_000);

        assertThat(top.isAlive()).isFalse();
        assertThat(out.toString().lines().filter(l -> l.startsWith("erg top "))).as(out.toString()).hasSize(1);
        assertThat(err.toString().lines().filter(l -> l.startsWith("erg: no answer from the agent at " + url)))
                .as(err.toString()).hasSize(2);
        assertThat(err.toString()).contains("is `erg agent` still running?").doesNotContain("Exception in");
        assertThat(exit.get()).isEqualTo(Erg.EXIT_ERG_FAILED);
    }

    @Test
    void noAgentAtTheUrlIsAMessageAndAFailureExitNotAStackTrace() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }

        CliRun run = CliRun.of("top", "--agent", "http://127.0.0.1:" + port, "--once");

        assertThat(run.exitCode()).isEqualTo(Erg.EXIT_ERG_FAILED);
        assertThat(run.out()).isEmpty();
        assertThat(run.err()).startsWith("erg: no answer from the agent at http://127.0.0.1:" + port + " (")
                .contains("erg top --local").doesNotContain("\tat ");
    }

    @Test
    void anAgentWithoutAttributionSaysHowToTurnItOn() throws Exception {
        agent = Agent.start(AgentConfig.from(Map.of("HTTP_PORT", "0", "LOG_LEVEL", "WARN", "AGENT_SOCKET", "off",
                "ATTRIBUTION", "false"), Map.of()), source, SystemPaths.real().withSysfs(root));

        CliRun run = CliRun.of("top", "--agent", "http://127.0.0.1:" + agent.httpPort(), "--once");

        assertThat(run.exitCode()).isEqualTo(Erg.EXIT_ERG_FAILED);
        assertThat(run.err()).contains("answered 503: this agent does not attribute energy (ATTRIBUTION=false)");
    }

    @Test
    void aLocalAgentIsUsedOnlyWhenItAnswersAsAnErgometerAgent() throws Exception {
        String url = agentAfterOneInterval();
        assertThat(AgentTopFeed.find(URI.create(url), Duration.ofSeconds(1))).hasValueSatisfying(feed -> {
            try (feed) {
                assertThat(feed.origin()).isEqualTo("via agent at " + url);
            }
        });

        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/health", exchange -> {
            byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        other.start();
        try {
            assertThat(AgentTopFeed.find(URI.create("http://127.0.0.1:" + other.getAddress().getPort()),
                    Duration.ofSeconds(1))).isEmpty();
        } finally {
            other.stop(0);
        }
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        assertThat(AgentTopFeed.find(URI.create("http://127.0.0.1:" + port), Duration.ofSeconds(1))).isEmpty();
    }

    @Test
    void agentAndLocalOrKernelOptionsDoNotGoTogether() {
        assertThat(CliRun.of("top", "--agent", "http://127.0.0.1:1", "--local", "--once").err())
                .contains("--agent and --local exclude each other");
        assertThat(CliRun.of("top", "--agent", "http://127.0.0.1:1", "--source", "model", "--once").err())
                .contains("with --agent the agent measures");
        assertThat(CliRun.of("top", "--agent", "127.0.0.1:9464", "--once").err())
                .contains("--agent takes the agent's URL such as http://127.0.0.1:9464");
    }
}
