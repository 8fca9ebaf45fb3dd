package dev.ergometer.cli;

import dev.ergometer.agent.AgentMain;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.EnergySources;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code erg agent}: runs the monitoring agent in the foreground until SIGTERM or Ctrl-C, which flush every sink
 * queue (until {@code FLUSH_TIMEOUT_S}) and exit 0; SIGHUP reloads the configuration.
 *
 * <p>Only {@link AgentMain} is named here, and only inside a method body: the launcher puts the agent's jars (Jetty,
 * the sinks' clients) on the class path for {@code erg agent} alone, so no signature of this class may mention them.
 */
@Command(name = "agent",
        description = "Run the monitoring agent in the foreground: sample energy, attribute it to processes,"
                + " containers and pods, serve /metrics, /health and /api/v1 over HTTP, and write to the configured"
                + " sinks (REMOTE_WRITE_URL, CSV_FILE, JSONL_FILE, MONGODB_URI, KAFKA_BOOTSTRAP_SERVERS,"
                + " OTLP_ENDPOINT). Settings come from --config and from the environment (SCRAPE_INTERVAL_S,"
                + " PUSH_INTERVAL_S, MAX_RETRY_BATCHES, SERVICE_LABEL, LOG_LEVEL, HTTP_BIND, HTTP_PORT, ATTRIBUTION,"
                + " ATTRIBUTION_INTERVAL_S, FLUSH_TIMEOUT_S, HOST_NAME, AGENT_SOCKET, AGENT_SOCKET_GROUP, ...), the"
                + " environment winning. SIGHUP reloads them; SIGTERM flushes every sink and exits 0."
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
        EnergySources.Selection selection = kernel.openSource();
        try (EnergySource source = selection.source()) {
            return AgentMain.run(config, environment, source, kernel.paths(), spec.commandLine().getErr());
        }
    }
}
