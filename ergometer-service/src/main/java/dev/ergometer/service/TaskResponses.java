package dev.ergometer.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.Optional;

/**
 * The JSON bodies of a task as {@code GET /api/v1/tasks/{id}} returns them, with JouleTrace's field names: queued,
 * running (stage, progress, elapsed), completed (validation, energy metrics, measurement environment) and failed
 * (error type and message).
 */
final class TaskResponses {

    /**
     * A finished task's body and status.
     *
     * @param status {@code completed} or {@code failed}
     * @param json the response body, stored with the task
     * @param errorType the failure's type, for a failed task
     */
    record Finished(String status, String json, Optional<String> errorType) {
    }

    private final ObjectMapper json;
    private final Clock clock;

    TaskResponses(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    static String pollUrl(TaskRecord task) {
        return "/api/v1/tasks/" + task.taskId();
    }

    ObjectNode queued(TaskRecord task) {
        ObjectNode body = head(task, TaskRecord.QUEUED);
        body.put("estimated_completion_seconds", task.estimatedSeconds());
        body.put("poll_url", pollUrl(task));
        return body;
    }

    ObjectNode running(TaskRecord task) {
        ObjectNode body = head(task, TaskRecord.RUNNING);
        body.put("stage", task.stage() == null ? "initializing" : task.stage());
        body.put("progress", task.progress());
        long started = task.startedMillis().orElse(task.createdMillis());
        body.put("elapsed_seconds", Math.max(0, clock.millis() - started) / 1e3);
        task.worker().ifPresent(w -> body.put("worker", w));
        return body;
    }

    /** The body of a task that failed outside the measurement (its worker lost, retries spent, cancelled). */
    Finished failed(TaskRecord task, String errorType, String message, Optional<ValidationSummary> validation,
            Optional<MeasurementStation.Environment> environment) {
        ObjectNode body = head(task, TaskRecord.FAILED);
        echo(task, body);
        body.put("error_type", errorType);
        body.put("error_message", message);
        double now = clock.millis() / 1e3;
        body.put("failure_timestamp", now);
        validation.ifPresent(v -> body.set("validation", validation(v)));
        environment.ifPresent(e -> body.set("measurement_environment", environment(e)));
        task.startedMillis().ifPresent(s -> body.put("processing_time_seconds", Math.max(0, clock.millis() - s)
                / 1e3));
        return new Finished(TaskRecord.FAILED, body.toString(), Optional.of(errorType));
    }

    /** The body of a task whose measurement ended, completed or failed. */
    Finished finished(TaskRecord task, MeasureRequest request, MeasurementStation.Result result) {
        if (result.outcome() instanceof MeasurementOutcome.Failed failed) {
            return failed(task, failed.errorType(), failed.errorMessage(), failed.validation(),
                    result.environment());
        }
        MeasurementOutcome.Completed completed = (MeasurementOutcome.Completed) result.outcome();
        ObjectNode body = head(task, TaskRecord.COMPLETED);
        echo(task, body);
        body.set("validation", validation(completed.validation()));
        body.set("energy_metrics", metrics(completed));
        result.environment().ifPresent(e -> body.set("measurement_environment", environment(e)));
        long started = task.startedMillis().orElse(task.createdMillis());
        body.put("processing_time_seconds", Math.max(0, clock.millis() - started) / 1e3);
        body.put("measurement_timestamp", clock.millis() / 1e3);
        return new Finished(TaskRecord.COMPLETED, body.toString(), Optional.empty());
    }

    /** {@code POST /api/v1/validate}'s body. */
    ObjectNode validation(String requestId, ValidationSummary summary, double seconds) {
        ObjectNode body = json.createObjectNode();
        body.put("request_id", requestId);
        body.set("validation", validation(summary));
        body.put("processing_time_seconds", seconds);
        return body;
    }

    ObjectNode validation(ValidationSummary summary) {
        ObjectNode node = json.createObjectNode();
        node.put("is_correct", summary.isCorrect());
        node.put("passed_tests", summary.passedTests());
        node.put("total_tests", summary.totalTests());
        node.put("pass_rate", summary.passRate());
        if (summary.isCorrect()) {
            node.putNull("error_summary");
        } else {
            node.put("error_summary", summary.summary());
            ArrayNode failures = node.putArray("failed_tests");
            for (ValidationSummary.FailedTest failure : summary.failures()) {
                ObjectNode f = failures.addObject();
                f.put("test_id", failure.testId());
                f.set("expected_output", json.valueToTree(failure.expectedOutput()));
                f.set("actual_output", json.valueToTree(failure.actualOutput()));
                failure.errorMessage().ifPresent(m -> f.put("error_message", m));
            }
        }
        return node;
    }

    private ObjectNode metrics(MeasurementOutcome.Completed completed) {
        EnergyMetrics m = completed.metrics();
        ObjectNode node = json.createObjectNode();
        node.put("median_package_energy_joules", m.medianPackageJoules());
        node.put("median_ram_energy_joules", m.medianRamJoules());
        node.put("median_total_energy_joules", m.medianTotalJoules());
        node.put("median_execution_time_seconds", m.medianDurationSeconds());
        node.put("energy_per_test_case_joules", m.energyPerTestCaseJoules());
        node.put("power_consumption_watts", m.powerWatts());
        node.put("energy_efficiency_score", m.energyPerTestCaseJoules());
        node.put("median_raw_total_energy_joules", m.medianRawTotalJoules());
        node.put("coefficient_of_variation_percent", m.coefficientOfVariationPercent());
        node.put("confidence_level", m.confidence());
        node.put("repetitions_per_trial", m.passesPerTrial());
        node.put("minimum_trial_seconds", m.minimumTrialSeconds());
        node.put("net_energy_noise_joules", m.netNoiseJoules());
        node.put("net_energy_within_noise", m.netWithinNoise());
        node.put("resolution_warning", m.resolutionWarning().orElse(null));
        node.put("trials_run", m.trials().size());
        node.put("warmups_run", completed.warmups());
        node.put("early_stop", completed.earlyStop());
        ArrayNode energies = node.putArray("trial_energies_joules");
        ArrayNode times = node.putArray("trial_times_seconds");
        for (TrialEnergy trial : m.trials()) {
            energies.add(trial.totalJoules());
            times.add(trial.durationSeconds());
        }
        return node;
    }

    private ObjectNode environment(MeasurementStation.Environment e) {
        ObjectNode node = json.createObjectNode();
        node.put("meter_type", e.source());
        node.put("source_method", e.method());
        node.put("estimated", e.estimated());
        ArrayNode domains = node.putArray("domains");
        e.domains().forEach(domains::add);
        node.put("cpu_model", e.cpuModel().orElse(null));
        node.put("measurement_core", e.core());
        node.put("frequency_governor", e.governor().orElse(null));
        node.put("thermal_controlled", e.settle().settled());
        node.put("settle_wait_seconds", e.settle().waitedSeconds());
        node.put("idle_power_watts", e.idleWatts());
        ObjectNode byDomain = node.putObject("idle_power_by_domain_watts");
        for (int i = 0; i < e.idle().domains().size(); i++) {
            byDomain.put(e.idle().domains().get(i), e.idle().watts(i));
        }
        node.put("idle_calibrated_at", e.idle().measuredAt().toString());
        node.put("idle_calibration_age_seconds", e.idleAge().toMillis() / 1e3);
        node.put("idle_window_seconds", e.idle().window().toMillis() / 1e3);
        node.put("worker", e.worker());
        node.put("timestamp", e.measuredAt().toEpochMilli() / 1e3);
        ArrayNode warnings = node.putArray("warnings");
        e.warnings().forEach(warnings::add);
        return node;
    }

    private ObjectNode head(TaskRecord task, String status) {
        ObjectNode body = json.createObjectNode();
        body.put("task_id", task.taskId().toString());
        body.put("request_id", task.requestId().toString());
        body.put("status", status);
        return body;
    }

    private void echo(TaskRecord task, ObjectNode body) {
        try {
            var request = json.readTree(task.requestJson());
            body.set("candidate_id", request.path("candidate_id").isTextual() ? request.get("candidate_id")
                    : json.nullNode());
            body.set("problem_name", request.path("problem_name").isTextual() ? request.get("problem_name")
                    : json.nullNode());
        } catch (java.io.IOException e) {
            body.putNull("candidate_id");
            body.putNull("problem_name");
        }
        body.put("runs", task.runs());
    }
}
