package dev.ergometer.source.nvml;

import dev.ergometer.model.Domain;
import dev.ergometer.source.DomainCounter;
import java.lang.foreign.MemorySegment;

/**
 * One NVIDIA GPU as {@link NvmlSource} reads it: its cumulative energy in µJ from NVML's energy counter, or from
 * power integrated with the trapezoid rule when the GPU has no energy counter.
 *
 * <p>The energy counter of many GPUs moves only every 10 to 100 ms. When two reads see the same counter value while
 * the GPU draws power, the interval's energy is approximated from the power reading and added on top of the
 * counter, and the reading is flagged ({@link #approximated()}); when the counter moves again it takes over, and
 * the reported value never goes back, so over a run the total is the counter's delta give or take the energy of
 * one update period.
 *
 * <p>Read failures are returned as negated NVML codes, never thrown. Not thread-safe; does not allocate.
 */
final class NvmlGpu {

    /** The most a single GPU board draws today (B200 is rated 1 kW); bounds what a reset can look like. */
    static final long MAX_POWER_MICROWATTS = 2_000_000_000L;

    private final Nvml nvml;
    private final MemorySegment handle;
    private final int index;
    private final String name;
    private final String busId;
    private final boolean integrates;
    private final DomainCounter counter;
    private long previousNanos;
    private long previousMilliwatts;
    private long previousCounterMillijoules;
    private double integratedMicrojoules;
    private double approximatedMicrojoules;
    private long reportedMicrojoules;
    private boolean approximated;

    private NvmlGpu(Nvml nvml, MemorySegment handle, int index, String name, String busId, boolean integrates,
            DomainCounter counter) {
        this.nvml = nvml;
        this.handle = handle;
        this.index = index;
        this.name = name;
        this.busId = busId;
        this.integrates = integrates;
        this.counter = counter;
    }

    /** A GPU read through its energy counter, starting from {@code firstMillijoules}. */
    static NvmlGpu energyCounter(Nvml nvml, MemorySegment handle, int index, String name, String busId, String uuid,
            long firstMillijoules, long nowNanos) {
        Domain domain = NvmlSource.domain(index);
        DomainCounter counter = new DomainCounter(domain, Long.MAX_VALUE, MAX_POWER_MICROWATTS, 1000.0,
                "NVML GPU " + index + " (" + name + ", " + busId + ", " + uuid + "): energy counter"
                        + " (nvmlDeviceGetTotalEnergyConsumption, mJ)");
        NvmlGpu gpu = new NvmlGpu(nvml, handle, index, name, busId, false, counter);
        gpu.previousCounterMillijoules = firstMillijoules;
        gpu.reportedMicrojoules = firstMillijoules * 1000;
        gpu.previousNanos = nowNanos;
        return gpu;
    }

    /** A GPU read by integrating its power, starting from {@code firstMilliwatts} at {@code nowNanos}. */
    static NvmlGpu integratedPower(Nvml nvml, MemorySegment handle, int index, String name, String busId,
            String uuid, long firstMilliwatts, long nowNanos, long intervalNanos) {
        Domain domain = NvmlSource.domain(index);
        DomainCounter counter = DomainCounter.integratedPower(domain, MAX_POWER_MICROWATTS,
                "NVML GPU " + index + " (" + name + ", " + busId + ", " + uuid + "): power"
                        + " (nvmlDeviceGetPowerUsage, mW) integrated every " + intervalNanos / 1_000_000 + " ms",
                intervalNanos);
        NvmlGpu gpu = new NvmlGpu(nvml, handle, index, name, busId, true, counter);
        gpu.previousMilliwatts = firstMilliwatts;
        gpu.previousNanos = nowNanos;
        return gpu;
    }

    DomainCounter counter() {
        return counter;
    }

    MemorySegment handle() {
        return handle;
    }

    int index() {
        return index;
    }

    String name() {
        return name;
    }

    String busId() {
        return busId;
    }

    /** True when this GPU's energy is integrated from power (no energy counter). */
    boolean integrates() {
        return integrates;
    }

    /** True once an interval shorter than the counter's update period was approximated from power. */
    boolean approximated() {
        return approximated;
    }

    /** The NVML function a read of this GPU calls. */
    String readFunction() {
        return integrates ? "nvmlDeviceGetPowerUsage" : "nvmlDeviceGetTotalEnergyConsumption";
    }

    /**
     * The cumulative energy in µJ at {@code nowNanos}, or the negated NVML return code when the GPU cannot be read.
     */
    long readMicrojoules(long nowNanos) {
        return integrates ? readIntegrated(nowNanos) : readCounter(nowNanos);
    }

    private long readIntegrated(long nowNanos) {
        long milliwatts = nvml.tryPowerMilliwatts(handle);
        if (milliwatts < 0) {
            return milliwatts;
        }
        long elapsedNanos = nowNanos - previousNanos;
        if (elapsedNanos >= 0) {
            // trapezoid: mean power (mW) x elapsed (ns) = 1e-12 J = 1e-6 µJ
            integratedMicrojoules += (double) (previousMilliwatts + milliwatts) * elapsedNanos / 2e6;
            previousMilliwatts = milliwatts;
            previousNanos = nowNanos;
        }
        return (long) integratedMicrojoules;
    }

    private long readCounter(long nowNanos) {
        long millijoules = nvml.tryTotalEnergyMillijoules(handle);
        if (millijoules < 0) {
            return millijoules;
        }
        long elapsedNanos = nowNanos - previousNanos;
        if (millijoules != previousCounterMillijoules) {
            previousCounterMillijoules = millijoules;
            approximatedMicrojoules = 0;
        } else if (elapsedNanos > 0) {
            long milliwatts = nvml.tryPowerMilliwatts(handle);
            if (milliwatts > 0) {
                approximatedMicrojoules += (double) milliwatts * elapsedNanos / 1e6;
                approximated = true;
            }
        }
        previousNanos = Math.max(previousNanos, nowNanos);
        reportedMicrojoules = Math.max(reportedMicrojoules,
                millijoules * 1000 + (long) approximatedMicrojoules);
        return reportedMicrojoules;
    }
}
