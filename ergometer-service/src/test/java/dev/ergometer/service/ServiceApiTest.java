package dev.ergometer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.concurrent.CopyOnWriteArrayList;
import com.fasterxml.jackson.databind.JsonNode;
import dev.ergometer.ErgometerVersion;
import dev.ergometer.meter.Sleeper;
import dev.ergometer.service.sandbox.Sandbox;
import dev.ergometer.service.sandbox.SandboxResult;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.powercap.PowercapSource;
import dev.ergometer.testkit.FakePowercapTree;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The service end to end in this JVM: the real HTTP API, JobRunr on an H2 file, the measurement on a fake powercap
 * tree, and a sandbox double that runs nothing (each pass over the test cases adds exactly 0.5 J to the package
 * counter and takes 30 ms, so that a trial runs four).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ServiceApiTest {

    static final String TOKEN = "tok-0123456789abcdef-SECRET";
    static final String CODE_MARKER = "SECRET_CODE_MARKER_7731";

    @TempDir
    static Path root;

    private CounterFile packageCounter;
    private EnergySource source;
    private MeasurementService service;
    private ApiClient api;
    private final List<String> logLines = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> logs = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            logLines.add(event.getFormattedMessage()
                    + (event.getThrowableProxy() == null ? "" : " " + event.getThrowableProxy().getMessage()));
        }
    };
    private int core;

    static String measureBody(String code, int trials) {
        return "{\"candidate_code\": " + quote(code) + ", \"test_cases\": ["
                + "{\"inputs\": [1, 2], \"expected_output\": 3, \"test_id\": \"t1\"},"
                + "{\"inputs\": {\"a\": 2, \"b\": 5}, \"expected_output\": 7.0, \"test_id\": \"t2\"}],"
                + " \"energy_measurement_trials\": " + trials + ", \"warmup_trials\": 1, \"thermal_wait_seconds\": 0,"
                + " \"candidate_id\": \"cand-1\", \"problem_name\": \"add\"}";
    }

    static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    /** a + b over positional or named inputs. */
    static Object add(Object inputs) {
        if (inputs instanceof Map<?, ?> named) {
            return ((Number) named.get("a")).intValue() + ((Number) named.get("b")).intValue();
        }
        return ((List<?>) inputs).stream().mapToInt(x -> ((Number) x).intValue()).sum();
    }

    @BeforeAll
    void start() throws Exception {
        Logger rootLogger = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        logs.start();
        rootLogger.addAppender(logs);
        FakePowercapTree tree = FakePowercapTree.in(root.resolve("sys"))
                .zone("intel-rapl:0", "package-0", FakePowercapTree.TYPICAL_RANGE_MICROJOULES);
        packageCounter = new CounterFile(tree.energyFile("intel-rapl:0"));
        SystemPaths paths = new SystemPaths(root.resolve("sys"), root.resolve("proc"), root.resolve("dev"));
        source = PowercapSource.FACTORY.open(paths, dev.ergometer.sampler.Ticker.system());
        ScriptedSandbox scripted = ScriptedSandbox.passes(ServiceApiTest::add, (trial, pass) -> {
            packageCounter.add(500_000);
            sleep(30);
        }, Duration.ofMillis(30));
        ScriptedSandbox slow = ScriptedSandbox.answering(ServiceApiTest::add, trial -> {
            packageCounter.add(500_000);
            sleep(400);
        });
        Sandbox sandbox = (request, listener) -> request.code().contains("import os")
                ? new SandboxResult(SandboxResult.Outcome.FAILED, "SECURITY", "os.system is not allowed here",
                        List.of(), 0, Duration.ZERO)
                : request.code().startsWith("# slow") ? slow.run(request, listener) : scripted.run(request, listener);
        core = CpuAffinity.of(0).length() - 1;
        Map<String, String> env = new HashMap<>();
        env.put("HTTP_PORT", "0");
        env.put("API_TOKEN", TOKEN);
        env.put("DATA_DIR", root.resolve("data").toString());
        env.put("MEASUREMENT_CORES", Integer.toString(core));
        env.put("IDLE_WINDOW_S", "0.3");
        env.put("WORKER_NAME", "bench-1");
        env.put("MAX_REQUEST_BYTES", "65536");
        ServiceConfig config = ServiceConfig.from(Map.of(), env);
        service = MeasurementService.start(config, source, paths, sandbox, Clock.systemUTC(), Sleeper.system());
        api = new ApiClient(service.port(), TOKEN);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @AfterAll
    void stop() {
        if (service != null) {
            service.close();
        }
        source.close();
        ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).detachAppender(logs);
    }

    @Test
    void aMeasurementIsQueuedThenCompletesWithJouleTracesFields() throws Exception {
        ApiClient.Response queued = api.post("/api/v1/measure", measureBody("def solve(a, b):\n    return a + b", 3));

        assertThat(queued.status()).isEqualTo(202);
        JsonNode ack = queued.json();
        assertThat(ack.path("status").asText()).isEqualTo("queued");
        assertThat(ack.path("request_id").asText()).hasSize(36);
        assertThat(ack.path("estimated_completion_seconds").asInt()).isEqualTo(30 + (int) ((1 + 3) * 2 * 30 * 0.1));
        String taskId = ack.path("task_id").asText();
        assertThat(ack.path("poll_url").asText()).isEqualTo("/api/v1/tasks/" + taskId);

        JsonNode done = api.awaitFinished(taskId, Duration.ofSeconds(60));

        assertThat(done.path("status").asText()).as(done.toString()).isEqualTo("completed");
        assertThat(done.path("candidate_id").asText()).isEqualTo("cand-1");
        assertThat(done.path("problem_name").asText()).isEqualTo("add");
        JsonNode validation = done.path("validation");
        assertThat(validation.path("is_correct").asBoolean()).isTrue();
        assertThat(validation.path("passed_tests").asInt()).isEqualTo(2);
        assertThat(validation.path("pass_rate").asDouble()).isEqualTo(100.0);
        JsonNode metrics = done.path("energy_metrics");
        assertThat(metrics.path("median_total_energy_joules").asDouble()).isCloseTo(0.5, within(1e-6));
        assertThat(metrics.path("median_package_energy_joules").asDouble()).isCloseTo(0.5, within(1e-6));
        assertThat(metrics.path("median_ram_energy_joules").asDouble()).isZero();
        assertThat(metrics.path("energy_per_test_case_joules").asDouble()).isCloseTo(0.25, within(1e-6));
        assertThat(metrics.path("trials_run").asInt()).isEqualTo(3);
        assertThat(metrics.path("confidence_level").asText()).isEqualTo("high");
        assertThat(metrics.path("repetitions_per_trial").asInt()).as("1.2 x 0.1 s of 30 ms passes").isEqualTo(4);
        assertThat(metrics.path("resolution_warning").isNull()).isTrue();
        assertThat(metrics.path("net_energy_within_noise").asBoolean()).isFalse();
        assertThat(metrics.path("power_consumption_watts").asDouble()).isPositive();
        JsonNode environment = done.path("measurement_environment");
        assertThat(environment.path("meter_type").asText()).isEqualTo("powercap");
        assertThat(environment.path("estimated").asBoolean()).isFalse();
        assertThat(environment.path("measurement_core").asInt()).isEqualTo(core);
        assertThat(environment.path("worker").asText()).isEqualTo("bench-1");
        assertThat(environment.path("idle_power_watts").asDouble()).isZero();
        assertThat(environment.has("idle_calibrated_at")).isTrue();
        assertThat(environment.path("idle_calibration_age_seconds").asDouble()).isGreaterThanOrEqualTo(0);
        assertThat(environment.has("cpu_model")).isTrue();
        assertThat(environment.has("frequency_governor")).isTrue();
    }

    @Test
    void aRunningTaskShowsItsStageProgressAndElapsedTime() throws Exception {
        String taskId = api.post("/api/v1/measure", measureBody("def solve(a, b):\n    return a + b", 20)
                .replace("\"thermal_wait_seconds\": 0", "\"thermal_wait_seconds\": 0, \"warmup_trials\": 10"))
                .json().path("task_id").asText();

        JsonNode running = api.pollTask(taskId, body -> body.path("status").asText().equals("running")
                && body.path("progress").asDouble() > 0, Duration.ofSeconds(60));

        assertThat(running.path("stage").asText()).isNotEmpty();
        assertThat(running.path("progress").asDouble()).isBetween(0.0, 1.0);
        assertThat(running.has("elapsed_seconds")).isTrue();
        api.awaitFinished(taskId, Duration.ofSeconds(60));
    }

    @Test
    void wrongOutputsFailTheTaskAsAnIncorrectSolution() throws Exception {
        String body = measureBody("def solve(a, b):\n    return a - b", 3).replace("\"expected_output\": 3",
                "\"expected_output\": 4");
        String taskId = api.post("/api/v1/measure", body).json().path("task_id").asText();

        JsonNode done = api.awaitFinished(taskId, Duration.ofSeconds(60));

        assertThat(done.path("status").asText()).isEqualTo("failed");
        assertThat(done.path("error_type").asText()).isEqualTo("incorrect_solution");
        assertThat(done.path("error_message").asText()).contains("Failed 1/2 tests");
        assertThat(done.path("validation").path("failed_tests").get(0).path("test_id").asText()).isEqualTo("t1");
        assertThat(done.has("energy_metrics")).isFalse();
    }

    @Test
    void aHostileSubmissionFailsClearlyAndTheServiceKeepsServing() throws Exception {
        String hostile = api.post("/api/v1/measure", measureBody("import os\nos.system('rm -rf /')\n", 3))
                .json().path("task_id").asText();

        JsonNode failed = api.awaitFinished(hostile, Duration.ofSeconds(60));

        assertThat(failed.path("status").asText()).isEqualTo("failed");
        assertThat(failed.path("error_type").asText()).isEqualTo("security_violation");
        assertThat(failed.path("error_message").asText()).contains("os.system is not allowed");
        String next = api.post("/api/v1/measure", measureBody("def solve(a, b):\n    return a + b", 3))
                .json().path("task_id").asText();
        assertThat(api.awaitFinished(next, Duration.ofSeconds(60)).path("status").asText()).isEqualTo("completed");
        assertThat(api.get("/ping").status()).isEqualTo(200);
    }

    @Test
    void outOfRangeFieldsGetA422NamingEachOne() throws Exception {
        ApiClient.Response response = api.post("/api/v1/measure", "{\"candidate_code\": \"x\", \"test_cases\": [],"
                + " \"energy_measurement_trials\": 21, \"memory_limit_mb\": 32, \"timeout_seconds\": 0}");

        assertThat(response.status()).isEqualTo(422);
        assertThat(response.json().path("error").asText()).isEqualTo("validation_error");
        assertThat(response.json().path("field_errors").findValuesAsText("field")).containsExactlyInAnyOrder(
                "body -> test_cases", "body -> energy_measurement_trials", "body -> memory_limit_mb",
                "body -> timeout_seconds");
        assertThat(response.json().path("message").asText()).isEqualTo("Request validation failed with 4 errors");
    }

    @Test
    void validateAnswersAtOnceWithTheGatesVerdict() throws Exception {
        String body = "{\"candidate_code\": \"def solve(a, b): return a + b\", \"test_cases\": ["
                + "{\"inputs\": [1, 2], \"expected_output\": 3, \"test_id\": \"ok\"},"
                + "{\"inputs\": [1, 1], \"expected_output\": 3, \"test_id\": \"wrong\"}]}";

        ApiClient.Response response = api.post("/api/v1/validate", body);

        assertThat(response.status()).isEqualTo(200);
        JsonNode validation = response.json().path("validation");
        assertThat(validation.path("is_correct").asBoolean()).isFalse();
        assertThat(validation.path("passed_tests").asInt()).isEqualTo(1);
        assertThat(validation.path("total_tests").asInt()).isEqualTo(2);
        assertThat(validation.path("pass_rate").asDouble()).isEqualTo(50.0);
        assertThat(validation.path("error_summary").asText()).isEqualTo("Failed 1/2 tests");
        assertThat(response.json().has("processing_time_seconds")).isTrue();
    }

    @Test
    void cancellingAQueuedTaskFailsItAsCancelledAndUnknownTasksAre404() throws Exception {
        String taskId = api.post("/api/v1/measure", measureBody("def solve(a, b):\n    return a + b", 20))
                .json().path("task_id").asText();

        assertThat(api.delete("/api/v1/tasks/" + taskId).status()).isEqualTo(204);
        JsonNode done = api.awaitFinished(taskId, Duration.ofSeconds(60));

        assertThat(done.path("status").asText()).isEqualTo("failed");
        assertThat(done.path("error_type").asText()).isEqualTo("cancelled");
        assertThat(api.get("/api/v1/tasks/00000000-0000-0000-0000-000000000000").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/tasks/not-a-uuid").status()).isEqualTo(404);
        assertThat(api.delete("/api/v1/tasks/00000000-0000-0000-0000-000000000000").status()).isEqualTo(404);
        assertThat(api.delete("/api/v1/tasks/" + taskId).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/tasks/" + taskId).status()).isEqualTo(404);
    }

    @Test
    void cancellingARunningTaskStopsItAtTheNextTrialAndTheWorkerGoesOn() throws Exception {
        String taskId = api.post("/api/v1/measure", measureBody("# slow\ndef solve(a, b):\n    return a + b", 20))
                .json().path("task_id").asText();
        api.pollTask(taskId, body -> body.path("stage").asText().equals("measuring"), Duration.ofSeconds(60));

        assertThat(api.delete("/api/v1/tasks/" + taskId).status()).isEqualTo(204);
        JsonNode done = api.awaitFinished(taskId, Duration.ofSeconds(30));

        assertThat(done.path("status").asText()).isEqualTo("failed");
        assertThat(done.path("error_type").asText()).isEqualTo("cancelled");
        String next = api.post("/api/v1/measure", measureBody("def solve(a, b):\n    return a + b", 3))
                .json().path("task_id").asText();
        assertThat(api.awaitFinished(next, Duration.ofSeconds(60)).path("status").asText()).isEqualTo("completed");
    }

    @Test
    void withoutTheTokenTheApiAnswers401ButPingHealthAndDocsStayOpen() throws Exception {
        ApiClient anonymous = new ApiClient(service.port(), null);
        ApiClient wrong = new ApiClient(service.port(), "not-the-token-0123456789");

        ApiClient.Response refused = anonymous.post("/api/v1/measure", measureBody("x", 3));
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.raw().headers().firstValue("WWW-Authenticate")).contains("Bearer");
        assertThat(wrong.get("/api/v1/tasks/00000000-0000-0000-0000-000000000000").status()).isEqualTo(401);
        assertThat(anonymous.post("/api/v1/validate", "{}").status()).isEqualTo(401);
        assertThat(anonymous.get("/ping").json().path("status").asText()).isEqualTo("ok");
        assertThat(anonymous.get("/api/v1/health").status()).isEqualTo(200);
        assertThat(anonymous.get("/docs").body()).contains("energy_measurement_trials", "/api/v1/measure");
        assertThat(anonymous.get("/openapi.json").json().path("paths").has("/api/v1/tasks/{task_id}")).isTrue();
    }

    @Test
    void theOpenApiDocumentCarriesTheEnforcedDefaultsAndLimits() throws Exception {
        JsonNode properties = api.get("/openapi.json").json().at("/paths/~1api~1v1~1measure/post/requestBody"
                + "/content/application~1json/schema/properties");

        assertThat(properties.at("/energy_measurement_trials/default").asInt()).isEqualTo(5);
        assertThat(properties.at("/energy_measurement_trials/maximum").asInt()).isEqualTo(20);
        assertThat(properties.at("/warmup_trials/maximum").asInt()).isEqualTo(10);
        assertThat(properties.at("/timeout_seconds/maximum").asInt()).isEqualTo(300);
        assertThat(properties.at("/memory_limit_mb/minimum").asInt()).isEqualTo(64);
        assertThat(properties.at("/test_cases/items/required").toString()).contains("test_id");
    }

    @Test
    void aBodyOverTheLimitGets413() throws Exception {
        String big = measureBody("#" + "x".repeat(70_000), 3);

        ApiClient.Response response = api.post("/api/v1/measure", big);

        assertThat(response.status()).isEqualTo(413);
        assertThat(api.get("/ping").status()).isEqualTo(200);
    }

    @Test
    void healthNamesTheSourceTheDatabaseAndTheWorkers() throws Exception {
        JsonNode health = api.get("/api/v1/health").json();

        assertThat(health.path("energy_meter_type").asText()).isEqualTo("powercap");
        assertThat(health.path("version").asText()).isEqualTo(ErgometerVersion.current()).startsWith("0.");
        assertThat(health.path("database").asText()).isEqualTo("h2");
        assertThat(health.path("database_connected").asBoolean()).isTrue();
        assertThat(health.path("measurement_cores").get(0).asInt()).isEqualTo(core);
        assertThat(health.path("workers").toString()).contains("bench-1");
        assertThat(health.path("status").asText()).isEqualTo("healthy");
    }

    @Test
    void neitherTheTokenNorSubmittedCodeReachesTheLogs() throws Exception {
        String taskId = api.post("/api/v1/measure", measureBody("def solve(a, b):\n    # " + CODE_MARKER
                + "\n    return a + b", 3)).json().path("task_id").asText();
        api.post("/api/v1/validate", "{\"candidate_code\": \"" + CODE_MARKER + "\", \"test_cases\": 5}");
        api.post("/api/v1/measure", "{\"candidate_code\": \"" + CODE_MARKER + " broken json");
        api.awaitFinished(taskId, Duration.ofSeconds(60));

        List<String> lines = List.copyOf(logLines);
        assertThat(lines).isNotEmpty();
        assertThat(lines).noneMatch(line -> line.contains(TOKEN) || line.contains(CODE_MARKER));
        assertThat(lines).anyMatch(line -> line.contains(taskId));
    }

    @Test
    void bindingBeyondLoopbackWithoutATokenIsRefused() {
        assertThatThrownBy(() -> ServiceConfig.from(Map.of("HTTP_BIND", "0.0.0.0"),
                Map.of("MEASUREMENT_CORES", "0")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("API_TOKEN");
        assertThatThrownBy(() -> ServiceConfig.from(Map.of(), Map.of("API_TOKEN", "short")))
                .hasMessageContaining("at least 16");
    }
}
