package dev.ergometer.service;

/**
 * The energy of one measured trial per pass over the test cases (a trial runs every test case {@code passes} times
 * in a row, so that it lasts long enough for the counters), net of idle: the raw energy minus the idle power times
 * the trial's duration, split as JouleTrace reports it, each figure divided by the passes. So every figure is that of
 * one run of every test case, whatever the passes.
 *
 * @param trial the trial's number, from 0
 * @param passes how many times the trial ran every test case
 * @param durationSeconds how long one pass ran (the trial's duration over its passes)
 * @param packageJoules the CPU packages' net energy of one pass (or the platform's when the source has no package
 *     domain)
 * @param ramJoules the memory's net energy of one pass (0 when the source has no DRAM domain)
 * @param rawTotalJoules package plus RAM of one pass before the idle energy was taken off
 */
public record TrialEnergy(int trial, int passes, double durationSeconds, double packageJoules, double ramJoules,
        double rawTotalJoules) {

    public TrialEnergy {
        if (trial < 0) {
            throw new IllegalArgumentException("trial numbers start at 0, got " + trial);
        }
        if (passes < 1) {
            throw new IllegalArgumentException("a trial runs at least one pass, got " + passes);
        }
        if (!(durationSeconds >= 0)) {
            throw new IllegalArgumentException("a trial's duration cannot be negative: " + durationSeconds + " s");
        }
    }

    /** A trial of one pass. */
    public TrialEnergy(int trial, double durationSeconds, double packageJoules, double ramJoules,
            double rawTotalJoules) {
        this(trial, 1, durationSeconds, packageJoules, ramJoules, rawTotalJoules);
    }

    /** How long the whole trial ran, every pass. */
    public double trialSeconds() {
        return durationSeconds * passes;
    }

    /** Package plus RAM of one pass, net of idle: the figure trials are compared and stopped on. */
    public double totalJoules() {
        return packageJoules + ramJoules;
    }
}
