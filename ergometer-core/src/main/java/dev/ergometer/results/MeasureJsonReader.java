package dev.ergometer.results;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads {@code erg measure --format json} (schema {@code ergometer.measure/1}, docs/measure.md): each run's energy
 * per domain, net of idle when the file has an idle baseline, raw otherwise (as the file's own summary does). Runs
 * that exited non-zero are left out (they measured a failing command) and say so in the notes.
 */
final class MeasureJsonReader {

    static final String SCHEMA_PREFIX = "ergometer.measure/";

    private MeasureJsonReader() {
    }

    static ResultSeries read(Path file, JsonMembers root) {
        String schema = root.string("schema");
        if (!schema.equals(SCHEMA_PREFIX + "1")) {
            throw root.problem("schema", "expected ergometer.measure/1, found \"" + schema + "\"; this erg reads"
                    + " version 1 (fields are only ever added to it): a newer erg wrote this file, read it with that"
                    + " one");
        }
        boolean net = root.has("idle");
        List<Object> runs = root.array("runs");
        List<ResultRun> kept = new ArrayList<>();
        Set<String> domains = new LinkedHashSet<>();
        List<String> notes = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) {
            JsonMembers run = root.element("runs", runs, i);
            long exitCode = run.integer("exit_code");
            int number = (int) run.integer("run");
            double duration = run.number("duration_s");
            JsonMembers byDomain = run.object("domains");
            Map<String, Double> energy = new LinkedHashMap<>();
            Map<String, Double> power = new LinkedHashMap<>();
            for (String domain : byDomain.names()) {
                JsonMembers values = byDomain.object(domain);
                double joules = net ? values.number("net_energy_j") : values.number("energy_j");
                energy.put(domain, joules);
                power.put(domain, values.has("power_w") ? values.number("power_w")
                        : values.number("energy_j") / duration);
                domains.add(domain);
            }
            if (exitCode != 0) {
                notes.add("run " + number + " exited with code " + exitCode + " and is left out");
                continue;
            }
            kept.add(new ResultRun(kept.size() + 1, "", duration, energy, power));
        }
        if (runs.isEmpty()) {
            throw root.problem("runs", "expected at least one run, found none");
        }
        if (root.has("warnings")) {
            List<Object> warnings = root.array("warnings");
            for (Object warning : warnings) {
                notes.add(String.valueOf(warning));
            }
        }
        return new ResultSeries(file.getFileName().toString(), List.of(file), ResultFormat.MEASURE_JSON,
                root.string("source"), Optional.of(root.bool("estimated")), root.optionalString("method").orElse(""),
                net ? EnergyBasis.NET : EnergyBasis.RAW, List.copyOf(domains), kept, notes);
    }
}
