package dev.ergometer.formula;

import dev.ergometer.fleet.HwpcEvents;
import dev.ergometer.fleet.HwpcReport;
import java.util.ArrayList;
import java.util.List;

/**
 * Deterministic report streams of machines running a few containers, in hwpc-sensor's layout (RAPL and MSR in the
 * machine report, core events per target), whose RAPL power is a known linear function of the targets' events.
 */
final class SyntheticFleet {

    static final long START_MILLIS = 1_700_000_000_000L;

    private SyntheticFleet() {
    }

    /** The cycles target {@code t} of {@code sensor} runs in tick {@code i}: varied, never zero. */
    static double cycles(int sensor, int tick, int target) {
        return 2e8 + 1e8 * ((tick * (3 + target) + sensor * 7 + target * 5) % 13);
    }

    static double misses(int sensor, int tick, int target) {
        return 1e5 + 5e4 * ((tick * (2 + target) + sensor) % 7);
    }

    /**
     * The reports of one tick: machine report with RAPL package (and DRAM) energy of {@code idleWatts} plus
     * {@code wattsPerGigacycle} per 1e9 cycles, MSR with APERF/MPERF = {@code frequencyRatio}, then the targets.
     */
    static List<HwpcReport> tick(String sensor, int sensorIndex, int tick, int targets, double idleWatts,
            double wattsPerGigacycle, double frequencyRatio, double mperf) {
        long timestamp = START_MILLIS + tick * 1000L;
        double totalCycles = 0;
        for (int t = 0; t < targets; t++) {
            totalCycles += cycles(sensorIndex, tick, t);
        }
        double packageWatts = idleWatts + wattsPerGigacycle * totalCycles / 1e9;
        double dramWatts = 2 + 0.5 * totalCycles / 1e9;
        List<HwpcReport> reports = new ArrayList<>();
        reports.add(HwpcReport.builder(timestamp, sensor, "all")
                .event("rapl", "0", "0", HwpcEvents.RAPL_ENERGY_PKG, Math.round(Math.scalb(packageWatts, 32)))
                .event("rapl", "0", "0", HwpcEvents.RAPL_ENERGY_DRAM, Math.round(Math.scalb(dramWatts, 32)))
                .event("rapl", "0", "0", "time_enabled", 1e9)
                .event("rapl", "0", "0", "time_running", 1e9)
                .event("msr", "0", "0", "MPERF", mperf)
                .event("msr", "0", "0", "APERF", mperf * frequencyRatio)
                .event("msr", "0", "0", "TSC", 2.1e9)
                .event("msr", "0", "1", "MPERF", mperf)
                .event("msr", "0", "1", "APERF", mperf * frequencyRatio)
                .event("msr", "0", "1", "TSC", 2.1e9)
                .build());
        for (int t = 0; t < targets; t++) {
            double c = cycles(sensorIndex, tick, t);
            reports.add(HwpcReport.builder(timestamp, sensor, "container-" + t)
                    .event("core", "0", "0", HwpcEvents.REF_CYCLES, Math.floor(c * 0.6))
                    .event("core", "0", "1", HwpcEvents.REF_CYCLES, c - Math.floor(c * 0.6))
                    .event("core", "0", "0", "LLC_MISSES", misses(sensorIndex, tick, t))
                    .event("core", "0", "0", "time_enabled", 1e9)
                    .event("core", "0", "0", "time_running", 1e9)
                    .metadata("container", "c" + t)
                    .build());
        }
        return reports;
    }

    /** A whole stream: {@code ticks} ticks of each sensor, sensors interleaved tick by tick. */
    static List<HwpcReport> stream(int sensors, int ticks, int targets) {
        List<HwpcReport> reports = new ArrayList<>();
        for (int i = 0; i < ticks; i++) {
            for (int s = 0; s < sensors; s++) {
                reports.addAll(tick("node-" + s, s, i, targets, 20 + s, 30, 1.0, 1.5e9));
            }
        }
        return reports;
    }
}
