package dev.ergometer.sink.file;

import dev.ergometer.json.JsonWriter;
import dev.ergometer.sink.Sample;
import dev.ergometer.sink.Sink;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.InstantSource;
import java.util.Map;
import java.util.Objects;

/**
 * A {@link Sink} that appends every sample of a batch as one CSV row to a file that rotates by size and age
 * ({@link FileSinkSettings}).
 *
 * <pre>{@code
 * timestamp_ms,metric,value,labels
 * 1764115200123,ergometer_power_watts,12.5,domain=package_0;estimated=false;socket=0;source=powercap
 * 1764115200123,ergometer_consumer_power_watts,0.75,"consumer=pid:42;name=a,b;..."
 * }</pre>
 *
 * <ul>
 *   <li>Every file starts with the header {@value #HEADER}, also after each rotation; an existing file is appended
 *       to, and must start with that header.</li>
 *   <li>{@code value} is the shortest plain decimal that reads back as the same double, never with an exponent
 *       ({@link JsonWriter#plainDecimal}); NaN and infinities are {@code NaN}, {@code Infinity} and
 *       {@code -Infinity} (as Java, Python and pandas read them).</li>
 *   <li>{@code labels} holds every label as {@code name=value}, sorted by name and joined by {@code ;}; inside a
 *       value, {@code \} and {@code ;} are escaped as {@code \\} and {@code \;}, so that splitting at unescaped
 *       {@code ;} and then at the first {@code =} gives the labels back. The {@code estimated} label is kept as
 *       given.</li>
 *   <li>Fields are quoted as RFC 4180 says when they hold a comma, a double quote (doubled inside) or a line break;
 *       lines end with {@code \n}.</li>
 * </ul>
 *
 * <p>One {@link #accept} writes the whole batch with one write and is then visible to readers; with
 * {@link FileSinkSettings#fsync()} it is also on the storage device. Errors: see {@link JsonLinesFileSink}, they are
 * the same.
 */
public final class CsvFileSink extends LineFileSink {

    /** The first line of every file, without its line break. */
    public static final String HEADER = "timestamp_ms,metric,value,labels";

    private CsvFileSink(RotatingFile file) {
        super(file, "csv", 128);
    }

    /**
     * Opens the CSV file of {@code settings} for appending, creating it and its folders when missing.
     *
     * @throws IOException with a message that names the path and says what to do, when the folder cannot be created,
     *     the path is a folder, the file or folder is not writable, or the file holds something other than this CSV
     */
    public static CsvFileSink open(FileSinkSettings settings) throws IOException {
        return open(settings, InstantSource.system());
    }

    static CsvFileSink open(FileSinkSettings settings, InstantSource clock) throws IOException {
        Objects.requireNonNull(settings, "settings");
        return new CsvFileSink(RotatingFile.open("csv:" + settings.path(), settings,
                (HEADER + "\n").getBytes(StandardCharsets.UTF_8), clock));
    }

    /** The CSV row of {@code sample}, with its line break. */
    static String row(Sample sample) {
        StringBuilder row = new StringBuilder();
        appendRow(row, sample);
        return row.toString();
    }

    @Override
    void appendLine(StringBuilder out, Sample sample) {
        appendRow(out, sample);
    }

    private static void appendRow(StringBuilder out, Sample sample) {
        out.append(sample.timestampMillis()).append(',')
                .append(field(sample.metric())).append(',')
                .append(value(sample.value())).append(',')
                .append(field(labels(sample))).append('\n');
    }

    private static String value(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "Infinity" : "-Infinity";
        }
        return JsonWriter.plainDecimal(value);
    }

    private static String labels(Sample sample) {
        StringBuilder labels = new StringBuilder();
        for (Map.Entry<String, String> label : sample.labels().entrySet()) {
            if (!labels.isEmpty()) {
                labels.append(';');
            }
            labels.append(label.getKey()).append('=');
            String value = label.getValue();
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                if (c == '\\' || c == ';') {
                    labels.append('\\');
                }
                labels.append(c);
            }
        }
        return labels.toString();
    }

    /** {@code text} as an RFC 4180 field: quoted, with quotes doubled, when it holds a comma, quote or line break. */
    private static String field(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == ',' || c == '"' || c == '\n' || c == '\r') {
                return '"' + text.replace("\"", "\"\"") + '"';
            }
        }
        return text;
    }
}
