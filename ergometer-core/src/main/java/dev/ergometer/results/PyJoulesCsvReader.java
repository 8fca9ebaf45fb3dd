package dev.ergometer.results;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads pyJoules' CSV files (its {@code CSVHandler}, and Ergometer's {@code CsvHandler}, byte for byte the same):
 * {@code ;} separated, header {@code timestamp;tag;duration;<domain ids>}, energies in µJ (converted to J here).
 * The format has no place for the source or for whether values are estimated, so both are unknown. Python's
 * {@code nan} leaves the domain out of that sample.
 */
final class PyJoulesCsvReader {

    static final String HEADER_START = "timestamp;tag;duration";

    private PyJoulesCsvReader() {
    }

    static List<ResultSeries> read(Path file, List<String> lines) throws ResultFileException {
        List<String> header = CsvLine.split(lines.getFirst(), ';');
        if (header.size() < 4) {
            throw new ResultFileException(file, 1, "expected at least one domain column after"
                    + " timestamp;tag;duration, found none");
        }
        List<String> domains = header.subList(3, header.size());
        TaggedSamples samples = new TaggedSamples(file, ResultFormat.PYJOULES_CSV);
        for (int i = 1; i < lines.size(); i++) {
            int lineNumber = i + 1;
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            List<String> fields;
            try {
                fields = CsvLine.split(line, ';');
            } catch (IllegalArgumentException e) {
                throw new ResultFileException(file, lineNumber, e.getMessage());
            }
            if (fields.size() != header.size()) {
                throw new ResultFileException(file, lineNumber, "expected " + header.size() + " ';'-separated"
                        + " columns like the header (" + String.join(";", header) + "), found " + fields.size());
            }
            double duration = number(file, lineNumber, "duration", fields.get(2));
            Map<String, Double> energy = new LinkedHashMap<>();
            for (int d = 0; d < domains.size(); d++) {
                double microjoules = number(file, lineNumber, domains.get(d), fields.get(3 + d));
                if (!Double.isNaN(microjoules)) {
                    energy.put(domains.get(d), microjoules / 1e6);
                }
            }
            number(file, lineNumber, "timestamp", fields.get(0));
            samples.add(fields.get(1), duration, energy, "", Optional.empty(), "");
        }
        if (samples.isEmpty()) {
            throw new ResultFileException(file, "expected at least one sample after the header, found none");
        }
        return samples.series();
    }

    /** A Python float as written by repr(): digits, {@code nan}, {@code inf}; NaN for {@code nan}. */
    private static double number(Path file, int line, String column, String text) throws ResultFileException {
        String value = text.strip();
        if (value.equalsIgnoreCase("nan")) {
            return Double.NaN;
        }
        try {
            double parsed = Double.parseDouble(value);
            if (Double.isFinite(parsed)) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new ResultFileException(file, line, "expected a number in column '" + column + "', found '" + text
                + "'");
    }
}
