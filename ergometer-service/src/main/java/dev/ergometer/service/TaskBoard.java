package dev.ergometer.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import org.jobrunr.jobs.states.StateName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tasks as the API sees them: submitting one (stored, then its job enqueued), describing one from its stored
 * state and its job's state, cancelling one, and putting back the job of any task that lost it (a crash between
 * storing and enqueueing). A task's job failing for good (its worker killed more often than retries allow) is
 * reported, and written down, as a failed task: no task is ever left queued or running without a job.
 */
final class TaskBoard {

    private static final Logger LOG = LoggerFactory.getLogger(TaskBoard.class);

    /** How long a task may wait for its job to be enqueued by the node that stored it before another node does. */
    static final long ORPHAN_GRACE_MILLIS = 30_000;

    private final TaskStore tasks;
    private final JobEngine jobs;
    private final TaskResponses responses;
    private final ObjectMapper json;
    private final Clock clock;

    TaskBoard(TaskStore tasks, JobEngine jobs, TaskResponses responses, ObjectMapper json, Clock clock) {
        this.tasks = tasks;
        this.jobs = jobs;
        this.responses = responses;
        this.json = json;
        this.clock = clock;
    }

    /** Stores a valid request as a queued task, enqueues its job, and returns the 202 body. */
    ObjectNode submit(byte[] body, MeasureRequest request) throws SQLException {
        TaskRecord task = new TaskRecord(UUID.randomUUID(), UUID.randomUUID(), TaskRecord.QUEUED, null, 0,
                clock.millis(), Optional.empty(), Optional.empty(), Optional.empty(), 0, false,
                request.estimatedCompletionSeconds(), new String(body, StandardCharsets.UTF_8), Optional.empty());
        tasks.insert(task);
        jobs.enqueue(task.taskId());
        LOG.info("task {}: queued ({} test cases, up to {} trials)", task.taskId(), request.testCases().size(),
                request.energyMeasurementTrials());
        return responses.queued(task);
    }

    /** The body of {@code GET /api/v1/tasks/{id}}, or empty for an unknown task. */
    Optional<ObjectNode> describe(UUID id) throws SQLException, IOException {
        Optional<TaskRecord> found = tasks.find(id);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        TaskRecord task = found.get();
        if (task.finished()) {
            return Optional.of((ObjectNode) json.readTree(task.resultJson().orElseThrow()));
        }
        Optional<JobEngine.JobStatus> job = jobs.status(id);
        if (job.isEmpty()) {
            if (task.cancelRequested()) {
                return Optional.of(settle(task, responses.failed(task, "cancelled", "the task was cancelled (DELETE)",
                        Optional.empty(), Optional.empty())));
            }
            return Optional.of(responses.queued(task)); // its job is put back by reconcile()
        }
        JobEngine.JobStatus status = job.get();
        return Optional.of(switch (status.state()) {
            case PROCESSING -> responses.running(task);
            case FAILED -> settle(task, jobFailed(task, status));
            case DELETED -> settle(task, responses.failed(task, "cancelled", "the task was cancelled (DELETE)",
                    Optional.empty(), Optional.empty()));
            case SUCCEEDED -> settle(task, responses.failed(task, "internal_error", "the job ended without"
                    + " recording a result", Optional.empty(), Optional.empty()));
            default -> {
                ObjectNode queued = responses.queued(task);
                if (status.failures() > 0) {
                    queued.put("retry", status.failures());
                    status.lastFailure().ifPresent(f -> queued.put("last_failure", describe(f)));
                }
                yield queued;
            }
        });
    }

    /**
     * {@code DELETE /api/v1/tasks/{id}}: cancels an unfinished task, forgets a finished one.
     *
     * @return false for an unknown task
     */
    boolean cancel(UUID id) throws SQLException {
        Optional<TaskRecord> found = tasks.find(id);
        if (found.isEmpty()) {
            return false;
        }
        TaskRecord task = found.get();
        if (task.finished()) {
            tasks.delete(id);
            jobs.delete(id);
            LOG.info("task {}: result removed", id);
            return true;
        }
        tasks.requestCancel(id);
        Optional<JobEngine.JobStatus> job = jobs.status(id);
        jobs.delete(id);
        if (job.isEmpty() || job.get().state() != StateName.PROCESSING) {
            tasks.finish(id, TaskRecord.FAILED, responses.failed(tasks.find(id).orElse(task), "cancelled",
                    "the task was cancelled (DELETE) before it ran", Optional.empty(), Optional.empty()).json(),
                    clock.millis());
        }
        LOG.info("task {}: cancelled", id);
        return true;
    }

    /** Enqueues again the job of every unfinished task that has none (older than the grace period); returns how many. */
    int reconcile() throws SQLException {
        int restored = 0;
        for (UUID id : tasks.unfinishedBefore(clock.millis() - ORPHAN_GRACE_MILLIS)) {
            if (!jobs.exists(id) && jobs.enqueue(id)) {
                LOG.warn("task {}: had no job (a node stopped between storing and enqueueing it); enqueued", id);
                restored++;
            }
        }
        return restored;
    }

    private TaskResponses.Finished jobFailed(TaskRecord task, JobEngine.JobStatus status) {
        JobEngine.Failure failure = status.lastFailure().orElse(new JobEngine.Failure(false, "unknown",
                "no failure recorded"));
        String attempts = status.failures() + " attempt" + (status.failures() == 1 ? "" : "s");
        if (failure.workerLost()) {
            return responses.failed(task, "worker_lost", "the worker measuring this task stopped (killed, crashed"
                    + " or cut off from the database) in each of " + attempts + "; the job was given up after"
                    + " JOB_RETRIES=" + jobs.retries() + " retries", Optional.empty(), Optional.empty());
        }
        return responses.failed(task, "worker_error", "the worker could not measure this task (" + attempts + "): "
                + describe(failure), Optional.empty(), Optional.empty());
    }

    private static String describe(JobEngine.Failure failure) {
        String type = failure.exceptionType();
        return type.substring(type.lastIndexOf('.') + 1) + ": " + failure.message();
    }

    /** Writes down a failure found in the job's state, so that later reads agree whatever the job becomes. */
    private ObjectNode settle(TaskRecord task, TaskResponses.Finished finished) {
        try {
            if (!tasks.finish(task.taskId(), finished.status(), finished.json(), clock.millis())) {
                Optional<TaskRecord> now = tasks.find(task.taskId());
                if (now.isPresent() && now.get().resultJson().isPresent()) {
                    return (ObjectNode) json.readTree(now.get().resultJson().get());
                }
            }
            return (ObjectNode) json.readTree(finished.json());
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot record the end of task " + task.taskId() + ": " + e.getMessage(),
                    e);
        }
    }

    /** How many tasks are in each state. */
    java.util.Map<String, Integer> counts() throws SQLException {
        return tasks.countsByStatus();
    }
}
