package dev.ergometer.junit;

import dev.ergometer.json.JsonWriter;
import dev.ergometer.meter.EnergyOrigin;
import dev.ergometer.stats.Summary;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The summary of a run's measured tests: one row per test method, the repetitions of a method gathered into
 * statistics (median, mean, standard deviation) of their duration and of each domain's energy.
 */
final class RunSummary {

    /** One test method and its invocations, in the order they ran. */
    record Row(String displayName, String methodKey, List<TestEnergy> runs) {
    }

    private final List<Row> rows;
    private final List<String> domains;
    private final EnergyOrigin origin;

    private RunSummary(List<Row> rows, List<String> domains, EnergyOrigin origin) {
        this.rows = List.copyOf(rows);
        this.domains = List.copyOf(domains);
        this.origin = origin;
    }

    static RunSummary of(List<TestEnergy> tests) {
        Map<String, List<TestEnergy>> byMethod = new LinkedHashMap<>();
        Set<String> domains = new LinkedHashSet<>();
        EnergyOrigin origin = null;
        for (TestEnergy test : tests) {
            byMethod.computeIfAbsent(test.methodKey(), k -> new ArrayList<>()).add(test);
            domains.addAll(test.energyJoules().keySet());
            origin = origin == null ? test.origin() : origin.and(test.origin());
        }
        List<Row> rows = new ArrayList<>();
        byMethod.forEach((key, runs) -> {
            TestEnergy first = runs.getFirst();
            String name = first.invocation() > 0 && first.displayName().contains(" > ")
                    ? first.displayName().substring(0, first.displayName().lastIndexOf(" > "))
                    : first.displayName();
            rows.add(new Row(name, key, runs));
        });
        return new RunSummary(rows, new ArrayList<>(domains), origin == null ? EnergyOrigin.UNRECORDED : origin);
    }

    List<Row> rows() {
        return rows;
    }

    /** The table: test, runs, median duration, median energy per domain; estimated numbers are said so. */
    String toText() {
        List<String[]> lines = new ArrayList<>();
        List<String> header = new ArrayList<>(List.of("test", "runs", "failed", "duration s"));
        domains.forEach(domain -> header.add(domain + " J"));
        lines.add(header.toArray(String[]::new));
        for (Row row : rows) {
            List<String> cells = new ArrayList<>(List.of(row.displayName(), Integer.toString(row.runs().size()),
                    Long.toString(row.runs().stream().filter(t -> !t.passed()).count()),
                    median(row.runs().stream().mapToDouble(TestEnergy::durationSeconds).toArray())));
            for (String domain : domains) {
                double[] values = row.runs().stream().filter(t -> t.energyJoules().containsKey(domain))
                        .mapToDouble(t -> t.energyJoules().get(domain)).toArray();
                cells.add(values.length == 0 ? "-" : median(values));
            }
            lines.add(cells.toArray(String[]::new));
        }
        int[] widths = new int[header.size()];
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                widths[i] = Math.max(widths[i], line[i].length());
            }
        }
        StringBuilder text = new StringBuilder();
        for (String[] line : lines) {
            for (int i = 0; i < line.length; i++) {
                String cell = line[i];
                text.append(i == 0 ? String.format("%-" + widths[i] + "s", cell)
                        : "  " + String.format("%" + widths[i] + "s", cell));
            }
            text.append('\n');
        }
        text.append("source: ").append(origin.source())
                .append(origin.estimated() ? " (ESTIMATED by a model: " + origin.method() + ")" : "")
                .append("; several runs of a test (@RepeatedTest) show their median\n");
        return text.toString();
    }

    String toJson() {
        JsonWriter json = new JsonWriter().beginObject()
                .name("source").value(origin.source())
                .name("estimated").value(origin.estimated())
                .name("tests").beginArray();
        for (Row row : rows) {
            json.beginObject()
                    .name("test").value(row.displayName())
                    .name("method").value(row.methodKey())
                    .name("runs").value(row.runs().size())
                    .name("failed").value(row.runs().stream().filter(t -> !t.passed()).count())
                    .name("duration_s");
            statistics(json, row.runs().stream().mapToDouble(TestEnergy::durationSeconds).toArray());
            json.name("energy_j").beginObject();
            for (String domain : domains) {
                double[] values = row.runs().stream().filter(t -> t.energyJoules().containsKey(domain))
                        .mapToDouble(t -> t.energyJoules().get(domain)).toArray();
                if (values.length > 0) {
                    json.name(domain);
                    statistics(json, values);
                }
            }
            json.endObject().endObject();
        }
        return json.endArray().endObject().toString() + "\n";
    }

    private static void statistics(JsonWriter json, double[] values) {
        Summary summary = Summary.of(values);
        json.beginObject()
                .name("median").value(summary.median())
                .name("mean").value(summary.mean())
                .name("standard_deviation").value(summary.standardDeviation())
                .name("ci95_low").value(summary.ci95Low())
                .name("ci95_high").value(summary.ci95High())
                .endObject();
    }

    private static String median(double[] values) {
        return String.format(Locale.ROOT, "%.4f", Summary.of(values).median());
    }
}
