package dev.ergometer.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.sun.net.httpserver.HttpServer;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.powercap.PowercapSource;
import dev.ergometer.testkit.FakePowercapTree;
import dev.ergometer.testkit.FakeProcfs;
import dev.ergometer.testkit.PowerCurve;
import dev.ergometer.testkit.SyntheticCounter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    Path root;

    private SyntheticCounter counter;
    private EnergySource source;
    private HttpServer receiver;
    private final List<Map<String, String>> received = new CopyOnWriteArrayList<>();
    private final CountDownLatch neverAnswer = new CountDownLatch(1);

    @BeforeEach
    void tenWattPackage() throws Exception {
        FakePowercapTree tree = FakePowercapTree.in(root)
                .zone("intel-rapl:0", "package-0", FakePowercapTree.TYPICAL_RANGE_MICROJOULES);
        counter = SyntheticCounter.start(tree.energyFile("intel-rapl:0"), PowerCurve.constant(10),
                FakePowercapTree.TYPICAL_RANGE_MICROJOULES, 1_000_000L);
        source = PowercapSource.open(SystemPaths.real().withSysfs(root));
    }

    @AfterEach
    void stop() {
        neverAnswer.countDown();
        if (receiver != null) {
            receiver.stop(0);
        }
        source.close();
        counter.close();
    }

    private static AgentConfig config(String... keysAndValues) {
        Map<String, String> settings = new HashMap<>(Map.of("HTTP_PORT", "0", "ATTRIBUTION", "false",
                "SCRAPE_INTERVAL_S", "0.05", "LOG_LEVEL", "WARN", "FLUSH_TIMEOUT_S", "1", "AGENT_SOCKET", ""));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            settings.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return AgentConfig.from(settings, Map.of());
    }

    private static HttpResponse<String> get(Agent agent, String path, String accept) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + path));
        if (accept != null) {
            request.header("Accept", accept);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertThat(m.find()).as("series %s in\n%s", series, metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** A process's package power in /metrics, found by its name label. */
    private static double consumerWatts(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^ergometer_consumer_power_watts\\{consumer=\"process/\\d+@\\d+\","
                + "domain=\"package_0\",estimated=\"false\",kind=\"process\",name=\"" + Pattern.quote(name)
                + "\"\\} (\\S+)$").matcher(metrics);
        assertThat(m.find()).as("consumer %s in\n%s", name, metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    /** A receiver that records each push's headers and answers 204, or never answers when {@code hang}. */
    private URI startReceiver(boolean hang) throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/api/v1/write", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            if (hang) {
                try {
                    neverAnswer.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            received.add(Map.of("encoding", String.valueOf(exchange.getRequestHeaders().getFirst("Content-Encoding")),
                    "type", String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")),
                    "version", String.valueOf(exchange.getRequestHeaders()
                            .getFirst("X-Prometheus-Remote-Write-Version")),
                    "bytes", Integer.toString(body.length)));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
        receiver.start();
        return URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/api/v1/write");
    }

    @Test
    void metricsShowRisingEnergyAndTenWatts() throws Exception {
        try (Agent agent = Agent.start(config(), source, SystemPaths.real().withSysfs(root))) {
            Thread.sleep(400);
            String first = get(agent, "/metrics", null).body();
            Thread.sleep(400);
            HttpResponse<String> second = get(agent, "/metrics", null);

            assertThat(second.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("text/plain; version=0.0.4"));
            String series = "ergometer_energy_joules_total{domain=\"package_0\",estimated=\"false\",socket=\"0\"}";
            double before = value(first, series);
            double after = value(second.body(), series);
            assertThat(after - before).isCloseTo(4.0, within(1.5));
            assertThat(value(second.body(), "ergometer_power_watts{domain=\"package_0\",estimated=\"false\",socket=\"0\"}"))
                    .isCloseTo(10, within(2.0));
            assertThat(value(second.body(), "ergometer_agent_samples_total"))
                    .isGreaterThan(value(first, "ergometer_agent_samples_total"));
            assertThat(second.body()).contains(
                    "ergometer_source_info{estimated=\"false\",method=");
        }
    }

    @Test
    void openMetricsIsServedWhenAskedFor() throws Exception {
        try (Agent agent = Agent.start(config(), source, SystemPaths.real().withSysfs(root))) {
            HttpResponse<String> response = get(agent, "/metrics", "application/openmetrics-text; version=1.0.0");

            assertThat(response.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("application/openmetrics-text");
            assertThat(response.body()).contains("# UNIT ergometer_energy_joules joules").endsWith("# EOF\n");
        }
    }

    @Test
    void healthAndJsonApiDescribeTheSource() throws Exception {
        try (Agent agent = Agent.start(config(), source, SystemPaths.real().withSysfs(root))) {
            Thread.sleep(200);
            HttpResponse<String> health = get(agent, "/health", null);
            assertThat(health.statusCode()).isEqualTo(200);
            assertThat(health.body()).contains("\"ok\":true", "\"source\":\"powercap\"", "\"last_sample_age_s\":");
            assertThat(get(agent, "/api/v1/domains", null).body()).contains("\"id\":\"package_0\"", "\"socket\":0");
            assertThat(get(agent, "/api/v1/power", null).body()).contains("\"package_0\":");
            assertThat(get(agent, "/api/v1/consumers", null).body()).contains("\"consumers\":[]");
        }
    }

    @Test
    void remoteWriteReceiverGetsBatchesWithTheRequiredHeaders() throws Exception {
        URI url = startReceiver(false);
        try (Agent agent = Agent.start(config("REMOTE_WRITE_URL", url.toString(), "PUSH_INTERVAL_S", "0.2"),
                source, SystemPaths.real().withSysfs(root))) {
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (received.size() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(received).hasSizeGreaterThanOrEqualTo(2);
            assertThat(received.getFirst()).containsEntry("encoding", "snappy")
                    .containsEntry("type", "application/x-protobuf").containsEntry("version", "0.1.0");
            assertThat(agent.sinkCounts().get("remote-write").sentSamples()).isPositive();
            String metrics = get(agent, "/metrics", null).body();
            assertThat(value(metrics, "ergometer_sink_sent_samples_total{sink=\"remote-write\"}")).isPositive();
        }
    }

    @Test
    void hangingSinkDoesNotDelaySampling() throws Exception {
        URI url = startReceiver(true);
        try (Agent agent = Agent.start(config("REMOTE_WRITE_URL", url.toString(), "PUSH_INTERVAL_S", "0.05",
                "SCRAPE_INTERVAL_S", "0.02", "MAX_RETRY_BATCHES", "2"), source, SystemPaths.real().withSysfs(root))) {
            Thread.sleep(300);
            long before = agent.samplesTaken();
            Thread.sleep(1_000);
            long taken = agent.samplesTaken() - before;

            assertThat(taken).as("samples in 1 s at 50 Hz while the receiver hangs").isBetween(40L, 55L);
            assertThat(received).isEmpty();
            assertThat(agent.sinkCounts().get("remote-write").droppedSamples())
                    .as("a full buffer drops the oldest batches").isPositive();
        }
    }

    @Test
    void shutdownFlushesWhatIsPending() throws Exception {
        URI url = startReceiver(false);
        Agent agent = Agent.start(config("REMOTE_WRITE_URL", url.toString(), "PUSH_INTERVAL_S", "3600"),
                source, SystemPaths.real().withSysfs(root));
        Thread.sleep(300);
        assertThat(received).isEmpty();

        agent.close();

        assertThat(received).hasSize(1);
        long samples = agent.samplesTaken();
        // Each sample gives the energy, carbon and cost counters, a power gauge and a seed-compatible series for the
        // one domain.
        assertThat(agent.sinkCounts().get("remote-write").sentSamples()).isEqualTo(5 * samples);
        assertThat(agent.sinkCounts().get("remote-write").droppedSamples()).isZero();
    }

    @Test
    void busiestProcessGetsItsShareOfThePackage() throws Exception {
        FakeProcfs proc = FakeProcfs.machine(root.resolve("proc"), 2);
        proc.process(100, "light", 1, 0, 0, 0, 0, 10, "/user.slice");
        proc.process(200, "heavy", 1, 0, 0, 0, 0, 20, "/user.slice");
        SystemPaths paths = SystemPaths.real().withSysfs(root).withProcfs(proc.root());
        try (Agent agent = Agent.start(config("ATTRIBUTION", "true", "ATTRIBUTION_INTERVAL_S", "1"), source, paths)) {
            // Over the first interval the node is half busy; heavy used three quarters of the busy time.
            proc.advance(100, 100);
            proc.process(100, "light", 1, 20, 5, 0, 0, 10, "/user.slice");
            proc.process(200, "heavy", 1, 70, 5, 0, 0, 20, "/user.slice");
            long deadline = System.nanoTime() + 3_000_000_000L;
            while (agent.attributionsTaken() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            String metrics = get(agent, "/metrics", null).body();

            double heavy = consumerWatts(metrics, "heavy (pid 200)");
            double light = consumerWatts(metrics, "light (pid 100)");
            assertThat(heavy).isCloseTo(10 * 0.5 * 0.75, within(1.0));
            assertThat(heavy / light).isCloseTo(3.0, within(0.01));
            assertThat(get(agent, "/api/v1/consumers", null).body()).contains("\"label\":\"heavy (pid 200)\"");
        }
    }
}
