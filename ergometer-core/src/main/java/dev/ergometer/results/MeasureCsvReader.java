package dev.ergometer.results;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code erg measure --format csv}: one row per run and domain, columns found by their header names (so
 * columns added later, such as {@code co2e_g}, are welcome). Energies are net of idle when {@code net_energy_j} is
 * filled, raw when it is empty on every row. Runs that exited non-zero are left out and noted.
 */
final class MeasureCsvReader {

    static final List<String> REQUIRED = List.of("run", "exit_code", "duration_s", "domain", "energy_j",
            "net_energy_j", "power_w", "source", "estimated", "method");

    private MeasureCsvReader() {
    }

    static ResultSeries read(Path file, List<String> lines) throws ResultFileException {
        List<String> header = split(file, 1, lines.getFirst());
        Map<String, Integer> column = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            column.putIfAbsent(header.get(i).strip(), i);
        }
        for (String name : REQUIRED) {
            if (!column.containsKey(name)) {
                throw new ResultFileException(file, 1, "expected a column '" + name + "' in the header (erg measure"
                        + " CSV has " + String.join(",", REQUIRED) + ", ...), found " + String.join(",", header));
            }
        }
        Map<Integer, Row> runs = new LinkedHashMap<>();
        Set<String> domains = new LinkedHashSet<>();
        Boolean net = null;
        String source = null;
        Boolean estimated = null;
        String method = null;
        for (int i = 1; i < lines.size(); i++) {
            int lineNumber = i + 1;
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            List<String> fields = split(file, lineNumber, line);
            if (fields.size() < header.size()) {
                throw new ResultFileException(file, lineNumber, "expected " + header.size() + " columns like the"
                        + " header, found " + fields.size());
            }
            Cells cells = new Cells(file, lineNumber, fields, column);
            int run = (int) cells.integer("run");
            String domain = cells.text("domain");
            if (domain.isEmpty()) {
                throw new ResultFileException(file, lineNumber, "expected a domain id in column 'domain', found"
                        + " nothing");
            }
            String netText = cells.text("net_energy_j");
            if (net == null) {
                net = !netText.isEmpty();
            } else if (net == netText.isEmpty()) {
                throw new ResultFileException(file, lineNumber, "net_energy_j is " + (net ? "empty" : "filled")
                        + " here but " + (net ? "filled" : "empty") + " on the rows before: expected one basis for"
                        + " the whole file");
            }
            double duration = cells.number("duration_s");
            double joules = net ? cells.number("net_energy_j") : cells.number("energy_j");
            double watts = cells.number("power_w");
            source = source == null ? cells.text("source") : source;
            method = method == null ? cells.text("method") : method;
            String estimatedText = cells.text("estimated");
            if (!estimatedText.equals("true") && !estimatedText.equals("false")) {
                throw new ResultFileException(file, lineNumber, "expected true or false in column 'estimated',"
                        + " found '" + estimatedText + "'");
            }
            estimated = estimated == null ? Boolean.valueOf(estimatedText) : estimated || estimatedText.equals("true");
            long exitCode = cells.integer("exit_code");
            Row row = runs.computeIfAbsent(run, r -> new Row(duration, exitCode));
            row.energy.put(domain, joules);
            row.power.put(domain, watts);
            domains.add(domain);
        }
        if (runs.isEmpty()) {
            throw new ResultFileException(file, "expected at least one row of values after the header, found none");
        }
        List<ResultRun> kept = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (Map.Entry<Integer, Row> entry : runs.entrySet()) {
            Row row = entry.getValue();
            if (row.exitCode != 0) {
                notes.add("run " + entry.getKey() + " exited with code " + row.exitCode + " and is left out");
                continue;
            }
            kept.add(new ResultRun(kept.size() + 1, "", row.duration, row.energy, row.power));
        }
        return new ResultSeries(file.getFileName().toString(), List.of(file), ResultFormat.MEASURE_CSV, source,
                Optional.of(estimated), method, net ? EnergyBasis.NET : EnergyBasis.RAW, List.copyOf(domains), kept,
                notes);
    }

    private static List<String> split(Path file, int line, String text) throws ResultFileException {
        try {
            return CsvLine.split(text, ',');
        } catch (IllegalArgumentException e) {
            throw new ResultFileException(file, line, e.getMessage());
        }
    }

    /** One run's rows gathered. */
    private static final class Row {
        final double duration;
        final long exitCode;
        final Map<String, Double> energy = new LinkedHashMap<>();
        final Map<String, Double> power = new LinkedHashMap<>();

        Row(double duration, long exitCode) {
            this.duration = duration;
            this.exitCode = exitCode;
        }
    }

    /** The cells of one row, by column name, with errors that name the line and the column. */
    private record Cells(Path file, int line, List<String> fields, Map<String, Integer> column) {

        String text(String name) {
            return fields.get(column.get(name)).strip();
        }

        double number(String name) throws ResultFileException {
            String text = text(name);
            try {
                double value = Double.parseDouble(text);
                if (Double.isFinite(value)) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // below
            }
            throw new ResultFileException(file, line, "expected a number in column '" + name + "', found '" + text
                    + "'");
        }

        long integer(String name) throws ResultFileException {
            String text = text(name);
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new ResultFileException(file, line, "expected a whole number in column '" + name
                        + "', found '" + text + "'");
            }
        }
    }
}
