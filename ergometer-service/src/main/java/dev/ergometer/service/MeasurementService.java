package dev.ergometer.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ergometer.ErgometerVersion;
import dev.ergometer.meter.Sleeper;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.service.sandbox.Sandbox;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The measurement service, started: its database, its job engine, this node's measuring station when it measures,
 * and its HTTP API when it serves one. Several nodes over one PostgreSQL database share the work; on one machine an
 * H2 file keeps the jobs across restarts.
 *
 * <pre>{@code
 * try (MeasurementService service = MeasurementService.start(config, source, SystemPaths.real(), sandbox)) {
 *     System.out.println("http://127.0.0.1:" + service.port() + "/docs");
 *     service.awaitStop();
 * }
 * }</pre>
 */
public final class MeasurementService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MeasurementService.class);

    private final ServiceConfig config;
    private final Database database;
    private final Sampler sampler;
    private final JobEngine jobs;
    private final Optional<MeasurementStation> station;
    private final Optional<ServiceHttp> http;
    private final ScheduledExecutorService housekeeping;
    private final Object stopLock = new Object();
    private boolean stopped;

    private MeasurementService(ServiceConfig config, Database database, Sampler sampler, JobEngine jobs,
            Optional<MeasurementStation> station, Optional<ServiceHttp> http, ScheduledExecutorService housekeeping) {
        this.config = config;
        this.database = database;
        this.sampler = sampler;
        this.jobs = jobs;
        this.station = station;
        this.http = http;
        this.housekeeping = housekeeping;
    }

    /**
     * Starts the service with the system clock.
     *
     * @param source the energy source, which stays the caller's to close
     * @param sandbox where submissions run
     * @throws SQLException when the database cannot be opened
     * @throws IOException when the measurement cores cannot be checked
     */
    public static MeasurementService start(ServiceConfig config, EnergySource source, SystemPaths paths,
            Sandbox sandbox) throws SQLException, IOException {
        return start(config, source, paths, sandbox, Clock.systemUTC(), Sleeper.system());
    }

    static MeasurementService start(ServiceConfig config, EnergySource source, SystemPaths paths, Sandbox sandbox,
            Clock clock, Sleeper sleeper) throws SQLException, IOException {
        if (config.worker()) {
            MeasurementStation.checkCores(config.measurementCores());
        }
        ObjectMapper json = ServiceJson.create();
        Database database = Database.open(config.databaseUrl(), config.databaseUser().orElse(null),
                config.databasePassword().orElse(null));
        Sampler sampler = null;
        JobEngine jobs = null;
        try {
            TaskStore tasks = new TaskStore(database);
            IdlePowerStore idle = new IdlePowerStore(database);
            sampler = new Sampler(source, Ticker.system(), Sampler.DEFAULT_INTERVAL_NANOS).start();
            RequestSchema schema = new RequestSchema(json);
            TaskResponses responses = new TaskResponses(json, clock);
            Optional<MeasurementStation> station = Optional.empty();
            Optional<MeasurementJobHandler> handler = Optional.empty();
            if (config.worker()) {
                MeasurementStation bench = new MeasurementStation(sampler, sandbox, sleeper, clock, idle,
                        config.workerName(), config.idleWindow(), config.idleMaxAge(), config.measurementCores(),
                        new MachineDescription(paths), config.minimumTrial());
                station = Optional.of(bench);
                handler = Optional.of(new MeasurementJobHandler(tasks, bench, schema, responses, config.workerName(),
                        clock));
            }
            jobs = JobEngine.start(database, handler, Math.max(1, config.measurementCores().size()),
                    config.workerName(), config.pollInterval(), config.jobRetries());
            TaskBoard board = new TaskBoard(tasks, jobs, responses, json, clock);
            ScheduledExecutorService housekeeping = Executors.newSingleThreadScheduledExecutor(
                    Thread.ofPlatform().daemon().name("ergometer-service-reconcile").factory());
            housekeeping.scheduleWithFixedDelay(() -> reconcile(board), 0, TaskBoard.ORPHAN_GRACE_MILLIS,
                    TimeUnit.MILLISECONDS);
            Optional<ServiceHttp> http = Optional.empty();
            if (config.httpPort().isPresent()) {
                Sampler sampled = sampler;
                JobEngine engine = jobs;
                Optional<MeasurementStation> bench = station;
                ServiceHttp.Parts parts = new ServiceHttp.Parts(board, schema,
                        new Measurement(sampler, sandbox, config.minimumTrial()),
                        responses, new ApiDocs(json), json, clock, config.token(), config.maxRequestBytes(),
                        config.maxConcurrentValidations(),
                        () -> health(json, clock, database, engine, sampled, bench, board));
                http = Optional.of(ServiceHttp.start(parts, config.httpBind(), config.httpPort().get()));
            }
            return new MeasurementService(config, database, sampler, jobs, station, http, housekeeping);
        } catch (SQLException | RuntimeException e) {
            if (jobs != null) {
                jobs.close();
            }
            if (sampler != null) {
                sampler.close();
            }
            database.close();
            throw e;
        }
    }

    /** The API's port, or -1 when this node serves none. */
    public int port() {
        return http.map(ServiceHttp::port).orElse(-1);
    }

    public ServiceConfig config() {
        return config;
    }

    /** Blocks until {@link #close()} is called (by a signal handler or a shutdown hook). */
    public void awaitStop() throws InterruptedException {
        synchronized (stopLock) {
            while (!stopped) {
                stopLock.wait();
            }
        }
    }

    /** Stops serving and measuring: a job in progress is interrupted and retried by a worker later. */
    @Override
    public void close() {
        synchronized (stopLock) {
            if (stopped) {
                return;
            }
            stopped = true;
            stopLock.notifyAll();
        }
        housekeeping.shutdownNow();
        http.ifPresent(ServiceHttp::stop);
        jobs.close();
        sampler.close();
        database.close();
        LOG.info("service stopped");
    }

    private static void reconcile(TaskBoard board) {
        try {
            board.reconcile();
        } catch (SQLException | RuntimeException e) {
            LOG.warn("cannot look for tasks without a job: {}", e.getMessage());
        }
    }

    private static ObjectNode health(ObjectMapper json, Clock clock, Database database, JobEngine jobs,
            Sampler sampler, Optional<MeasurementStation> station, TaskBoard board) {
        ObjectNode body = json.createObjectNode();
        body.put("timestamp", clock.millis() / 1e3);
        body.put("version", ErgometerVersion.current());
        body.put("energy_meter_available", true);
        body.put("energy_meter_type", sampler.source().name());
        body.put("estimated", sampler.source().estimated());
        body.put("database", database.dialect().name().toLowerCase(java.util.Locale.ROOT));
        boolean connected;
        int workers = 0;
        try {
            Map<String, Integer> counts = board.counts();
            ArrayNode names = body.putArray("workers");
            for (var server : jobs.servers()) {
                names.add(server.getName());
                workers++;
            }
            body.put("active_tasks", counts.getOrDefault(TaskRecord.RUNNING, 0));
            body.put("queued_tasks", counts.getOrDefault(TaskRecord.QUEUED, 0));
            recentTasks(database, clock, body);
            connected = true;
        } catch (SQLException | RuntimeException e) {
            body.put("database_error", e.getMessage());
            connected = false;
        }
        body.put("database_connected", connected);
        body.put("worker_count", workers);
        ArrayNode cores = body.putArray("measurement_cores");
        station.ifPresent(s -> s.cores().forEach(cores::add));
        body.put("busy_cores", station.map(MeasurementStation::busyCores).orElse(0));
        body.put("status", !connected ? "unhealthy" : workers == 0 ? "degraded" : "healthy");
        return body;
    }

    private static void recentTasks(Database database, Clock clock, ObjectNode body) throws SQLException {
        try (Connection c = database.connection();
                PreparedStatement s = c.prepareStatement("SELECT COUNT(*), AVG(finished_ms - started_ms)"
                        + " FROM ergometer_tasks WHERE status = 'completed' AND finished_ms >= ?")) {
            s.setLong(1, clock.millis() - 86_400_000L);
            try (ResultSet r = s.executeQuery()) {
                r.next();
                body.put("completed_tasks_24h", r.getInt(1));
                double average = r.getDouble(2);
                if (r.wasNull()) {
                    body.putNull("average_measurement_time_seconds");
                } else {
                    body.put("average_measurement_time_seconds", average / 1e3);
                }
            }
        }
    }
}
