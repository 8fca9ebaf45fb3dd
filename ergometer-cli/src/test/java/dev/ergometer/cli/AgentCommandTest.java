package dev.ergometer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.ergometer.testkit.FakePowercapTree;
import dev.ergometer.testkit.PowerCurve;
import dev.ergometer.testkit.SyntheticCounter;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentCommandTest {

    @TempDir
    Path root;

    private SyntheticCounter counter;
    private HttpServer receiver;
    private final AtomicInteger pushes = new AtomicInteger();

    @BeforeEach
    void tenWattPackageAndReceiver() throws Exception {
        FakePowercapTree tree = FakePowercapTree.in(root.resolve("sys"))
                .zone("intel-rapl:0", "package-0", FakePowercapTree.TYPICAL_RANGE_MICROJOULES);
        counter = SyntheticCounter.start(tree.energyFile("intel-rapl:0"), PowerCurve.constant(10),
                FakePowercapTree.TYPICAL_RANGE_MICROJOULES, 1_000_000L);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/api/v1/write", exchange -> {
            exchange.getRequestBody().readAllBytes();
            pushes.incrementAndGet();
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        receiver.stop(0);
        counter.close();
    }

    @Test
    void sigtermFlushesTheRemoteWriteQueueAndExitsZero() throws Exception {
        Path config = root.resolve("agent.properties");
        Files.writeString(config, "HTTP_PORT=0\nATTRIBUTION=false\nSCRAPE_INTERVAL_S=0.05\nPUSH_INTERVAL_S=3600\n"
                + "LOG_LEVEL=WARN\nAGENT_SOCKET=off\n");
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Erg.class.getName(), "agent", "--sysfs", root.resolve("sys").toString(), "--source", "powercap",
                "--config", config.toString());
        builder.environment().put("REMOTE_WRITE_URL",
                "http://127.0.0.1:" + receiver.getAddress().getPort() + "/api/v1/write");
        Process agent = builder.start();
        try {
            BufferedReader err = new BufferedReader(new InputStreamReader(agent.getErrorStream(),
                    StandardCharsets.UTF_8));
            Pattern banner = Pattern.compile("metrics at (http://\\S+/metrics)");
            StringBuilder seen = new StringBuilder();
            String line;
            String url = null;
            while (url == null && (line = err.readLine()) != null) {
                seen.append(line).append('\n');
                Matcher m = banner.matcher(line);
                if (m.find()) {
                    url = m.group(1);
                }
            }
            assertThat(url).as("the agent's start-up line in:\n%s", seen).isNotNull();
            Thread.sleep(300);
            HttpResponse<String> metrics = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(metrics.body()).contains("ergometer_energy_joules_total{domain=\"package_0\",estimated=\"false\",socket=\"0\"}");
            assertThat(pushes.get()).as("nothing pushed before the hour is up").isZero();

            agent.destroy();   // SIGTERM

            assertThat(agent.waitFor(15, TimeUnit.SECONDS)).isTrue();
            assertThat(agent.exitValue()).isZero();
            assertThat(pushes.get()).as("the pending batch is flushed on SIGTERM").isEqualTo(1);
        } finally {
            agent.destroyForcibly();
        }
    }
}
