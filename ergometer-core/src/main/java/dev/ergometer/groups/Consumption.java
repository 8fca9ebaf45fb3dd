package dev.ergometer.groups;

/**
 * The energy a process group (or the whole machine) has consumed per component since it was tracked, as vJoule's
 * consumption objects: CPU, RAM and GPU energy in microjoules, at one moment. Immutable; two of them give the
 * consumption between them ({@link #minus}), and one relates to another as percentages ({@link #percentOf}).
 *
 * <pre>{@code
 * Consumption before = group.consumption();
 * work();
 * Consumption used = group.consumption().minus(before);
 * System.out.println(used.cpuJoules() + " J, " + used.percentOf(machineUsed).cpuPercent() + " % of the machine");
 * }</pre>
 *
 * @param timeNanos when the counters were read, on the {@link dev.ergometer.sampler.Ticker} of the
 *     {@link ProcessGroups} that made it (for a difference: the later of the two)
 * @param cpuMicrojoules the CPU packages' energy ({@code package_N} domains; the platform's {@code psys} or
 *     {@code machine} domain when the source has no package domain)
 * @param ramMicrojoules the memory's energy ({@code dram_N} domains)
 * @param gpuMicrojoules the GPUs' energy (GPU domains)
 * @param estimated true when the numbers come from a model (the {@code model} source) and not from hardware counters
 */
public record Consumption(long timeNanos, long cpuMicrojoules, long ramMicrojoules, long gpuMicrojoules,
        boolean estimated) {

    public Consumption {
        if (cpuMicrojoules < 0 || ramMicrojoules < 0 || gpuMicrojoules < 0) {
            throw new IllegalArgumentException("energy cannot be negative: cpu " + cpuMicrojoules + " µJ, ram "
                    + ramMicrojoules + " µJ, gpu " + gpuMicrojoules + " µJ (for a difference, subtract the earlier"
                    + " consumption from the later one)");
        }
    }

    public double cpuJoules() {
        return cpuMicrojoules / 1e6;
    }

    public double ramJoules() {
        return ramMicrojoules / 1e6;
    }

    public double gpuJoules() {
        return gpuMicrojoules / 1e6;
    }

    /** CPU + RAM + GPU, in microjoules. */
    public long totalMicrojoules() {
        return cpuMicrojoules + ramMicrojoules + gpuMicrojoules;
    }

    /**
     * The consumption between {@code earlier} and this one (vJoule's {@code end - begin}): each component's
     * difference, at this one's time.
     *
     * @throws IllegalArgumentException when {@code earlier} holds more energy in some component (the operands are
     *     swapped, or come from different groups)
     */
    public Consumption minus(Consumption earlier) {
        if (earlier.cpuMicrojoules > cpuMicrojoules || earlier.ramMicrojoules > ramMicrojoules
                || earlier.gpuMicrojoules > gpuMicrojoules) {
            throw new IllegalArgumentException("cannot subtract " + earlier + " from " + this + ": it holds more"
                    + " energy; subtract the earlier consumption of the same group from the later one");
        }
        return new Consumption(Math.max(timeNanos, earlier.timeNanos), cpuMicrojoules - earlier.cpuMicrojoules,
                ramMicrojoules - earlier.ramMicrojoules, gpuMicrojoules - earlier.gpuMicrojoules,
                estimated || earlier.estimated);
    }

    /** The sum of two consumptions, component by component (estimated if either is). */
    public Consumption plus(Consumption other) {
        return new Consumption(Math.max(timeNanos, other.timeNanos), cpuMicrojoules + other.cpuMicrojoules,
                ramMicrojoules + other.ramMicrojoules, gpuMicrojoules + other.gpuMicrojoules,
                estimated || other.estimated);
    }

    /**
     * Each component of this consumption as a percentage of the same component of {@code base} (vJoule's
     * {@code part % whole}); 0 for a component whose base is 0.
     */
    public Percentages percentOf(Consumption base) {
        return new Percentages(percent(cpuMicrojoules, base.cpuMicrojoules),
                percent(ramMicrojoules, base.ramMicrojoules), percent(gpuMicrojoules, base.gpuMicrojoules));
    }

    private static double percent(long part, long whole) {
        return whole == 0 ? 0 : part * 100.0 / whole;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "Consumption[cpu=%.6f J, ram=%.6f J, gpu=%.6f J%s]", cpuJoules(),
                ramJoules(), gpuJoules(), estimated ? ", estimated" : "");
    }

    /**
     * A consumption as a share of another, per component, in percent (0 where the base is 0).
     *
     * @param cpuPercent the CPU energy's share
     * @param ramPercent the RAM energy's share
     * @param gpuPercent the GPU energy's share
     */
    public record Percentages(double cpuPercent, double ramPercent, double gpuPercent) {
    }
}
