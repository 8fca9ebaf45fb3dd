package dev.ergometer.prometheus;

import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real Prometheus server (Debian's {@code prometheus} package) on a free loopback port, with the remote-write
 * receiver enabled and its storage in a test folder; it can be stopped and started again on the same port and data.
 */
final class PrometheusServer implements AutoCloseable {

    record Point(long timestampMillis, double value) {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path binary;
    private final Path folder;
    private final int port;
    private Process process;

    private PrometheusServer(Path binary, Path folder, int port) {
        this.binary = binary;
        this.folder = folder;
        this.port = port;
    }

    /** Starts Prometheus; fails (never skips) when the binary is absent. */
    static PrometheusServer start(Path folder) throws Exception {
        PrometheusServer server = new PrometheusServer(findBinary(), folder, freePort());
        Files.writeString(folder.resolve("prometheus.yml"), "global:\n  scrape_interval: 15s\n");
        server.startProcess();
        return server;
    }

    private static Path findBinary() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            Path candidate = Path.of(dir, "prometheus");
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return fail("the prometheus binary is not on PATH; these tests need a real Prometheus server: "
                + "apt-get install prometheus (Debian's 2.42 or newer)");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    void startProcess() throws Exception {
        process = new ProcessBuilder(binary.toString(),
                "--config.file=" + folder.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + folder.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--web.enable-remote-write-receiver")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(folder.resolve("prometheus.log").toFile()))
                .start();
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            if (!process.isAlive()) {
                fail("prometheus exited with " + process.exitValue() + ":\n" + log());
            }
            try {
                HttpResponse<String> ready = HTTP.send(HttpRequest.newBuilder(base().resolve("/-/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(100);
        }
        fail("prometheus was not ready within 60 s:\n" + log());
    }

    /** Stops Prometheus (SIGTERM, so its WAL is complete) and waits for it to exit. */
    void stopProcess() throws InterruptedException {
        if (process != null && process.isAlive()) {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    URI base() {
        return URI.create("http://127.0.0.1:" + port);
    }

    URI remoteWriteUri() {
        return base().resolve("/api/v1/write");
    }

    /** Every raw sample Prometheus holds for {@code selector} over the last day, in time order. */
    List<Point> rawSamples(String selector) throws Exception {
        String query = URLEncoder.encode(selector + "[1d]", StandardCharsets.UTF_8);
        double now = System.currentTimeMillis() / 1000.0 + 60;
        HttpResponse<String> answer = HTTP.send(HttpRequest.newBuilder(
                base().resolve("/api/v1/query?query=" + query + "&time=" + now)).build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode root = JSON.readTree(answer.body());
        if (answer.statusCode() != 200 || !"success".equals(root.path("status").asText())) {
            fail("query " + selector + " failed: HTTP " + answer.statusCode() + " " + answer.body());
        }
        JsonNode result = root.path("data").path("result");
        List<Point> points = new ArrayList<>();
        if (result.size() > 1) {
            fail("query " + selector + " matched " + result.size() + " series: " + result);
        }
        for (JsonNode series : result) {
            for (JsonNode value : series.path("values")) {
                long millis = Math.round(value.get(0).asDouble() * 1000);
                points.add(new Point(millis, Double.parseDouble(value.get(1).asText())));
            }
        }
        return points;
    }

    String log() {
        try {
            return Files.readString(folder.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }
}
