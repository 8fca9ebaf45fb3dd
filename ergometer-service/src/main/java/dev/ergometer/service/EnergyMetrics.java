package dev.ergometer.service;

import dev.ergometer.stats.Summary;
import java.util.List;
import java.util.Objects;

/**
 * The aggregate of a measurement's trials, as JouleTrace reports it: medians of the net package, RAM and total
 * energy and of the duration, the energy per test case (median total over the number of test cases), the average
 * power (median total over median duration), and how much the trials agree (coefficient of variation and a
 * confidence level).
 *
 * @param trials the trials aggregated, in order
 * @param testCases how many test cases each trial ran
 * @param medianPackageJoules median net package energy
 * @param medianRamJoules median net RAM energy
 * @param medianTotalJoules median net total (package + RAM) energy
 * @param medianRawTotalJoules median total energy before the idle energy was taken off
 * @param medianDurationSeconds median trial duration
 * @param energyPerTestCaseJoules median total over the number of test cases
 * @param powerWatts median total over median duration (0 for a zero duration)
 * @param coefficientOfVariationPercent standard deviation over mean of the net totals, in percent (0 under 2 trials)
 * @param confidence {@code high} (CV under 5% over at least the minimum of trials), {@code medium} (under 10%) or
 *     {@code low}
 */
public record EnergyMetrics(List<TrialEnergy> trials, int testCases, double medianPackageJoules,
        double medianRamJoules, double medianTotalJoules, double medianRawTotalJoules, double medianDurationSeconds,
        double energyPerTestCaseJoules, double powerWatts, double coefficientOfVariationPercent, String confidence) {

    public EnergyMetrics {
        trials = List.copyOf(trials);
        Objects.requireNonNull(confidence, "confidence");
    }

    /**
     * Aggregates trials.
     *
     * @param minimumTrials how many trials a high or medium confidence needs
     * @throws IllegalArgumentException without trials or without test cases
     */
    public static EnergyMetrics of(List<TrialEnergy> trials, int testCases, int minimumTrials) {
        if (trials.isEmpty()) {
            throw new IllegalArgumentException("no trial to aggregate");
        }
        if (testCases < 1) {
            throw new IllegalArgumentException("energy per test case needs at least one test case, got " + testCases);
        }
        double[] totals = trials.stream().mapToDouble(TrialEnergy::totalJoules).toArray();
        double medianTotal = Summary.of(totals).median();
        double medianDuration = Summary.of(trials.stream().mapToDouble(TrialEnergy::durationSeconds).toArray())
                .median();
        double cvPercent = AdaptiveTrials.coefficientOfVariationPercent(totals);
        return new EnergyMetrics(trials, testCases,
                Summary.of(trials.stream().mapToDouble(TrialEnergy::packageJoules).toArray()).median(),
                Summary.of(trials.stream().mapToDouble(TrialEnergy::ramJoules).toArray()).median(),
                medianTotal,
                Summary.of(trials.stream().mapToDouble(TrialEnergy::rawTotalJoules).toArray()).median(),
                medianDuration,
                medianTotal / testCases,
                medianDuration > 0 ? medianTotal / medianDuration : 0,
                cvPercent,
                confidence(cvPercent, trials.size(), minimumTrials));
    }

    /** JouleTrace's confidence levels: high under 5% CV, medium under 10%, both with enough trials; low otherwise. */
    static String confidence(double cvPercent, int trials, int minimumTrials) {
        if (trials >= minimumTrials && cvPercent < AdaptiveTrials.TARGET_CV_PERCENT) {
            return "high";
        }
        if (trials >= minimumTrials && cvPercent < 2 * AdaptiveTrials.TARGET_CV_PERCENT) {
            return "medium";
        }
        return "low";
    }
}
