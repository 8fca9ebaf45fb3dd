package dev.ergometer.cli;

import dev.ergometer.service.ServiceMain;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.EnergySources;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code erg serve}: runs the measurement service (JouleTrace's API, jobs on JobRunr) in the foreground until SIGTERM
 * or Ctrl-C.
 *
 * <p>Only {@link ServiceMain} is named here, and only inside a method body: the launcher puts the service's jars
 * (Jetty, JobRunr, the database drivers) on the class path for {@code erg serve} alone, so no signature of this class
 * may mention them.
 */
@Command(name = "serve",
        description = "Run the measurement service in the foreground: JouleTrace's API (POST /api/v1/measure,"
                + " GET|DELETE /api/v1/tasks/{id}, POST /api/v1/validate, GET /api/v1/health, /ping, /docs) that"
                + " validates submitted Python or Java code against test cases in a sandbox, then measures its"
                + " energy pinned to a core over adaptive trials, net of idle power. Jobs run on JobRunr over an H2"
                + " file (one machine) or PostgreSQL (several workers). Settings come from --config, the"
                + " environment (HTTP_BIND, HTTP_PORT, API_TOKEN, API_TOKEN_FILE, DATABASE_URL, DATABASE_USER,"
                + " DATABASE_PASSWORD, DATA_DIR, MEASUREMENT_CORES, WORKER_NAME, IDLE_WINDOW_S, IDLE_MAX_AGE_S,"
                + " POLL_INTERVAL_S, JOB_RETRIES, MAX_REQUEST_BYTES, MAX_CONCURRENT_VALIDATIONS, LOG_LEVEL) and the"
                + " options below, in rising order. Binding beyond loopback needs API_TOKEN. See docs/service.md.",
        mixinStandardHelpOptions = true)
final class ServeCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KernelOptions kernel;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file of KEY=value settings (the environment and the options override it).")
    Path config;

    @Option(names = "--bind", paramLabel = "ADDRESS",
            description = "Address the API listens on (HTTP_BIND, default 127.0.0.1; other than loopback needs"
                    + " API_TOKEN).")
    String bind;

    @Option(names = "--port", paramLabel = "PORT",
            description = "The API's port (HTTP_PORT, default 8000; 0 for any free one; off for a worker only).")
    String port;

    @Option(names = "--database", paramLabel = "JDBC_URL",
            description = "The jobs' database (DATABASE_URL): jdbc:h2:file:PATH or"
                    + " jdbc:postgresql://HOST:PORT/DB (default an H2 file in DATA_DIR).")
    String database;

    @Option(names = "--cores", paramLabel = "LIST",
            description = "Measurement cores (MEASUREMENT_CORES), such as 3 or 2,3 or 2-5; off to only take"
                    + " requests (default the highest core).")
    String cores;

    @Option(names = "--worker-name", paramLabel = "NAME",
            description = "This worker's name in reports (WORKER_NAME, default the host name).")
    String workerName;

    /** The environment the settings are read from; tests replace it. */
    Map<String, String> environment = System.getenv();

    @Override
    public Integer call() throws Exception {
        Map<String, String> overrides = new HashMap<>();
        put(overrides, "HTTP_BIND", bind);
        put(overrides, "HTTP_PORT", port);
        put(overrides, "DATABASE_URL", database);
        put(overrides, "MEASUREMENT_CORES", cores);
        put(overrides, "WORKER_NAME", workerName);
        EnergySources.Selection selection = kernel.openSource();
        try (EnergySource source = selection.source()) {
            return ServiceMain.run(config, environment, overrides, source, kernel.paths(),
                    spec.commandLine().getErr());
        }
    }

    private static void put(Map<String, String> settings, String key, String value) {
        if (value != null) {
            settings.put(key, value);
        }
    }
}
