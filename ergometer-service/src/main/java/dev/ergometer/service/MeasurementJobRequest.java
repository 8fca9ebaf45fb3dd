package dev.ergometer.service;

import org.jobrunr.jobs.lambdas.JobRequest;
import org.jobrunr.jobs.lambdas.JobRequestHandler;

/**
 * The JobRunr job of one task: only the task's id, so that the submitted code stays in the service's own table and
 * never in JobRunr's job history or logs. Public with a no-argument constructor, as JobRunr needs.
 */
public final class MeasurementJobRequest implements JobRequest {

    private String taskId;

    /** For JobRunr's JSON mapper. */
    public MeasurementJobRequest() {
    }

    public MeasurementJobRequest(String taskId) {
        this.taskId = taskId;
    }

    public String getTaskId() {
        return taskId;
    }

    @Override
    public Class<MeasurementJobHandler> getJobRequestHandler() {
        return MeasurementJobHandler.class;
    }
}
