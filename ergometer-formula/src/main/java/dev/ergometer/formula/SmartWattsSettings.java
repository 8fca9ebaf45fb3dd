package dev.ergometer.formula;

import java.util.Objects;

/**
 * The settings of the SmartWatts formula, with PowerAPI's defaults (powerapi-ng/smartwatts-formula,
 * {@code __main__.py}): TDP 400 W, base clock 100 MHz, base frequency 2100 MHz, error thresholds 2 W, reports every
 * 1000 ms, at least 10 samples before learning, a history of 60 samples, an error window of 60 with its median, CPU
 * and DRAM formulas on, and the 5-tick wait (2 ticks in real-time mode).
 *
 * @param topology the CPU: TDP and frequency layers
 * @param reportsFrequencyMillis the sensors' report interval; RAPL energy is divided by it to give watts
 * @param cpuRaplEvent the reference event of the CPU formula
 * @param dramRaplEvent the reference event of the DRAM formula
 * @param cpuErrorThreshold watts of model error above which the CPU model is learnt again
 * @param dramErrorThreshold the same for DRAM
 * @param minSamplesRequired samples a layer needs before a model is learnt
 * @param historyWindowSize samples a layer keeps to learn from; the intercept is learnt only once it is full
 * @param errorWindowSize errors a layer keeps to decide whether to learn again
 * @param errorWindowMethod how those errors are summed up
 * @param realTimeMode wait for 2 ticks instead of 5 before processing the oldest
 * @param cpuFormula whether the CPU formula (package domains) runs
 * @param dramFormula whether the DRAM formula runs
 */
public record SmartWattsSettings(CpuTopology topology, int reportsFrequencyMillis, String cpuRaplEvent,
        String dramRaplEvent, double cpuErrorThreshold, double dramErrorThreshold, int minSamplesRequired,
        int historyWindowSize, int errorWindowSize, ErrorWindowMethod errorWindowMethod, boolean realTimeMode,
        boolean cpuFormula, boolean dramFormula) {

    public SmartWattsSettings {
        Objects.requireNonNull(topology, "topology");
        Objects.requireNonNull(errorWindowMethod, "errorWindowMethod");
        if (reportsFrequencyMillis <= 0) {
            throw new IllegalArgumentException("sensor reports frequency must be > 0 ms, got " + reportsFrequencyMillis);
        }
        if (!(cpuErrorThreshold >= 0) || !(dramErrorThreshold >= 0)) {
            throw new IllegalArgumentException("CPU/DRAM error thresholds must be >= 0 W, got " + cpuErrorThreshold
                    + " and " + dramErrorThreshold);
        }
        if (minSamplesRequired < 0 || historyWindowSize < 1 || errorWindowSize < 1) {
            throw new IllegalArgumentException("min samples must be >= 0 and the history and error windows >= 1, got "
                    + minSamplesRequired + ", " + historyWindowSize + ", " + errorWindowSize);
        }
        if (!cpuFormula && !dramFormula) {
            throw new IllegalArgumentException("at least one of the CPU and DRAM formulas must be enabled");
        }
        if (cpuRaplEvent.isBlank() || dramRaplEvent.isBlank()) {
            throw new IllegalArgumentException("the RAPL reference events must be named (e.g. RAPL_ENERGY_PKG)");
        }
    }

    /** PowerAPI's defaults. */
    public static SmartWattsSettings defaults() {
        return new SmartWattsSettings(CpuTopology.smartWatts(400, 100, 2100), 1000, "RAPL_ENERGY_PKG",
                "RAPL_ENERGY_DRAM", 2.0, 2.0, 10, 60, 60, ErrorWindowMethod.MEDIAN, false, true, true);
    }

    /** Ticks kept before the oldest is processed: 5, or 2 in real-time mode. */
    public int ticksWaited() {
        return realTimeMode ? 2 : 5;
    }

    public SmartWattsSettings withTopology(CpuTopology newTopology) {
        return new SmartWattsSettings(newTopology, reportsFrequencyMillis, cpuRaplEvent, dramRaplEvent,
                cpuErrorThreshold, dramErrorThreshold, minSamplesRequired, historyWindowSize, errorWindowSize,
                errorWindowMethod, realTimeMode, cpuFormula, dramFormula);
    }

    public SmartWattsSettings withLearning(int newMinSamples, int newHistoryWindow, int newErrorWindow) {
        return new SmartWattsSettings(topology, reportsFrequencyMillis, cpuRaplEvent, dramRaplEvent,
                cpuErrorThreshold, dramErrorThreshold, newMinSamples, newHistoryWindow, newErrorWindow,
                errorWindowMethod, realTimeMode, cpuFormula, dramFormula);
    }

    public SmartWattsSettings withErrorThresholds(double cpuWatts, double dramWatts) {
        return new SmartWattsSettings(topology, reportsFrequencyMillis, cpuRaplEvent, dramRaplEvent, cpuWatts,
                dramWatts, minSamplesRequired, historyWindowSize, errorWindowSize, errorWindowMethod, realTimeMode,
                cpuFormula, dramFormula);
    }

    public SmartWattsSettings withRealTimeMode(boolean on) {
        return new SmartWattsSettings(topology, reportsFrequencyMillis, cpuRaplEvent, dramRaplEvent,
                cpuErrorThreshold, dramErrorThreshold, minSamplesRequired, historyWindowSize, errorWindowSize,
                errorWindowMethod, on, cpuFormula, dramFormula);
    }

    public SmartWattsSettings withFormulas(boolean cpu, boolean dram) {
        return new SmartWattsSettings(topology, reportsFrequencyMillis, cpuRaplEvent, dramRaplEvent,
                cpuErrorThreshold, dramErrorThreshold, minSamplesRequired, historyWindowSize, errorWindowSize,
                errorWindowMethod, realTimeMode, cpu, dram);
    }

    public SmartWattsSettings withReportsFrequency(int millis) {
        return new SmartWattsSettings(topology, millis, cpuRaplEvent, dramRaplEvent, cpuErrorThreshold,
                dramErrorThreshold, minSamplesRequired, historyWindowSize, errorWindowSize, errorWindowMethod,
                realTimeMode, cpuFormula, dramFormula);
    }
}
