package dev.ergometer.formula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.ergometer.fleet.PowerReport;
import dev.ergometer.prometheus.RemoteWriteSink;
import java.io.File;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Power reports pushed to a real Prometheus (Debian's package), written twice as a dead worker's successor does. */
class RemoteWritePowerReportsTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path folder;

    private Process prometheus;
    private int port;

    @BeforeEach
    void startPrometheus() throws Exception {
        Path binary = null;
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, "prometheus"))) {
                binary = Path.of(dir, "prometheus");
            }
        }
        if (binary == null) {
            fail("the prometheus binary is not on PATH; this test needs a real Prometheus: apt-get install prometheus");
        }
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Files.writeString(folder.resolve("prometheus.yml"), "global:\n  scrape_interval: 15s\n");
        prometheus = new ProcessBuilder(binary.toString(), "--config.file=" + folder.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + folder.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--web.enable-remote-write-receiver")
                .redirectErrorStream(true).redirectOutput(folder.resolve("prometheus.log").toFile()).start();
        long end = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < end) {
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException notYet) {
                Thread.sleep(100);
            }
        }
        fail("prometheus was not ready within 60 s: " + Files.readString(folder.resolve("prometheus.log")));
    }

    @AfterEach
    void stopPrometheus() throws Exception {
        prometheus.destroy();
        prometheus.waitFor();
    }

    private static List<PowerReport> ticks(long start, int from, int to) {
        List<PowerReport> reports = new ArrayList<>();
        for (int i = from; i < to; i++) {
            for (String target : List.of("web", "db")) {
                reports.add(PowerReport.of(start + i * 1000L, "node-1", target, "package_0", i + target.length()));
            }
        }
        return reports;
    }

    private String query(String promql) throws Exception {
        URI uri = URI.create("http://127.0.0.1:" + port + "/api/v1/query?query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&time="
                + (System.currentTimeMillis() / 1000.0));
        return HTTP.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void reportsWrittenAgainWithNewOnesAreStoredOnceAndTheNewOnesAreNotLost() throws Exception {
        RemoteWritePowerReports output = new RemoteWritePowerReports(
                RemoteWriteSink.to(URI.create("http://127.0.0.1:" + port + "/api/v1/write")), "cpu-share");
        long start = System.currentTimeMillis() - 60_000;

        output.write(ticks(start, 0, 4));
        output.write(ticks(start, 2, 6));   // ticks 2 and 3 again (a successor's replay), then 4 and 5

        // Tick 2 is older than the newest stored (3): refused as out of order, skipped. Tick 3 is the newest itself,
        // with the same value: Prometheus takes it as a no-op duplicate.
        assertThat(output.repeatsSkipped()).isEqualTo(1);
        String count = query("count_over_time(" + RemoteWritePowerReports.METRIC + "{target=\"web\"}[5m])");
        assertThat(count).contains("\"value\":[").contains("\"6\"]");
        String last = query(RemoteWritePowerReports.METRIC + "{target=\"db\",sensor=\"node-1\",domain=\"package_0\","
                + "formula=\"cpu-share\"}");
        assertThat(last).contains("\"7\"]");   // tick 5: 5 + "db".length()
    }
}
