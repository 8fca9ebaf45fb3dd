package dev.ergometer.cli;

import java.util.Locale;
import java.util.Random;

/** Result files with known numbers, laid out as erg measure writes them (docs/measure.md), for report and compare. */
final class SyntheticResults {

    private SyntheticResults() {
    }

    /** {@code n} runs around {@code mean} joules with {@code noise} relative standard deviation. */
    static double[] runs(Random random, int n, double mean, double noise) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = mean * (1 + noise * random.nextGaussian());
        }
        return values;
    }

    /** An {@code ergometer.measure/1} document with an idle baseline: these net package energies, dram_0 at 3 J. */
    static String measureJson(double[] packageNetJoules, String source, boolean estimated) {
        StringBuilder runs = new StringBuilder();
        for (int i = 0; i < packageNetJoules.length; i++) {
            double net = packageNetJoules[i];
            runs.append(i == 0 ? "" : ",\n").append(String.format(Locale.ROOT, """
                    {"run": %d, "exit_code": 0, "duration_s": 1.0, "cpu_time_s": 0.95, "domains": {
                      "package_0": {"energy_j": %.6f, "net_energy_j": %.6f, "power_w": %.6f, "share_j": null},
                      "dram_0": {"energy_j": %.6f, "net_energy_j": %.6f, "power_w": %.6f, "share_j": null}}}""",
                    i + 1, net + 5, net, net + 5, 3.0 + 2 + 0.01 * (i % 3), 3.0 + 0.01 * (i % 3),
                    3.0 + 2 + 0.01 * (i % 3)));
        }
        return String.format(Locale.ROOT, """
                {"schema": "ergometer.measure/1", "command": ["./work"], "source": "%s", "estimated": %s,
                 "method": "%s", "exit_code": 0, "warmups": 0, "counter_resets": 0, "warnings": [],
                 "idle": {"duration_s": 0.5, "domains": {"package_0": {"energy_j": 2.5, "power_w": 5},
                   "dram_0": {"energy_j": 1, "power_w": 2}}},
                 "runs": [
                %s],
                 "summary": null}
                """, source, estimated, estimated ? "estimated: CPU-utilisation model" : "RAPL through powercap",
                runs);
    }
}
