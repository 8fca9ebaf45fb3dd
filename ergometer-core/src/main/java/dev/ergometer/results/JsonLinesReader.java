package dev.ergometer.results;

import dev.ergometer.json.JsonReader;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the JSON Lines of Ergometer's {@code JsonHandler} (docs/library.md): one sample per line,
 * {@code {"timestamp_s", "tag", "duration_s", "domains": {ID: {"energy_j"}}, "source", "estimated", "method"}}.
 */
final class JsonLinesReader {

    private JsonLinesReader() {
    }

    static List<ResultSeries> read(Path file, List<String> lines) throws ResultFileException {
        TaggedSamples samples = new TaggedSamples(file, ResultFormat.JSON_LINES);
        for (int i = 0; i < lines.size(); i++) {
            int lineNumber = i + 1;
            String line = lines.get(i);
            if (line.isBlank()) {
                continue;
            }
            try {
                JsonMembers sample = new JsonMembers(JsonReader.object(line), "");
                double duration = sample.number("duration_s");
                JsonMembers domains = sample.object("domains");
                Map<String, Double> energy = new LinkedHashMap<>();
                for (String domain : domains.names()) {
                    energy.put(domain, domains.object(domain).number("energy_j"));
                }
                sample.number("timestamp_s");
                samples.add(sample.string("tag"), duration, energy, sample.optionalString("source").orElse(""),
                        sample.optionalBool("estimated"), sample.optionalString("method").orElse(""));
            } catch (JsonMembers.Problem e) {
                throw new ResultFileException(file, lineNumber, e.getMessage());
            } catch (IllegalArgumentException e) {
                throw new ResultFileException(file, lineNumber, e.getMessage());
            }
        }
        if (samples.isEmpty()) {
            throw new ResultFileException(file, "expected at least one line of JSON, found none");
        }
        return samples.series();
    }
}
