package dev.ergometer.service;

import dev.ergometer.service.sandbox.BubblewrapSandbox;
import dev.ergometer.service.sandbox.Sandbox;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import sun.misc.Signal;

/**
 * The foreground {@code erg serve}: reads the settings, starts a {@link MeasurementService} and stops it on SIGTERM
 * or SIGINT. A job in progress when the service stops is retried by a worker later; none is lost.
 */
public final class ServiceMain {

    private static final String H2_FILE = "jdbc:h2:file:";

    private ServiceMain() {
    }

    /**
     * Runs the service until it is stopped, running submissions in the bubblewrap sandbox
     * ({@link BubblewrapSandbox}), with the service's own data folder (the H2 database's) and its configuration file
     * hidden from them.
     *
     * @param configFile a properties file of settings, or null for the environment alone
     * @param environment the environment variables, which override the file
     * @param overrides settings given on the command line, which override both
     * @param source the energy source, which stays the caller's to close
     * @param err where the start-up line goes
     * @return 0 after a clean stop
     */
    public static int run(Path configFile, Map<String, String> environment, Map<String, String> overrides,
            EnergySource source, SystemPaths paths, PrintWriter err) throws Exception {
        ServiceConfig config = config(configFile, environment, overrides);
        List<Path> hidden = new ArrayList<>();
        if (config.databaseUrl().startsWith(H2_FILE)) {
            Path database = Path.of(config.databaseUrl().substring(H2_FILE.length()).split(";")[0]).toAbsolutePath();
            hidden.add(database.getParent());
        }
        if (configFile != null) {
            hidden.add(configFile.toAbsolutePath().getParent());
        }
        Sandbox sandbox = BubblewrapSandbox.builder().hide(hidden.toArray(Path[]::new)).build();
        return serve(config, source, paths, sandbox, err);
    }

    /** Like {@link #run(Path, Map, Map, EnergySource, SystemPaths, PrintWriter)} with the given sandbox. */
    public static int run(Path configFile, Map<String, String> environment, Map<String, String> overrides,
            EnergySource source, SystemPaths paths, Sandbox sandbox, PrintWriter err) throws Exception {
        return serve(config(configFile, environment, overrides), source, paths, sandbox, err);
    }

    private static ServiceConfig config(Path configFile, Map<String, String> environment,
            Map<String, String> overrides) throws java.io.IOException {
        Map<String, String> settings = new java.util.HashMap<>(environment);
        settings.putAll(overrides);
        return ServiceConfig.from(configFile == null ? Map.of() : ServiceConfig.readFile(configFile), settings);
    }

    private static int serve(ServiceConfig config, EnergySource source, SystemPaths paths, Sandbox sandbox,
            PrintWriter err) throws Exception {
        ServiceLogging.apply(config.logLevel());
        MeasurementService service = MeasurementService.start(config, source, paths, sandbox);
        Thread hook = Thread.ofPlatform().name("ergometer-service-shutdown").unstarted(service::close);
        Runtime.getRuntime().addShutdownHook(hook);
        on("TERM", service);
        on("INT", service);
        err.println("erg serve: " + source.name() + (source.estimated() ? " (estimated)" : "")
                + (service.port() >= 0 ? ", API at http://" + config.httpBind() + ":" + service.port() + "/docs"
                        + (config.token().isPresent() ? " (bearer token required)" : "") : ", no API")
                + (config.worker() ? ", measuring on cores " + config.measurementCores() + " as "
                        + config.workerName() : ", not measuring")
                + ", jobs in " + Database.redact(config.databaseUrl()));
        err.flush();
        service.awaitStop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is exiting; the hook has closed the service
        }
        return 0;
    }

    private static void on(String signal, MeasurementService service) {
        try {
            Signal.handle(new Signal(signal),
                    s -> Thread.ofPlatform().name("ergometer-service-" + signal.toLowerCase()).start(service::close));
        } catch (IllegalArgumentException unavailable) {
            // the JVM runs with -Xrs or the signal is reserved: the shutdown hook still stops the service
        }
    }
}
