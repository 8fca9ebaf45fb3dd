package dev.ergometer.cli;

import dev.ergometer.meter.EnergyOrigin;
import dev.ergometer.meter.EnergySample;
import dev.ergometer.meter.EnergyTrace;
import dev.ergometer.meter.handler.CsvHandler;
import dev.ergometer.meter.handler.JsonHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** One result file of every kind erg report reads, written by the real writers where Ergometer has them. */
final class ReportFixtures {

    private ReportFixtures() {
    }

    /**
     * Writes the files into {@code dir} and returns them: measure JSON (twice, one estimated), pyJoules CSV, JSON
     * Lines and a service task result.
     */
    static List<Path> everyFormat(Path dir) throws IOException {
        Random random = new Random(3);
        Path measured = Files.writeString(dir.resolve("baseline.json"),
                SyntheticResults.measureJson(SyntheticResults.runs(random, 20, 40, 0.02), "powercap", false));
        Path modelled = Files.writeString(dir.resolve("candidate.json"),
                SyntheticResults.measureJson(SyntheticResults.runs(random, 20, 35, 0.02), "model", true));

        Path csv = dir.resolve("pyjoules.csv");
        CsvHandler handler = new CsvHandler(csv);
        handler.process(trace(random, "sort", 8, 38, EnergyOrigin.UNRECORDED));
        handler.saveData();

        Path jsonl = dir.resolve("trace.jsonl");
        JsonHandler.appendingTo(jsonl).process(trace(random, "step", 8, 36,
                new EnergyOrigin("model", "estimated: CPU-utilisation model", true)));

        Path task = Files.writeString(dir.resolve("task.json"), """
                {"task_id": "7f1c", "request_id": "r", "status": "completed", "candidate_id": "fast",
                 "problem_name": "two-sum", "runs": 5,
                 "validation": {"is_correct": true, "passed_tests": 3, "total_tests": 3, "pass_rate": 100.0},
                 "energy_metrics": {"median_package_energy_joules": 1.1, "median_ram_energy_joules": 0.2,
                   "median_total_energy_joules": 1.3, "trial_energies_joules": [1.28, 1.31, 1.3, 1.33, 1.27],
                   "trial_times_seconds": [0.2, 0.21, 0.2, 0.22, 0.2]},
                 "measurement_environment": {"meter_type": "perf", "source_method": "perf power PMU",
                   "estimated": false, "warnings": []}}
                """);
        return List.of(measured, modelled, csv, jsonl, task);
    }

    private static EnergyTrace trace(Random random, String tag, int samples, double packageJoules,
            EnergyOrigin origin) {
        List<EnergySample> list = new ArrayList<>();
        for (int i = 0; i < samples; i++) {
            Map<String, Double> energy = new LinkedHashMap<>();
            energy.put("package_0", packageJoules * 1e6 * (1 + 0.02 * random.nextGaussian()));
            energy.put("dram_0", 3e6 * (1 + 0.02 * random.nextGaussian()));
            list.add(new EnergySample(1_700_000_000.0 + i, tag, 1.0, energy));
        }
        return new EnergyTrace(list, origin);
    }
}
