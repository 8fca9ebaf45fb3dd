package dev.ergometer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.testkit.FakePowercapTree;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServeCommandTest {

    @TempDir
    Path root;

    @Test
    void bindingBeyondLoopbackWithoutATokenIsRefusedWithTheFix() {
        FakePowercapTree.oneSocket(root.resolve("sys"));

        CliRun run = CliRun.of("serve", "--sysfs", root.resolve("sys").toString(), "--source", "powercap",
                "--bind", "0.0.0.0", "--port", "0");

        assertThat(run.exitCode()).isEqualTo(Erg.EXIT_ERG_FAILED);
        assertThat(run.err()).contains("HTTP_BIND=0.0.0.0", "API_TOKEN");
    }

    @Test
    void serveAnswersValidationsAndStopsCleanlyOnSigterm() throws Exception {
        FakePowercapTree.oneSocket(root.resolve("sys"));
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                Erg.class.getName(), "serve", "--sysfs", root.resolve("sys").toString(), "--source", "powercap",
                "--port", "0", "--database", "jdbc:h2:file:" + root.resolve("db/service"), "--cores",
                Integer.toString(Runtime.getRuntime().availableProcessors() - 1), "--worker-name", "cli-test");
        builder.environment().put("LOG_LEVEL", "WARN");
        Process serve = builder.start();
        try {
            BufferedReader err = new BufferedReader(new InputStreamReader(serve.getErrorStream(),
                    StandardCharsets.UTF_8));
            Pattern banner = Pattern.compile("API at (http://\\S+)/docs");
            StringBuilder seen = new StringBuilder();
            String line;
            String base = null;
            while (base == null && (line = err.readLine()) != null) {
                seen.append(line).append('\n');
                Matcher m = banner.matcher(line);
                if (m.find()) {
                    base = m.group(1);
                }
            }
            assertThat(base).as("the start-up line in:\n%s", seen).isNotNull();
            assertThat(seen).contains("powercap", "cli-test");
            HttpClient http = HttpClient.newHttpClient();
            HttpResponse<String> validation = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/validate"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"candidate_code\": \"def solve(x): return x\","
                            + " \"test_cases\": [{\"inputs\": 4, \"expected_output\": 4.0, \"test_id\": \"t\"}]}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(validation.statusCode()).isEqualTo(200);
            assertThat(validation.body()).contains("\"is_correct\":true");

            serve.destroy(); // SIGTERM

            assertThat(serve.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(serve.exitValue()).isZero();
        } finally {
            serve.destroyForcibly();
        }
    }
}
