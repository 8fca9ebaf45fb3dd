package dev.ergometer.agent;

import dev.ergometer.mongodb.PowerReportSink;
import dev.ergometer.prometheus.RemoteWriteSink;
import dev.ergometer.sink.Sink;
import java.net.URI;
import java.time.Duration;

/**
 * Opens the {@link Sink} a {@link SinkConfig} describes: the one place that knows which class writes to which
 * destination and how each sink's settings map to its constructor.
 */
final class AgentSinks {

    /** How long one attempt of a network sink may take, unless {@code SINK_TIMEOUT_S} says otherwise. */
    static final String DEFAULT_TIMEOUT_S = "10";

    private AgentSinks() {
    }

    /**
     * The sink, ready to accept batches.
     *
     * @throws IllegalArgumentException when a setting is invalid (the message names it)
     */
    static Sink open(SinkConfig config, AgentConfig agent) {
        return switch (config.kind()) {
            case REMOTE_WRITE -> RemoteWriteSink.to(URI.create(config.settings().get("REMOTE_WRITE_URL")),
                    timeout(config));
            case MONGODB -> PowerReportSink.builder(config.settings().get("MONGODB_URI"),
                            config.setting("MONGODB_DATABASE", "ergometer"),
                            config.setting("MONGODB_COLLECTION", "power_reports"))
                    .sensor(agent.hostName())
                    .socketTimeout(timeout(config))
                    .build();
        };
    }

    private static Duration timeout(SinkConfig config) {
        return AgentConfig.duration(config.settings(), "SINK_TIMEOUT_S", DEFAULT_TIMEOUT_S);
    }
}
