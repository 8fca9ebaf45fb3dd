package dev.ergometer.meter.handler;

import dev.ergometer.json.JsonWriter;
import dev.ergometer.meter.EnergySample;
import dev.ergometer.meter.EnergyTrace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Writes each sample of a trace as one line of JSON (JSON Lines), in Ergometer's own units and labels:
 * <pre>
 * {"timestamp_s":1700000001.5,"tag":"foo","duration_s":2,"domains":{"package_0":{"energy_j":0.003}},
 *  "source":"powercap","estimated":false,"method":"..."}
 * </pre>
 * (one line per sample). Energy is in joules; {@code estimated} is true when the numbers come from a model, and
 * {@code method} says which.
 */
public final class JsonHandler implements EnergyHandler {

    /** Where lines go: a writer kept open, or a file opened in append mode for each trace. */
    private interface Target {
        void write(String lines) throws IOException;
    }

    private final Target target;
    private final String where;

    /** A handler writing to {@code out} (flushed after each trace, never closed). */
    public JsonHandler(Writer out) {
        Objects.requireNonNull(out, "out");
        this.target = lines -> {
            out.write(lines);
            out.flush();
        };
        this.where = "the JSON output";
    }

    /** A handler appending to {@code file}, created if absent. */
    public static JsonHandler appendingTo(Path file) {
        Objects.requireNonNull(file, "file");
        return new JsonHandler(lines -> Files.writeString(file, lines, StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND), file.toString());
    }

    private JsonHandler(Target target, String where) {
        this.target = target;
        this.where = where;
    }

    @Override
    public synchronized void process(EnergyTrace trace) {
        StringBuilder lines = new StringBuilder();
        for (EnergySample sample : trace) {
            lines.append(line(sample, trace)).append('\n');
        }
        try {
            target.write(lines.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the energy samples to " + where + ": " + e.getMessage(), e);
        }
    }

    /** One sample as a line of JSON. */
    static String line(EnergySample sample, EnergyTrace trace) {
        JsonWriter json = new JsonWriter(false).beginObject()
                .name("timestamp_s").value(sample.timestampSeconds())
                .name("tag").value(sample.tag())
                .name("duration_s").value(sample.durationSeconds())
                .name("domains").beginObject();
        sample.energyMicrojoules().forEach((domain, microjoules) ->
                json.name(domain).beginObject().name("energy_j").value(microjoules / 1e6).endObject());
        return json.endObject()
                .name("source").value(trace.origin().source())
                .name("estimated").value(trace.estimated())
                .name("method").value(trace.origin().method())
                .endObject().toString();
    }
}
