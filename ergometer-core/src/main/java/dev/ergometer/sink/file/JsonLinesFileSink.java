package dev.ergometer.sink.file;

import dev.ergometer.sink.Sample;
import dev.ergometer.sink.SampleJson;
import dev.ergometer.sink.Sink;
import dev.ergometer.sink.SinkException;
import java.io.IOException;
import java.time.InstantSource;
import java.util.Objects;

/**
 * A {@link Sink} that appends every sample of a batch as one line of JSON ({@link SampleJson#line}, the form the
 * Kafka sink sends too) to a file that rotates by size and age ({@link FileSinkSettings}).
 *
 * <pre>{@code
 * {"timestamp_ms":1764115200123,"metric":"ergometer_power_watts","value":12.5,"labels":{"domain":"package_0","estimated":"false"}}
 * }</pre>
 *
 * <p>One {@link #accept} writes the whole batch with one write and is then visible to readers; with
 * {@link FileSinkSettings#fsync()} it is also on the storage device. A failed write is cut back off the file, so a
 * retry does not duplicate lines. Errors are {@link SinkException}s that name the path: a full disk or an I/O error
 * is retryable; a path that is a folder, a file or folder the user may not write to (or an immutable one), or a file
 * that is not this sink's is not, and the message says how to fix it (chown/chmod, or another path).
 *
 * <pre>{@code
 * try (SinkQueue queue = SinkQueue.start("jsonl", JsonLinesFileSink.open(FileSinkSettings.of(Path.of("energy.jsonl"))),
 *         10, Backoff.prometheusDefault(), Duration.ofSeconds(5))) {
 *     queue.offer(batch);
 * }
 * }</pre>
 */
public final class JsonLinesFileSink extends LineFileSink {

    private JsonLinesFileSink(RotatingFile file) {
        super(file, "jsonl", 160);
    }

    /**
     * Opens the JSON Lines file of {@code settings} for appending, creating it and its folders when missing.
     *
     * @throws IOException with a message that names the path and says what to do, when the folder cannot be created,
     *     the path is a folder or the file or folder is not writable
     */
    public static JsonLinesFileSink open(FileSinkSettings settings) throws IOException {
        return open(settings, InstantSource.system());
    }

    static JsonLinesFileSink open(FileSinkSettings settings, InstantSource clock) throws IOException {
        Objects.requireNonNull(settings, "settings");
        return new JsonLinesFileSink(RotatingFile.open("jsonl:" + settings.path(), settings, new byte[0], clock));
    }

    @Override
    void appendLine(StringBuilder out, Sample sample) {
        out.append(SampleJson.line(sample)).append('\n');
    }
}
