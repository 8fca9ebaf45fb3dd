package dev.ergometer.source.model;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The table of idle and full-load watts per logical CPU by CPU family that the model source uses, read from
 * {@code cpu-power.csv} next to this class (the file documents its columns and cites its sources).
 *
 * <p>Rows are tried in file order; the first whose pattern is found in the CPU description wins, and the
 * {@code DEFAULT} row answers when none does.
 */
final class CpuPowerTable {

    static final String RESOURCE = "cpu-power.csv";
    private static final String DEFAULT_PATTERN = "DEFAULT";
    private static final String HEADER = "pattern,name,idle_watts_per_cpu,max_watts_per_cpu,source";

    /** One row of the table: a family of CPUs and its watts per logical CPU. */
    record Row(Pattern pattern, String name, double idleWattsPerCpu, double maxWattsPerCpu, String source) {
        Row {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(source, "source");
            if (!(idleWattsPerCpu >= 0) || !(maxWattsPerCpu >= idleWattsPerCpu) || Double.isInfinite(maxWattsPerCpu)) {
                throw new IllegalArgumentException(name + ": need 0 <= idle <= max watts per CPU, got idle "
                        + idleWattsPerCpu + ", max " + maxWattsPerCpu);
            }
        }

        /** True for the row used when no pattern matches. */
        boolean isDefault() {
            return pattern == null;
        }
    }

    private final List<Row> rows;
    private final Row defaultRow;

    private CpuPowerTable(List<Row> rows, Row defaultRow) {
        this.rows = List.copyOf(rows);
        this.defaultRow = defaultRow;
    }

    /** The table shipped with Ergometer. */
    static CpuPowerTable builtIn() {
        try (InputStream in = CpuPowerTable.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path next to "
                        + CpuPowerTable.class.getName() + "; the Ergometer jar is incomplete");
            }
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            return parse(text.lines().toList(), RESOURCE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }

    /**
     * Parses a table: {@code #} comment lines and blank lines are skipped, the first other line is the header, then
     * one row per line; the last column may contain commas.
     *
     * @throws IllegalArgumentException naming the line when a row is malformed or the DEFAULT row is missing
     */
    static CpuPowerTable parse(List<String> lines, String origin) {
        List<Row> rows = new ArrayList<>();
        Row defaultRow = null;
        boolean headerSeen = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            if (!headerSeen) {
                if (!line.equals(HEADER)) {
                    throw new IllegalArgumentException(origin + " line " + (i + 1) + ": expected the header '"
                            + HEADER + "', got '" + line + "'");
                }
                headerSeen = true;
                continue;
            }
            Row row = parseRow(line, origin + " line " + (i + 1));
            if (row.isDefault()) {
                defaultRow = row;
            } else {
                rows.add(row);
            }
        }
        if (defaultRow == null) {
            throw new IllegalArgumentException(origin + " has no DEFAULT row");
        }
        return new CpuPowerTable(rows, defaultRow);
    }

    private static Row parseRow(String line, String where) {
        String[] columns = line.split(",", 5);
        if (columns.length != 5) {
            throw new IllegalArgumentException(where + ": expected 5 columns (" + HEADER + "), got " + columns.length);
        }
        try {
            Pattern pattern = columns[0].equals(DEFAULT_PATTERN) ? null : Pattern.compile(columns[0]);
            return new Row(pattern, columns[1], Double.parseDouble(columns[2]), Double.parseDouble(columns[3]),
                    columns[4]);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(where + ": bad pattern: " + e.getMessage(), e);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(where + ": watts must be decimal numbers: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    /** The first row whose pattern is found in {@code cpuDescription}, or the DEFAULT row. */
    Row lookup(String cpuDescription) {
        if (cpuDescription != null && !cpuDescription.isEmpty()) {
            for (Row row : rows) {
                if (row.pattern().matcher(cpuDescription).find()) {
                    return row;
                }
            }
        }
        return defaultRow;
    }

    /** The row used when no pattern matches. */
    Row defaultRow() {
        return defaultRow;
    }

    /** The rows with a pattern, in lookup order. */
    List<Row> rows() {
        return rows;
    }
}
