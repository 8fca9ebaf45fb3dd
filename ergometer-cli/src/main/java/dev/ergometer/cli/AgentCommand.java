package dev.ergometer.cli;

import dev.ergometer.agent.Agent;
import dev.ergometer.agent.AgentConfig;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.EnergySources;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;
import sun.misc.Signal;

/**
 * {@code erg agent}: runs the monitoring agent in the foreground until SIGTERM or Ctrl-C, which flush every sink
 * queue (until {@code FLUSH_TIMEOUT_S}) and exit 0.
 */
@Command(name = "agent",
        description = "Run the monitoring agent in the foreground: sample energy, serve /metrics, /health and"
                + " /api/v1 over HTTP, and push to Prometheus remote-write when REMOTE_WRITE_URL is set."
                + " Settings come from --config and from the environment (REMOTE_WRITE_URL, SCRAPE_INTERVAL_S,"
                + " PUSH_INTERVAL_S, MAX_RETRY_BATCHES, SERVICE_LABEL, LOG_LEVEL, HTTP_BIND, HTTP_PORT, ATTRIBUTION,"
                + " ATTRIBUTION_INTERVAL_S, FLUSH_TIMEOUT_S, AGENT_SOCKET, AGENT_SOCKET_GROUP), the environment winning."
                + " See docs/agent.md.",
        mixinStandardHelpOptions = true)
final class AgentCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KernelOptions kernel;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file of KEY=value settings (the environment overrides it).")
    Path config;

    /** The environment the settings are read from; tests replace it. */
    Map<String, String> environment = System.getenv();

    @Override
    public Integer call() throws Exception {
        AgentConfig settings = AgentConfig.from(config == null ? Map.of() : AgentConfig.readFile(config),
                environment);
        EnergySources.Selection selection = kernel.openSource();
        try (EnergySource source = selection.source()) {
            Agent agent = Agent.start(settings, source, kernel.paths());
            Thread hook = Thread.ofPlatform().name("ergometer-agent-shutdown").unstarted(agent::close);
            Runtime.getRuntime().addShutdownHook(hook);
            stopOn("TERM", agent);
            stopOn("INT", agent);
            PrintWriter err = spec.commandLine().getErr();
            err.println("erg agent: " + source.name() + (source.estimated() ? " (estimated)" : "")
                    + ", metrics at http://" + settings.httpBind() + ":" + agent.httpPort() + "/metrics"
                    + settings.remoteWriteUrl().map(u -> ", pushing to " + u).orElse(""));
            err.flush();
            agent.awaitStop();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is already exiting; the hook has closed the agent
            }
            return 0;
        }
    }

    /** On the signal, closes the agent (flushing the sinks) so that {@link #call()} returns 0. */
    private static void stopOn(String signal, Agent agent) {
        try {
            Signal.handle(new Signal(signal), s -> Thread.ofPlatform().name("ergometer-agent-stop").start(agent::close));
        } catch (IllegalArgumentException unavailable) {
            // the JVM runs with -Xrs or the signal is reserved: the shutdown hook still flushes
        }
    }
}
