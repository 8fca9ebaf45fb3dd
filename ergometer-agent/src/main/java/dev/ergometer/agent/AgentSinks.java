package dev.ergometer.agent;

import dev.ergometer.kafka.KafkaSink;
import dev.ergometer.kafka.KafkaSinkSettings;
import dev.ergometer.mongodb.PowerReportSink;
import dev.ergometer.otlp.OtlpSettings;
import dev.ergometer.otlp.OtlpSink;
import dev.ergometer.prometheus.RemoteWriteSink;
import dev.ergometer.sink.Sink;
import dev.ergometer.sink.file.CsvFileSink;
import dev.ergometer.sink.file.FileSinkSettings;
import dev.ergometer.sink.file.JsonLinesFileSink;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Opens the {@link Sink} a {@link SinkConfig} describes: the one place that knows which class writes to which
 * destination and how each sink's settings map to its constructor.
 */
final class AgentSinks {

    /** How long one attempt of a network sink may take, unless {@code SINK_TIMEOUT_S} says otherwise. */
    static final String DEFAULT_TIMEOUT_S = "10";

    /**
     * The OpenTelemetry exporter's own logger: it logs every failed export with a stack trace through
     * java.util.logging, while the agent's sink queue already reports failures once, with the retry; held here so the
     * level set on it is not lost with a collected logger.
     */
    private static final java.util.logging.Logger OTEL_EXPORTER_LOG =
            java.util.logging.Logger.getLogger("io.opentelemetry.exporter");

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
            case CSV -> openFile(config, "CSV_FILE", CsvFileSink::open);
            case JSONL -> openFile(config, "JSONL_FILE", JsonLinesFileSink::open);
            case MONGODB -> PowerReportSink.builder(config.settings().get("MONGODB_URI"),
                            config.setting("MONGODB_DATABASE", "ergometer"),
                            config.setting("MONGODB_COLLECTION", "power_reports"))
                    .sensor(agent.hostName())
                    .socketTimeout(timeout(config))
                    .build();
            case KAFKA -> new KafkaSink(KafkaSinkSettings.of(config.settings().get("KAFKA_BOOTSTRAP_SERVERS"),
                            config.setting("KAFKA_TOPIC", "ergometer"))
                    .withKey(agent.hostName())
                    .withTimeout(timeout(config)));
            case SENSOR -> new SensorSink(KafkaSinkSettings.of(
                            config.settings().get("SENSOR_KAFKA_BOOTSTRAP_SERVERS"),
                            config.setting("SENSOR_KAFKA_TOPIC", "ergometer-hwpc"))
                    .withKey(agent.hostName())
                    .withTimeout(timeout(config)));
            case OTLP -> {
                OTEL_EXPORTER_LOG.setLevel(java.util.logging.Level.OFF);
                yield new OtlpSink(otlpSettings(config, agent));
            }
        };
    }

    /** Opens a file sink; the file settings are shared by CSV and JSON Lines. */
    private interface FileOpener {
        Sink open(FileSinkSettings settings) throws IOException;
    }

    private static Sink openFile(SinkConfig config, String pathKey, FileOpener opener) {
        Map<String, String> settings = config.settings();
        double maxMegabytes = Double.parseDouble(AgentConfig.number(settings, "FILE_MAX_MB", "64"));
        FileSinkSettings file = FileSinkSettings.of(Path.of(settings.get(pathKey)))
                .withMaxBytes((long) (maxMegabytes * 1024 * 1024))
                .withKeep(AgentConfig.integer(settings, "FILE_KEEP", Integer.toString(FileSinkSettings.DEFAULT_KEEP)))
                .withFsync(AgentConfig.bool(settings, "FILE_FSYNC", "false"));
        if (settings.containsKey("FILE_MAX_AGE_S")) {
            file = file.withMaxAge(AgentConfig.duration(settings, "FILE_MAX_AGE_S", "0"));
        }
        try {
            return opener.open(file);
        } catch (IOException e) {
            throw new IllegalArgumentException(pathKey + ": " + e.getMessage(), e);
        }
    }

    /** OTLP's settings: the endpoint, {@code OTLP_HEADERS} as {@code name=value,name=value}, the host's name. */
    private static OtlpSettings otlpSettings(SinkConfig config, AgentConfig agent) {
        OtlpSettings settings = OtlpSettings.to(config.settings().get("OTLP_ENDPOINT"))
                .withTimeout(timeout(config))
                .withResourceAttribute("host.name", agent.hostName())
                .withResourceAttribute("service.name", agent.serviceLabel());
        for (String header : config.setting("OTLP_HEADERS", "").split(",")) {
            if (header.isBlank()) {
                continue;
            }
            int equals = header.indexOf('=');
            if (equals <= 0) {
                throw new IllegalArgumentException("OTLP_HEADERS entry '" + header.strip() + "' is not name=value; "
                        + "write the headers as name=value,name=value (e.g. Authorization=Bearer abc)");
            }
            settings = settings.withHeader(header.substring(0, equals).strip(), header.substring(equals + 1).strip());
        }
        return settings;
    }

    private static Duration timeout(SinkConfig config) {
        return AgentConfig.duration(config.settings(), "SINK_TIMEOUT_S", DEFAULT_TIMEOUT_S);
    }
}
