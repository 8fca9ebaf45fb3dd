package dev.ergometer.sink.file;

import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sample;
import dev.ergometer.sink.Sink;
import dev.ergometer.sink.SinkException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * What the file sinks share: a {@link RotatingFile} that each batch is appended to as one line per sample, in one
 * write; the subclass says how a sample is written ({@link #appendLine}).
 */
abstract sealed class LineFileSink implements Sink permits CsvFileSink, JsonLinesFileSink {

    private final RotatingFile file;
    private final String kind;
    private final int bytesPerLine;

    /**
     * @param kind the sink's kind in its name ({@code csv}, {@code jsonl})
     * @param bytesPerLine a guess of a line's length, to size the batch's buffer once
     */
    LineFileSink(RotatingFile file, String kind, int bytesPerLine) {
        this.file = file;
        this.kind = kind;
        this.bytesPerLine = bytesPerLine;
    }

    /** Appends {@code sample} as one line, with its line break. */
    abstract void appendLine(StringBuilder out, Sample sample);

    /** {@code <kind>:<path>}, for metric labels and messages. */
    public String name() {
        return kind + ":" + file.path();
    }

    public Path path() {
        return file.path();
    }

    @Override
    public void accept(Batch batch) throws SinkException {
        if (batch.isEmpty()) {
            return;
        }
        StringBuilder lines = new StringBuilder(batch.size() * bytesPerLine);
        for (Sample sample : batch.samples()) {
            appendLine(lines, sample);
        }
        file.append(lines.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** Closes the file; every accepted batch is already written. */
    @Override
    public void close() {
        file.close();
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + file.path() + "]";
    }
}
