package dev.ergometer.service;

import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * One submitted measurement as the service's database holds it: its state, the stage and progress of the run in
 * progress, who ran it and how many times a run began, the request, and once finished the response body.
 *
 * @param taskId the task's id, also its JobRunr job's id
 * @param requestId the request's id
 * @param status {@code queued}, {@code running}, {@code completed} or {@code failed}
 * @param stage what the running measurement is doing
 * @param progress from 0 to 1
 * @param createdMillis when it was submitted (epoch ms)
 * @param startedMillis when its last run began, if one did
 * @param finishedMillis when it finished, if it did
 * @param worker the worker that ran it last
 * @param runs how many runs began (more than one only after a worker was lost mid-run)
 * @param cancelRequested whether DELETE asked to stop it
 * @param estimatedSeconds JouleTrace's estimate of the time it takes
 * @param requestJson the request body (holds the submitted code: never logged)
 * @param resultJson the response body of a finished task
 */
public record TaskRecord(UUID taskId, UUID requestId, String status, String stage, double progress,
        long createdMillis, Optional<Long> startedMillis, Optional<Long> finishedMillis, Optional<String> worker,
        int runs, boolean cancelRequested, int estimatedSeconds, String requestJson, Optional<String> resultJson) {

    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String COMPLETED = "completed";
    public static final String FAILED = "failed";

    public TaskRecord {
        Objects.requireNonNull(taskId, "taskId");
        Objects.requireNonNull(requestId, "requestId");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(startedMillis, "startedMillis");
        Objects.requireNonNull(finishedMillis, "finishedMillis");
        Objects.requireNonNull(worker, "worker");
        Objects.requireNonNull(requestJson, "requestJson");
        Objects.requireNonNull(resultJson, "resultJson");
    }

    /** Whether it has completed or failed for good. */
    public boolean finished() {
        return COMPLETED.equals(status) || FAILED.equals(status);
    }

    @Override
    public String toString() {
        return "TaskRecord[" + taskId + ", " + status + (stage == null ? "" : ", " + stage) + ", runs " + runs + "]";
    }
}
