package dev.ergometer.meter.handler;

import dev.ergometer.meter.EnergySample;
import dev.ergometer.meter.EnergyTrace;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Writes traces to a CSV file in pyJoules' exact format: {@code ;} separated, the header
 * {@code timestamp;tag;duration;<domain ids>} written only when the file is new, one row per sample appended
 * otherwise. Timestamps are epoch seconds, durations seconds and energy µJ, numbers written as Python writes floats.
 *
 * <p>{@link #process} only buffers; {@link #saveData()} writes what was buffered. The rows keep pyJoules' columns
 * even when the numbers are estimated by a model (see {@link EnergyTrace#origin()}; {@link JsonHandler} labels them).
 *
 * <pre>{@code
 * CsvHandler csv = new CsvHandler(Path.of("result.csv"));
 * try (EnergyContext ctx = EnergyContext.open(csv, DomainSelection.of(RaplDomains.packageOf(0)), "foo")) {
 *     foo();
 * }
 * csv.saveData();
 * }</pre>
 */
public final class CsvHandler implements EnergyHandler {

    private final Path file;
    private final List<EnergySample> buffered = new ArrayList<>();

    public CsvHandler(Path file) {
        this.file = Objects.requireNonNull(file, "file");
    }

    public Path file() {
        return file;
    }

    /** Buffers the trace's samples until {@link #saveData()}. */
    @Override
    public synchronized void process(EnergyTrace trace) {
        buffered.addAll(trace.samples());
    }

    /**
     * Appends the buffered samples to the file (writing the header first if the file is new) and empties the buffer.
     * Nothing is written when a sample would not fit the columns.
     *
     * @throws IllegalStateException when the samples do not all have the same domains, a tag holds {@code ;} or a
     *     line break, or the existing file has another header
     * @throws UncheckedIOException when the file cannot be read or written
     */
    public synchronized void saveData() {
        if (buffered.isEmpty()) {
            return;
        }
        List<String> domains = buffered.getFirst().domains();
        String header = "timestamp;tag;duration;" + String.join(";", domains);
        StringBuilder rows = new StringBuilder();
        for (EnergySample sample : buffered) {
            rows.append(row(sample, domains)).append('\n');
        }
        try {
            boolean fresh = !Files.exists(file) || Files.size(file) == 0;
            if (!fresh) {
                requireHeader(header);
            }
            try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND)) {
                if (fresh) {
                    out.write(header + "\n");
                }
                out.write(rows.toString());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the energy samples to " + file + ": " + e.getMessage()
                    + "; check that its directory exists and is writable", e);
        }
        buffered.clear();
    }

    private String row(EnergySample sample, List<String> domains) {
        if (!sample.domains().equals(domains)) {
            throw new IllegalStateException("cannot write " + file + ": sample '" + sample.tag() + "' measures "
                    + sample.domains() + " but the first sample measures " + domains + "; a CSV file has one set "
                    + "of columns, so save traces of different domains to different files");
        }
        if (sample.tag().indexOf(';') >= 0 || sample.tag().indexOf('\n') >= 0 || sample.tag().indexOf('\r') >= 0) {
            throw new IllegalStateException("cannot write " + file + ": the tag '" + sample.tag() + "' holds a ';' "
                    + "or a line break, which would break the CSV columns; use another tag");
        }
        StringBuilder row = new StringBuilder()
                .append(PythonFloat.repr(sample.timestampSeconds())).append(';')
                .append(sample.tag()).append(';')
                .append(PythonFloat.repr(sample.durationSeconds()));
        for (String domain : domains) {
            row.append(';').append(PythonFloat.repr(sample.energyMicrojoules(domain)));
        }
        return row.toString();
    }

    private void requireHeader(String header) throws IOException {
        String existing;
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            existing = in.readLine();
        }
        if (!header.equals(existing)) {
            throw new IllegalStateException("cannot append to " + file + ": its header is '" + existing
                    + "' but these samples need '" + header + "'; write them to another file");
        }
    }
}
