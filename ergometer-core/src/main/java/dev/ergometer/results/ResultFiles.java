package dev.ergometer.results;

import dev.ergometer.json.JsonReader;
import dev.ergometer.json.MalformedJsonException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Reads measurement results, whichever tool wrote them, recognising the kind of file by its content:
 * {@code erg measure --format json} and {@code --format csv}, pyJoules' CSV (and Ergometer's {@code CsvHandler}),
 * Ergometer's JSON Lines ({@code JsonHandler}), and the measurement service's task results.
 *
 * <pre>{@code
 * List<ResultSeries> series = ResultFiles.read(Path.of("before.json"));
 * ResultSeries all = ResultFiles.readOne(Path.of("runs/"));   // a directory: its files read as one series
 * }</pre>
 */
public final class ResultFiles {

    /** What the reader expects, for the message of a file it does not recognise. */
    static final String EXPECTED = "expected one of: erg measure JSON (\"schema\": \"ergometer.measure/1\"), erg"
            + " measure CSV (header run,exit_code,duration_s,...), pyJoules CSV (header timestamp;tag;duration;...),"
            + " JSON Lines from JsonHandler (one {\"tag\", \"domains\", ...} per line) or a service task result"
            + " (\"energy_metrics\")";

    private ResultFiles() {
    }

    /**
     * The series in a file (several when a trace file holds several tags), or in a directory's {@code .json},
     * {@code .jsonl} and {@code .csv} files read together as one series named after the directory.
     *
     * @throws ResultFileException naming the file, the line when there is one, and what was expected
     * @throws IOException when the file cannot be read at all
     */
    public static List<ResultSeries> read(Path path) throws IOException {
        if (Files.isDirectory(path)) {
            return List.of(readDirectory(path));
        }
        if (!Files.exists(path)) {
            throw new ResultFileException(path, "no such file or directory");
        }
        return readFile(path);
    }

    /**
     * The one series in a file or directory.
     *
     * @throws ResultFileException also when a file holds several tags: it names them
     */
    public static ResultSeries readOne(Path path) throws IOException {
        List<ResultSeries> series = read(path);
        if (series.size() > 1) {
            throw new ResultFileException(path, "holds " + series.size() + " tags ("
                    + String.join(", ", series.stream().map(ResultSeries::name).toList()) + "); expected one:"
                    + " write each tag to its own file, or compare within a report (erg report)");
        }
        return series.getFirst();
    }

    private static ResultSeries readDirectory(Path directory) throws IOException {
        List<Path> files;
        try (Stream<Path> listing = Files.list(directory)) {
            files = listing.filter(Files::isRegularFile).filter(ResultFiles::looksLikeResult).sorted().toList();
        }
        if (files.isEmpty()) {
            throw new ResultFileException(directory, "holds no .json, .jsonl or .csv file; expected the result"
                    + " files of one implementation");
        }
        List<ResultSeries> parts = new ArrayList<>();
        for (Path file : files) {
            parts.addAll(readFile(file));
        }
        try {
            return ResultSeries.merge(directory.getFileName().toString(), parts);
        } catch (IllegalArgumentException e) {
            throw new ResultFileException(directory, e.getMessage());
        }
    }

    private static boolean looksLikeResult(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".json") || name.endsWith(".jsonl") || name.endsWith(".csv");
    }

    private static List<ResultSeries> readFile(Path file) throws IOException {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new ResultFileException(file, "is not UTF-8 text; " + EXPECTED);
        }
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        String trimmed = text.stripLeading();
        if (trimmed.isEmpty()) {
            throw new ResultFileException(file, "is empty; " + EXPECTED);
        }
        if (trimmed.charAt(0) == '{') {
            return readJson(file, text);
        }
        List<String> lines = text.lines().toList();
        String first = lines.getFirst().strip();
        if (first.startsWith(PyJoulesCsvReader.HEADER_START)) {
            return PyJoulesCsvReader.read(file, lines);
        }
        if (first.startsWith("run,")) {
            return List.of(MeasureCsvReader.read(file, lines));
        }
        throw new ResultFileException(file, 1, EXPECTED + "; the file starts with '"
                + (first.length() > 40 ? first.substring(0, 40) + "..." : first) + "'");
    }

    private static List<ResultSeries> readJson(Path file, String text) throws ResultFileException {
        Map<String, Object> root;
        try {
            root = JsonReader.object(text);
        } catch (MalformedJsonException whole) {
            if (firstLineIsASample(text)) {
                return JsonLinesReader.read(file, text.lines().toList());
            }
            throw new ResultFileException(file, lineOf(text, whole.offset()), whole.getMessage().replaceFirst(
                    "at offset \\d+", "at column " + columnOf(text, whole.offset())));
        }
        JsonMembers members = new JsonMembers(root, "");
        try {
            if (members.has("schema")) {
                return List.of(MeasureJsonReader.read(file, members));
            }
            if (members.has("measurement") && members.has("machine") && members.has("name")) {
                // a named run kept in the fleet's storage (the agent's GET /api/v1/runs/NAME): its measurement
                return List.of(MeasureJsonReader.read(file, members.object("measurement")).withName(
                        members.string("name") + " on " + members.string("machine")));
            }
            if (members.has("energy_metrics") || members.has("task_id")) {
                return List.of(ServiceJsonReader.read(file, members));
            }
            if (members.has("tag") && members.has("domains")) {
                return JsonLinesReader.read(file, text.lines().toList());
            }
        } catch (JsonMembers.Problem e) {
            throw new ResultFileException(file, e.getMessage());
        }
        throw new ResultFileException(file, EXPECTED + "; this JSON object has the members "
                + String.join(", ", root.keySet()));
    }

    private static boolean firstLineIsASample(String text) {
        String first = text.stripLeading().lines().findFirst().orElse("");
        try {
            Map<String, Object> sample = JsonReader.object(first);
            return sample.containsKey("domains") && sample.containsKey("tag");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < Math.min(offset, text.length()); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    private static int columnOf(String text, int offset) {
        int start = text.lastIndexOf('\n', Math.max(0, Math.min(offset, text.length()) - 1)) + 1;
        return offset - start + 1;
    }
}
