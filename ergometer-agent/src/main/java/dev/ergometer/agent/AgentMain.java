package dev.ergometer.agent;

import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The foreground {@code erg agent}: starts an {@link Agent}, reloads its configuration on SIGHUP and stops it on
 * SIGTERM or SIGINT (flushing every sink), the way systemd and a terminal expect.
 *
 * <p>A reload re-reads the configuration file and the environment the agent started with; a configuration that
 * cannot be applied (a bad value, a sink that cannot open) is logged with its reason and the agent goes on with the
 * previous one.
 */
public final class AgentMain {

    private static final Logger LOG = LoggerFactory.getLogger(AgentMain.class);

    private final Path configFile;
    private final Map<String, String> environment;

    private AgentMain(Path configFile, Map<String, String> environment) {
        this.configFile = configFile;
        this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
    }

    /**
     * Runs the agent until it is stopped and returns the exit status (0 after a clean stop).
     *
     * @param configFile the properties file, or {@code null} for the environment alone
     * @param environment the environment variables that override the file
     * @param source the energy source, which stays the caller's to close
     * @param err where the start-up line goes
     * @throws IllegalArgumentException when the configuration is invalid (the message names the setting)
     * @throws IOException when attribution is on and /proc cannot be read
     */
    public static int run(Path configFile, Map<String, String> environment, EnergySource source, SystemPaths paths,
            PrintWriter err) throws IOException, InterruptedException {
        AgentMain main = new AgentMain(configFile, environment);
        AgentConfig settings = main.load();
        Agent agent = Agent.start(settings, source, paths);
        Thread hook = Thread.ofPlatform().name("ergometer-agent-shutdown").unstarted(agent::close);
        Runtime.getRuntime().addShutdownHook(hook);
        on("TERM", () -> agent.close());
        on("INT", () -> agent.close());
        on("HUP", () -> main.reload(agent));
        err.println("erg agent: " + source.name() + (source.estimated() ? " (estimated)" : "")
                + ", metrics at http://" + settings.httpBind() + ":" + agent.httpPort() + "/metrics"
                + ", dashboard at http://" + settings.httpBind() + ":" + agent.httpPort() + "/"
                + (settings.sinks().isEmpty() ? "" : ", sinks: " + String.join(", ",
                        settings.sinks().stream().map(SinkConfig::name).toList()))
                + "; SIGHUP reloads " + (configFile == null ? "the settings" : configFile));
        err.flush();
        agent.awaitStop();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // the JVM is already exiting; the hook has closed the agent
        }
        return 0;
    }

    private AgentConfig load() {
        return AgentConfig.from(configFile == null ? Map.of() : AgentConfig.readFile(configFile), environment);
    }

    /** Re-reads the configuration and applies it; on any error keeps the running one and says why. */
    void reload(Agent agent) {
        try {
            agent.reload(load());
        } catch (RuntimeException e) {
            LOG.error("ergometer agent: reload refused, still running with the previous configuration: {}",
                    e.getMessage());
        }
    }

    /** Runs {@code action} on its own thread when the signal arrives. */
    private static void on(String signal, Runnable action) {
        try {
            Signal.handle(new Signal(signal),
                    s -> Thread.ofPlatform().name("ergometer-agent-" + signal.toLowerCase()).start(action));
        } catch (IllegalArgumentException unavailable) {
            // the JVM runs with -Xrs or the signal is reserved: the shutdown hook still flushes on TERM and INT
        }
    }
}
