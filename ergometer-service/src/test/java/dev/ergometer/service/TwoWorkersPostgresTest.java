package dev.ergometer.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two worker processes sharing one PostgreSQL server (Debian's postgres 15, started here on loopback): both take
 * jobs, and no job runs twice.
 */
class TwoWorkersPostgresTest {

    private static final int JOBS = 10;

    @TempDir
    Path root;

    private Map<String, String> settings(String url, String worker, String port) {
        Map<String, String> settings = new HashMap<>();
        settings.put("HTTP_PORT", port);
        settings.put("DATABASE_URL", url);
        settings.put("MEASUREMENT_CORES", Integer.toString(Runtime.getRuntime().availableProcessors() - 1));
        settings.put("WORKER_NAME", worker);
        settings.put("IDLE_WINDOW_S", "0.2");
        return settings;
    }

    @Test
    void bothWorkersTakeJobsAndNoJobRunsTwice() throws Exception {
        Path runs = root.resolve("runs.log");
        try (PostgresServer postgres = PostgresServer.start();
                ChildService alpha = ChildService.start(settings(postgres.url(), "alpha", "0"),
                        root.resolve("a/sys"), 400, runs);
                ChildService beta = ChildService.start(settings(postgres.url(), "beta", "off"),
                        root.resolve("b/sys"), 400, runs)) {
            ApiClient api = new ApiClient(alpha.port(), null);
            assertThat(beta.port()).as(beta.output()).isEqualTo(-1);
            List<String> tasks = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                String body = ServiceApiTest.measureBody("# job-" + i + "\ndef solve(a, b):\n    return a + b", 3);
                ApiClient.Response response = api.post("/api/v1/measure", body);
                assertThat(response.status()).as(response.body()).isEqualTo(202);
                tasks.add(response.json().path("task_id").asText());
            }

            List<JsonNode> results = new ArrayList<>();
            for (String task : tasks) {
                results.add(api.awaitFinished(task, Duration.ofSeconds(180)));
            }

            assertThat(results).allSatisfy(r -> {
                assertThat(r.path("status").asText()).as(r.toString()).isEqualTo("completed");
                assertThat(r.path("runs").asInt()).isEqualTo(1);
            });
            Set<String> workers = new HashSet<>();
            results.forEach(r -> workers.add(r.path("measurement_environment").path("worker").asText()));
            assertThat(workers).as(alpha.output() + "\n" + beta.output()).containsExactlyInAnyOrder("alpha", "beta");
            JsonNode health = api.get("/api/v1/health").json();
            assertThat(health.path("database").asText()).isEqualTo("postgresql");
            assertThat(health.path("workers").toString()).contains("alpha", "beta");
        }
        Map<String, Long> runsPerJob = Files.readAllLines(runs).stream()
                .collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertThat(runsPerJob).hasSize(JOBS).allSatisfy((job, count) -> assertThat(count).as(job).isEqualTo(1L));
    }
}
