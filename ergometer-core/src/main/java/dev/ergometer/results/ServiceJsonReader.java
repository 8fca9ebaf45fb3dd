package dev.ergometer.results;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a measurement service task's result ({@code GET /api/v1/tasks/{id}}, JouleTrace's field names): the trials of
 * {@code energy_metrics.trial_energies_joules} (package + RAM, net of idle) become the runs of one domain,
 * {@value #TOTAL}, with {@code trial_times_seconds} as their durations. JouleTrace gives the package and RAM energies
 * only as medians; they are kept in the notes. {@code measurement_environment} gives the source
 * ({@code meter_type}), {@code estimated} and the method.
 */
final class ServiceJsonReader {

    /** The domain of JouleTrace's per-trial totals: package + RAM energy. */
    static final String TOTAL = "total";

    private ServiceJsonReader() {
    }

    static ResultSeries read(Path file, JsonMembers root) {
        String status = root.optionalString("status").orElse("completed");
        if (!status.equals("completed")) {
            String why = root.optionalString("error_message").map(m -> " (" + root.optionalString("error_type")
                    .orElse("error") + ": " + m + ")").orElse("");
            throw root.problem("status", "expected a completed task, found \"" + status + "\"" + why + "; only a"
                    + " completed task has energy_metrics: poll GET /api/v1/tasks/{id} until it completes");
        }
        JsonMembers metrics = root.object("energy_metrics");
        List<Object> energies = metrics.array("trial_energies_joules");
        List<Object> times = metrics.has("trial_times_seconds") ? metrics.array("trial_times_seconds") : List.of();
        if (energies.isEmpty()) {
            throw metrics.problem("trial_energies_joules", "expected at least one trial, found none");
        }
        if (!times.isEmpty() && times.size() != energies.size()) {
            throw metrics.problem("trial_times_seconds", "expected one time per trial (" + energies.size()
                    + "), found " + times.size());
        }
        List<ResultRun> runs = new ArrayList<>();
        for (int i = 0; i < energies.size(); i++) {
            double joules = metrics.numberElement("trial_energies_joules", energies, i);
            double seconds = times.isEmpty() ? Double.NaN : metrics.numberElement("trial_times_seconds", times, i);
            runs.add(new ResultRun(i + 1, "", seconds, Map.of(TOTAL, joules), Map.of()));
        }
        List<String> notes = new ArrayList<>();
        double packageJoules = metrics.numberOrNaN("median_package_energy_joules");
        double ramJoules = metrics.numberOrNaN("median_ram_energy_joules");
        if (!Double.isNaN(packageJoules) || !Double.isNaN(ramJoules)) {
            notes.add(String.format(Locale.ROOT, "the service reports per trial only the total (package + RAM, net"
                    + " of idle); its medians: package %s J, RAM %s J", text(packageJoules), text(ramJoules)));
        }
        root.optionalString("candidate_id").ifPresent(id -> notes.add("candidate " + id));
        root.optionalString("problem_name").ifPresent(p -> notes.add("problem " + p));
        String source = "unknown";
        Optional<Boolean> estimated = Optional.empty();
        String method = "";
        if (root.has("measurement_environment")) {
            JsonMembers environment = root.object("measurement_environment");
            source = environment.optionalString("meter_type").orElse(source);
            estimated = environment.optionalBool("estimated");
            method = environment.optionalString("source_method").orElse("");
            if (environment.has("warnings")) {
                environment.array("warnings").forEach(w -> notes.add(String.valueOf(w)));
            }
        }
        return new ResultSeries(file.getFileName().toString(), List.of(file), ResultFormat.SERVICE_JSON, source,
                estimated, method, EnergyBasis.NET, List.of(TOTAL), runs, notes);
    }

    private static String text(double value) {
        return Double.isNaN(value) ? "-" : String.format(Locale.ROOT, "%.4f", value);
    }
}
