package dev.ergometer.formula;

import java.util.ArrayList;
import java.util.List;

/**
 * What SmartWatts needs to know of a CPU: its thermal design power and its clock ratios, which give the frequency
 * layers its models are learnt per (one per ratio from {@code ratioMin} to {@code ratioMax}, {@code baseClockMhz}
 * apart). The base ratio is the one MSR_PLATFORM_INFO reports; {@code APERF/MPERF × base frequency} is the package's
 * mean frequency over an interval (powerapi-ng/smartwatts-formula, {@code model/cpu_topology.py}).
 *
 * @param tdpWatts the CPU's TDP: a learnt model whose intercept is not below it is discarded
 * @param baseClockMhz the base clock (BCLK), usually 100 MHz
 * @param ratioMin the lowest ratio (maximum efficiency)
 * @param ratioBase the base (non-turbo) ratio
 * @param ratioMax the highest ratio (with turbo)
 */
public record CpuTopology(int tdpWatts, int baseClockMhz, int ratioMin, int ratioBase, int ratioMax) {

    public CpuTopology {
        if (tdpWatts < 0 || baseClockMhz <= 0 || ratioMin < 0 || ratioMin > ratioMax || ratioBase < 0) {
            throw new IllegalArgumentException("CPU topology needs TDP >= 0 W, base clock > 0 MHz and 0 <= min ratio "
                    + "<= max ratio; got TDP " + tdpWatts + " W, clock " + baseClockMhz + " MHz, ratios " + ratioMin
                    + "/" + ratioBase + "/" + ratioMax);
        }
    }

    /**
     * The topology SmartWatts' command line builds: ratios 1 to 100 around the base frequency
     * ({@code --cpu-tdp}, {@code --cpu-base-clock}, {@code --cpu-base-freq}).
     */
    public static CpuTopology smartWatts(int tdpWatts, int baseClockMhz, int baseFrequencyMhz) {
        if (baseClockMhz <= 0 || baseFrequencyMhz <= 0) {
            throw new IllegalArgumentException("CPU base clock and base frequency must be > 0 MHz, got "
                    + baseClockMhz + " and " + baseFrequencyMhz + " (e.g. 100 and 2100)");
        }
        return new CpuTopology(tdpWatts, baseClockMhz, 1, baseFrequencyMhz / baseClockMhz, 100);
    }

    public int minFrequencyMhz() {
        return baseClockMhz * ratioMin;
    }

    public int baseFrequencyMhz() {
        return baseClockMhz * ratioBase;
    }

    public int maxFrequencyMhz() {
        return baseClockMhz * ratioMax;
    }

    /** The frequencies of the layers, in MHz, lowest first: one per ratio from min to max. */
    public List<Integer> supportedFrequenciesMhz() {
        List<Integer> frequencies = new ArrayList<>(ratioMax - ratioMin + 1);
        for (int ratio = ratioMin; ratio <= ratioMax; ratio++) {
            frequencies.add(ratio * baseClockMhz);
        }
        return frequencies;
    }
}
