package dev.ergometer.service;

import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.jobrunr.jobs.lambdas.JobRequestHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one task's measurement when JobRunr hands its job to this worker. A task that has already finished is never
 * run again (JobRunr retries a job whose worker died; the guarded start in {@link TaskStore} makes that safe).
 * Faults of the submission end the task as failed; faults of the worker (the sandbox or the database broke) are
 * thrown, so that JobRunr retries the job and, retries spent, the task is reported failed.
 */
public final class MeasurementJobHandler implements JobRequestHandler<MeasurementJobRequest> {

    private static final Logger LOG = LoggerFactory.getLogger(MeasurementJobHandler.class);

    private final TaskStore tasks;
    private final MeasurementStation station;
    private final RequestSchema schema;
    private final TaskResponses responses;
    private final String worker;
    private final Clock clock;

    MeasurementJobHandler(TaskStore tasks, MeasurementStation station, RequestSchema schema, TaskResponses responses,
            String worker, Clock clock) {
        this.tasks = tasks;
        this.station = station;
        this.schema = schema;
        this.responses = responses;
        this.worker = worker;
        this.clock = clock;
    }

    @Override
    public void run(MeasurementJobRequest job) throws Exception {
        UUID id = UUID.fromString(job.getTaskId());
        if (!tasks.start(id, worker, clock.millis())) {
            LOG.info("task {}: already finished or removed, not run again", id);
            return;
        }
        TaskRecord task = tasks.find(id).orElseThrow(() -> new IllegalStateException("task " + id + " vanished"));
        LOG.info("task {}: measuring on {} (run {})", id, worker, task.runs());
        if (task.cancelRequested()) {
            finish(task, responses.failed(task, "cancelled", "the task was cancelled (DELETE) before it ran",
                    Optional.empty(), Optional.empty()));
            return;
        }
        RequestSchema.Parsed parsed = schema.measure(task.requestJson().getBytes(
                java.nio.charset.StandardCharsets.UTF_8));
        if (!(parsed instanceof RequestSchema.Parsed.Valid valid)) {
            finish(task, responses.failed(task, "validation_error", "the stored request no longer passes the"
                    + " request schema: " + ((RequestSchema.Parsed.Invalid) parsed).errors(), Optional.empty(),
                    Optional.empty()));
            return;
        }
        MeasurementStation.Result result;
        try {
            result = station.measure(valid.request(), (stage, progress) -> progress(id, stage, progress),
                    () -> cancelRequested(id));
        } catch (InterruptedException e) {
            if (cancelRequested(id)) {
                finish(task, responses.failed(task, "cancelled", "the task was cancelled (DELETE) while it waited"
                        + " or ran", Optional.empty(), Optional.empty()));
                return;
            }
            throw e;
        }
        finish(task, responses.finished(task, valid.request(), result));
    }

    private void finish(TaskRecord task, TaskResponses.Finished finished) throws SQLException {
        if (tasks.finish(task.taskId(), finished.status(), finished.json(), clock.millis())) {
            LOG.info("task {}: {}{}", task.taskId(), finished.status(),
                    finished.errorType().map(t -> " (" + t + ")").orElse(""));
        }
    }

    private void progress(UUID id, String stage, double progress) {
        try {
            tasks.progress(id, stage, progress);
        } catch (SQLException e) {
            LOG.warn("task {}: progress not recorded: {}", id, e.getMessage());
        }
    }

    private boolean cancelRequested(UUID id) {
        try {
            return tasks.cancelRequested(id);
        } catch (SQLException e) {
            LOG.warn("task {}: cannot read whether it was cancelled: {}", id, e.getMessage());
            return false;
        }
    }
}
