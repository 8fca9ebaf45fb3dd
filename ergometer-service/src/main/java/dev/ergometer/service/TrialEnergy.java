package dev.ergometer.service;

/**
 * The energy of one measured trial (every test case run once), net of idle: the raw energy minus the idle power
 * times the trial's duration, split as JouleTrace reports it.
 *
 * @param trial the trial's number, from 0
 * @param durationSeconds how long the trial ran
 * @param packageJoules the CPU packages' net energy (or the platform's when the source has no package domain)
 * @param ramJoules the memory's net energy (0 when the source has no DRAM domain)
 * @param rawTotalJoules package plus RAM before the idle energy was taken off
 */
public record TrialEnergy(int trial, double durationSeconds, double packageJoules, double ramJoules,
        double rawTotalJoules) {

    public TrialEnergy {
        if (trial < 0) {
            throw new IllegalArgumentException("trial numbers start at 0, got " + trial);
        }
        if (!(durationSeconds >= 0)) {
            throw new IllegalArgumentException("a trial's duration cannot be negative: " + durationSeconds + " s");
        }
    }

    /** Package plus RAM, net of idle: the figure trials are compared and stopped on. */
    public double totalJoules() {
        return packageJoules + ramJoules;
    }
}
