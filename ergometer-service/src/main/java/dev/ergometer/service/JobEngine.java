package dev.ergometer.service;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jobrunr.jobs.Job;
import org.jobrunr.jobs.exceptions.IllegalJobThreadStateException;
import org.jobrunr.jobs.mappers.JobMapper;
import org.jobrunr.jobs.states.FailedState;
import org.jobrunr.jobs.states.IllegalJobStateChangeException;
import org.jobrunr.jobs.states.StateName;
import org.jobrunr.scheduling.JobBuilder;
import org.jobrunr.scheduling.JobRequestScheduler;
import org.jobrunr.server.BackgroundJobServer;
import org.jobrunr.server.BackgroundJobServerConfiguration;
import org.jobrunr.server.JobActivator;
import org.jobrunr.storage.BackgroundJobServerStatus;
import org.jobrunr.storage.ConcurrentJobModificationException;
import org.jobrunr.storage.JobNotFoundException;
import org.jobrunr.storage.StorageProvider;
import org.jobrunr.storage.sql.h2.H2StorageProvider;
import org.jobrunr.storage.sql.postgres.PostgresStorageProvider;
import org.jobrunr.utils.mapper.jackson.JacksonJsonMapper;

/**
 * The job engine: JobRunr over the service's database. Every node enqueues and reads jobs; a worker node also runs a
 * background job server with one worker thread per measurement core, so a worker never measures two jobs on one
 * core. JobRunr hands each job to one server at a time (optimistic locking on the job's version), notices a server
 * that stopped sending heartbeats and fails its jobs as orphans, and retries a failed job a few times.
 */
final class JobEngine implements AutoCloseable {

    /**
     * A job's state as JobRunr has it.
     *
     * @param state ENQUEUED, SCHEDULED (waiting for a retry), PROCESSING, SUCCEEDED, FAILED, DELETED, ...
     * @param failures how many times it failed so far
     * @param lastFailure the last failure's type and message, when it failed
     */
    record JobStatus(StateName state, int failures, Optional<Failure> lastFailure) {
    }

    /**
     * Why a job failed.
     *
     * @param workerLost true when its server stopped sending heartbeats (killed, crashed, cut off)
     * @param exceptionType the exception's class
     * @param message its message
     */
    record Failure(boolean workerLost, String exceptionType, String message) {
    }

    private final StorageProvider storage;
    private final JobRequestScheduler scheduler;
    private final BackgroundJobServer server;
    private final int retries;

    private JobEngine(StorageProvider storage, JobRequestScheduler scheduler, BackgroundJobServer server,
            int retries) {
        this.storage = storage;
        this.scheduler = scheduler;
        this.server = server;
        this.retries = retries;
    }

    /**
     * Opens JobRunr's tables (creating them on first use) and, with a handler, starts this node's job server.
     *
     * @param handler the worker's job handler; empty for a node that only takes requests
     * @param workers worker threads: one per measurement core
     * @param serverName this worker's name in JobRunr's server list
     * @param pollInterval how often servers look for work and send heartbeats (JobRunr's minimum is 5 s); a server
     *     silent for four intervals is taken for dead and its jobs are retried elsewhere
     * @param retries how often a job whose worker failed is tried again
     */
    static JobEngine start(Database database, Optional<MeasurementJobHandler> handler, int workers,
            String serverName, Duration pollInterval, int retries) {
        StorageProvider storage = switch (database.dialect()) {
            case H2 -> new H2StorageProvider(database.dataSource());
            case POSTGRESQL -> new PostgresStorageProvider(database.dataSource());
        };
        JacksonJsonMapper mapper = new JacksonJsonMapper();
        storage.setJobMapper(new JobMapper(mapper));
        BackgroundJobServer server = null;
        if (handler.isPresent()) {
            JobActivator activator = new JobActivator() {
                @Override
                public <T> T activateJob(Class<T> type) {
                    if (type == MeasurementJobHandler.class) {
                        return type.cast(handler.get());
                    }
                    throw new IllegalArgumentException("this service runs no job of type " + type.getName());
                }
            };
            server = new BackgroundJobServer(storage, mapper, activator,
                    BackgroundJobServerConfiguration.usingStandardBackgroundJobServerConfiguration()
                            .andName(serverName)
                            .andWorkerCount(workers)
                            .andPollInterval(pollInterval)
                            .andInterruptJobsAwaitDurationOnStopBackgroundJobServer(Duration.ofSeconds(5)));
            server.start();
        }
        return new JobEngine(storage, new JobRequestScheduler(storage), server, retries);
    }

    /** Enqueues the job of a task under the task's id; false when that job exists already. */
    boolean enqueue(UUID taskId) {
        try {
            scheduler.create(JobBuilder.aJob()
                    .withId(taskId)
                    .withName("measure task " + taskId)
                    .withAmountOfRetries(retries)
                    .withJobRequest(new MeasurementJobRequest(taskId.toString())));
            return true;
        } catch (ConcurrentJobModificationException e) {
            return false;
        } catch (RuntimeException e) {
            if (exists(taskId)) {
                return false;
            }
            throw e;
        }
    }

    boolean exists(UUID taskId) {
        return status(taskId).isPresent();
    }

    /** The job's state, or empty when JobRunr has no such job. */
    Optional<JobStatus> status(UUID taskId) {
        Job job;
        try {
            job = storage.getJobById(taskId);
        } catch (JobNotFoundException e) {
            return Optional.empty();
        }
        int failures = (int) job.getJobStatesOfType(FailedState.class).count();
        Optional<Failure> last = job.getLastJobStateOfType(FailedState.class).map(f -> new Failure(
                IllegalJobThreadStateException.class.getName().equals(f.getExceptionType()),
                f.getExceptionType(), f.getExceptionMessage() == null ? f.getMessage() : f.getExceptionMessage()));
        return Optional.of(new JobStatus(job.getState(), failures, last));
    }

    /** Deletes the job: a queued one never runs; a running one has its thread interrupted by its server. */
    void delete(UUID taskId) {
        Optional<JobStatus> status = status(taskId);
        if (status.isEmpty() || status.get().state() == StateName.DELETED) {
            return;
        }
        try {
            scheduler.delete(taskId, "cancelled through DELETE /api/v1/tasks/" + taskId);
        } catch (JobNotFoundException | IllegalJobStateChangeException e) {
            // gone or deleted meanwhile: nothing left to delete
        }
    }

    /** The job servers that sent a heartbeat recently. */
    List<BackgroundJobServerStatus> servers() {
        return storage.getBackgroundJobServers().stream().filter(BackgroundJobServerStatus::isRunning).toList();
    }

    /** Whether this node runs jobs. */
    boolean working() {
        return server != null;
    }

    int retries() {
        return retries;
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop();
        }
        storage.close();
    }
}
