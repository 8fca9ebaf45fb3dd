package dev.ergometer.agent;

import static dev.ergometer.agent.TenWattMachine.quietConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ergometer.json.JsonReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DashboardEndpointTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    @TempDir
    Path root;

    private TenWattMachine machine;

    @BeforeEach
    void tenWattPackage() throws Exception {
        machine = TenWattMachine.in(root);
    }

    @AfterEach
    void stop() {
        machine.close();
    }

    private static HttpResponse<String> get(Agent agent, String path) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** An event stream read on its own thread: each {@code sample} event's data, parsed. */
    private static final class EventStream implements AutoCloseable {

        private final BlockingQueue<Map<String, Object>> events = new LinkedBlockingQueue<>();
        private final List<String> ids = new ArrayList<>();
        private final Stream<String> lines;
        private final HttpResponse<Stream<String>> response;

        EventStream(Agent agent) throws Exception {
            response = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort()
                    + "/api/v1/events")).header("Accept", "text/event-stream").build(),
                    HttpResponse.BodyHandlers.ofLines());
            lines = response.body();
            Thread.ofPlatform().daemon().name("event-stream").start(() -> {
                String event = null;
                try {
                    for (String line : (Iterable<String>) lines::iterator) {
                        if (line.startsWith("event: ")) {
                            event = line.substring(7);
                        } else if (line.startsWith("id: ")) {
                            synchronized (ids) {
                                ids.add(line.substring(4));
                            }
                        } else if (line.startsWith("data: ") && "sample".equals(event)) {
                            events.add(JsonReader.object(line.substring(6)));
                        }
                    }
                } catch (RuntimeException closed) {
                    // the test closed the stream
                }
                events.add(Map.of("end", true));
            });
        }

        Map<String, Object> next() throws InterruptedException {
            Map<String, Object> event = events.poll(5, TimeUnit.SECONDS);
            assertThat(event).as("an event within 5 s").isNotNull();
            return event;
        }

        @Override
        public void close() {
            lines.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static double number(Map<String, Object> point, String member, String domain) {
        return ((Number) ((Map<String, Object>) point.get(member)).get(domain)).doubleValue();
    }

    @Test
    void thePageAndItsAssetsComeFromTheAgentWithAPolicyThatAllowsNothingElse() throws Exception {
        try (Agent agent = machine.startAgent(quietConfig())) {
            for (String path : List.of("/", "/dashboard")) {
                HttpResponse<String> page = get(agent, path);
                assertThat(page.statusCode()).isEqualTo(200);
                assertThat(page.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/html")
                        .containsIgnoringCase("charset=utf-8");
                assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow())
                        .contains("default-src 'none'", "script-src 'self'", "connect-src 'self'");
                assertThat(page.body()).contains("<script src=\"dashboard.js\"", "href=\"dashboard.css\"")
                        .doesNotContain("http://", "https://", "//cdn", "<script>", "style=\"");
            }
            HttpResponse<String> script = get(agent, "/dashboard.js");
            assertThat(script.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/javascript");
            assertThat(script.body()).contains("new EventSource(\"api/v1/events\")", "api/v1/history",
                    "api/v1/top").doesNotContain("innerHTML", "https://");
            assertThat(script.body().replace("\"http://www.w3.org/2000/svg\"", "")).as("no URL but SVG's namespace")
                    .doesNotContain("http://");
            HttpResponse<String> style = get(agent, "/dashboard.css");
            assertThat(style.headers().firstValue("Content-Type").orElseThrow()).startsWith("text/css");
            assertThat(style.body()).doesNotContain("@import", "url(");
        }
    }

    @Test
    void historyHoldsTheRecentSamplesWithTheSourceAndTheCarbonSettings() throws Exception {
        try (Agent agent = machine.startAgent(quietConfig("GRID_INTENSITY_G_PER_KWH", "100", "PRICE_PER_KWH", "0.3",
                "CURRENCY", "EUR", "HOST_NAME", "bench-01"))) {
            Thread.sleep(600);
            Map<String, Object> history = JsonReader.object(get(agent, "/api/v1/history").body());

            assertThat(history).containsEntry("host", "bench-01").containsEntry("source", "powercap")
                    .containsEntry("estimated", false).containsEntry("attribution", false)
                    .containsEntry("window_s", 600L).containsEntry("domains", List.of("package_0"));
            assertThat(history.get("carbon")).isEqualTo(Map.of("grid_g_per_kwh", 100L,
                    "grid_source", "GRID_INTENSITY_G_PER_KWH", "price_per_kwh", 0.3, "currency", "EUR",
                    "price_source", "PRICE_PER_KWH"));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> points = (List<Map<String, Object>>) history.get("points");
            assertThat(points.size()).as("samples in 0.6 s at 20 Hz").isBetween(8, 14);
            Map<String, Object> last = points.getLast();
            assertThat(number(last, "power_watts", "package_0")).isCloseTo(10, within(2.0));
            double joules = number(last, "energy_joules", "package_0");
            assertThat(joules).isCloseTo(6 * points.size() / 12.0, within(2.0));
            assertThat(number(last, "co2e_g", "package_0")).isCloseTo(joules / 3.6e6 * 100, within(1e-9));
            assertThat(number(last, "cost", "package_0")).isCloseTo(joules / 3.6e6 * 0.3, within(1e-12));
            assertThat(points).extracting(p -> ((Number) p.get("n")).longValue()).isSorted().doesNotHaveDuplicates();
        }
    }

    @Test
    void eachSampleArrivesAsOneEvent() throws Exception {
        try (Agent agent = machine.startAgent(quietConfig()); EventStream stream = new EventStream(agent)) {
            assertThat(stream.response.headers().firstValue("Content-Type").orElseThrow())
                    .startsWith("text/event-stream");
            List<Map<String, Object>> events = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                events.add(stream.next());
            }
            long first = ((Number) events.getFirst().get("n")).longValue();
            assertThat(events).extracting(e -> ((Number) e.get("n")).longValue() - first)
                    .as("consecutive samples, none lost").containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L,
                            10L, 11L, 12L, 13L, 14L, 15L, 16L, 17L, 18L, 19L);
            Map<String, Object> last = events.getLast();
            assertThat(number(last, "power_watts", "package_0")).isCloseTo(10, within(2.0));
            assertThat(last).containsEntry("attribution", false).containsEntry("attributions", 0L)
                    .containsKeys("t", "energy_joules", "co2e_g", "cost");
            long spanMillis = ((Number) last.get("t")).longValue()
                    - ((Number) events.getFirst().get("t")).longValue();
            assertThat(spanMillis).as("19 intervals of 50 ms").isBetween(700L, 1_300L);
            synchronized (stream.ids) {
                assertThat(stream.ids).contains(Long.toString(first));
            }
        }
    }

    @Test
    void streamsThatNeverReadDoNotSlowSampling() throws Exception {
        try (Agent agent = machine.startAgent(quietConfig("SCRAPE_INTERVAL_S", "0.02"))) {
            List<Socket> stalled = new ArrayList<>();
            try {
                for (int i = 0; i < 4; i++) {
                    Socket socket = new Socket();
                    socket.setReceiveBufferSize(1024);
                    socket.connect(new InetSocketAddress("127.0.0.1", agent.httpPort()));
                    OutputStream out = socket.getOutputStream();
                    out.write(("GET /api/v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                    stalled.add(socket);   // and never read from
                }
                try (EventStream reader = new EventStream(agent)) {
                    Thread.sleep(300);
                    long before = agent.samplesTaken();
                    Thread.sleep(1_000);
                    long taken = agent.samplesTaken() - before;

                    assertThat(taken).as("samples in 1 s at 50 Hz with four stalled streams").isBetween(40L, 55L);
                    assertThat(reader.events.size()).as("a reading browser still gets every sample")
                            .isGreaterThanOrEqualTo(50);
                }
            } finally {
                for (Socket socket : stalled) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void stoppingTheAgentEndsOpenStreamsPromptly() throws Exception {
        Agent agent = machine.startAgent(quietConfig());
        try (EventStream stream = new EventStream(agent)) {
            stream.next();

            long start = System.nanoTime();
            agent.close();
            long closeMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(closeMillis).as("close with a browser listening, ms").isLessThan(3_000);
            Map<String, Object> last;
            do {
                last = stream.next();
            } while (!last.containsKey("end"));
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (agent.dashboard().clientCount() > 0 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(agent.dashboard().clientCount()).as("streams still open 2 s after the stop").isZero();
        }
    }
}
