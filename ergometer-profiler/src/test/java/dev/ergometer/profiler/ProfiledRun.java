package dev.ergometer.profiler;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** One run of {@link ProfileLauncher} on a test program in a child JVM, and readers for the reports it wrote. */
final class ProfiledRun {

    final int exitCode;
    final String out;
    final String err;
    final Path folder;

    private ProfiledRun(int exitCode, String out, String err, Path folder) {
        this.exitCode = exitCode;
        this.out = out;
        this.err = err;
        this.folder = folder;
    }

    /** The java launcher running these tests. */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The test classes' folder (where the fixtures are). */
    static String testClasses() {
        try {
            return Path.of(ProfiledRun.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static ProfiledRun run(ProfileSettings settings, List<String> command) throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = ProfileLauncher.run(command, settings, new PrintWriter(out, true), new PrintWriter(err, true));
        return new ProfiledRun(exit, out.toString(), err.toString(), settings.outputDirectory().toAbsolutePath());
    }

    /**
     * One run of {@code command} in a child JVM that profiles itself ({@code -javaagent} in the command), its standard
     * output and error captured; {@code folder} is where its agent writes.
     */
    static ProfiledRun runInProcess(List<String> command, Path folder) throws Exception {
        Path out = Files.createTempFile("profiled-out", ".txt");
        Path err = Files.createTempFile("profiled-err", ".txt");
        try {
            Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile())
                    .start();
            int exit = process.waitFor();
            return new ProfiledRun(exit, Files.readString(out), Files.readString(err), folder.toAbsolutePath());
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** A CSV report's rows, each a map from column to value (no quoted fields expected in the columns read). */
    List<Map<String, String>> csv(String name) throws IOException {
        List<String> lines = Files.readAllLines(folder.resolve(name), StandardCharsets.UTF_8);
        String[] header = lines.getFirst().split(",");
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            List<String> fields = splitCsv(line);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < header.length; i++) {
                row.put(header[i], fields.get(i));
            }
            rows.add(row);
        }
        return rows;
    }

    /** The own energy of a method in a methods CSV, in µJ. */
    long ownMicrojoules(String file, String method) throws IOException {
        return column(file, method, "own_joules");
    }

    /** The total energy of a method (itself and what it called) in a methods CSV, in µJ. */
    long totalMicrojoules(String file, String method) throws IOException {
        return column(file, method, "total_joules");
    }

    private long column(String file, String method, String column) throws IOException {
        String content = read(file);
        return csv(file).stream().filter(r -> r.get("method").equals(method))
                .mapToLong(r -> microjoules(r.get(column))).findFirst()
                .orElseThrow(() -> new AssertionError(method + " not in " + file + ":\n" + content));
    }

    String read(String name) throws IOException {
        return Files.readString(folder.resolve(name), StandardCharsets.UTF_8);
    }

    static long microjoules(String joules) {
        String[] parts = joules.split("\\.");
        return Long.parseLong(parts[0]) * 1_000_000 + Long.parseLong(parts[1]);
    }

    private static List<String> splitCsv(String line) {
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < line.length() && line.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else {
                field.append(c);
            }
        }
        fields.add(field.toString());
        return fields;
    }
}
