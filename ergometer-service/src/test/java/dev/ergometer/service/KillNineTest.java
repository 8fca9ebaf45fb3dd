package dev.ergometer.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of the service in the middle of a measurement, then a restart on the same H2 file: the job is found again
 * (JobRunr takes the silent server's job for an orphan) and either completes or is reported failed; never lost.
 */
class KillNineTest {

    @TempDir
    Path root;

    private Map<String, String> settings(String worker, int retries) {
        return Map.of("HTTP_PORT", "0", "DATABASE_URL", "jdbc:h2:file:" + root.resolve("db/service"),
                "MEASUREMENT_CORES", Integer.toString(Runtime.getRuntime().availableProcessors() - 1),
                "WORKER_NAME", worker, "IDLE_WINDOW_S", "0.2", "JOB_RETRIES", Integer.toString(retries),
                "POLL_INTERVAL_S", "5");
    }

    private String submitAndKillMidMeasurement(int retries) throws Exception {
        String taskId;
        try (ChildService first = ChildService.start(settings("first", retries), root.resolve("sys1/sys"), 1500,
                root.resolve("runs.log"))) {
            ApiClient api = new ApiClient(first.port(), null);
            String body = ServiceApiTest.measureBody("# task-killed\ndef solve(a, b):\n    return a + b", 5)
                    .replace("\"warmup_trials\": 1", "\"warmup_trials\": 0");
            taskId = api.post("/api/v1/measure", body).json().path("task_id").asText();
            api.pollTask(taskId, t -> t.path("stage").asText().equals("measuring")
                    && t.path("progress").asDouble() > Measurement.MEASURING_PROGRESS, Duration.ofSeconds(60));
            first.kill9();
        }
        return taskId;
    }

    @Test
    void aJobKilledMidMeasurementCompletesAfterARestart() throws Exception {
        String taskId = submitAndKillMidMeasurement(2);

        try (ChildService second = ChildService.start(settings("second", 2), root.resolve("sys2/sys"), 100,
                root.resolve("runs.log"))) {
            ApiClient api = new ApiClient(second.port(), null);
            JsonNode done = api.awaitFinished(taskId, Duration.ofSeconds(150));

            assertThat(done.path("status").asText()).as(done + "\n" + second.output()).isEqualTo("completed");
            assertThat(done.path("runs").asInt()).isEqualTo(2);
            assertThat(done.path("measurement_environment").path("worker").asText()).isEqualTo("second");
            assertThat(done.path("energy_metrics").path("median_total_energy_joules").asDouble()).isEqualTo(0.5);
        }
        assertThat(Files.readAllLines(root.resolve("runs.log"))).containsExactly("# task-killed", "# task-killed");
    }

    @Test
    void withoutRetriesTheKilledJobIsReportedFailedAfterARestart() throws Exception {
        String taskId = submitAndKillMidMeasurement(0);

        try (ChildService second = ChildService.start(settings("second", 0), root.resolve("sys2/sys"), 100,
                root.resolve("runs.log"))) {
            ApiClient api = new ApiClient(second.port(), null);
            JsonNode done = api.awaitFinished(taskId, Duration.ofSeconds(150));

            assertThat(done.path("status").asText()).isEqualTo("failed");
            assertThat(done.path("error_type").asText()).isEqualTo("worker_lost");
            assertThat(done.path("error_message").asText()).contains("stopped (killed, crashed");
            assertThat(api.get("/api/v1/tasks/" + taskId).json()).isEqualTo(done);
        }
        assertThat(Files.readAllLines(root.resolve("runs.log"))).containsExactly("# task-killed");
    }
}
