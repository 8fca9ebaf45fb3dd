package dev.ergometer.service;

import dev.ergometer.stats.Summary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * The aggregate of a measurement's trials, as JouleTrace reports it, per pass over the test cases (a trial runs every
 * test case {@code passesPerTrial} times, and its figures are divided by that): medians of the net package, RAM and
 * total energy and of the duration, the energy per test case (median total over the number of test cases), the
 * average power (median total over median duration), how much the trials agree (coefficient of variation and a
 * confidence level), and whether the net energy stands out of the noise.
 *
 * <p>The noise of the median net total, per pass: {@code (2 q + T u) / P + 2 s / sqrt(n)}, with {@code q} the
 * counters' read error at the trials' raw power or the idle power, whichever is larger
 * ({@link CounterResolution#quantumJoules}; each trial is two reads),
 * {@code T} the median trial's duration (all its passes), {@code u} the idle power's uncertainty, {@code P} the
 * passes per trial, {@code s} the standard deviation of the trials' net totals per pass and {@code n} the trials. A
 * net total whose magnitude is at most that is reported as it is, and flagged {@code netWithinNoise}: the submission
 * draws no power that this measurement can tell from idle. A trial shorter than the counters resolve
 * ({@link NoiseFloor#resolvedTrialSeconds}: {@value CounterResolution#STEPS} updates, and steps at idle power; the
 * calibration aims at {@code MIN_TRIAL_S} above that, so a warning means it could not) or counting fewer than
 * {@value CounterResolution#STEPS} read errors of
 * energy gets a {@code resolutionWarning} and the confidence {@code low}.
 *
 * @param trials the trials aggregated, in order
 * @param testCases how many test cases each trial ran (per pass)
 * @param medianPackageJoules median net package energy per pass
 * @param medianRamJoules median net RAM energy per pass
 * @param medianTotalJoules median net total (package + RAM) energy per pass
 * @param medianRawTotalJoules median total energy per pass before the idle energy was taken off
 * @param medianDurationSeconds median duration of one pass
 * @param energyPerTestCaseJoules median total over the number of test cases
 * @param powerWatts median total over median duration (0 for a zero duration)
 * @param coefficientOfVariationPercent standard deviation over mean of the net totals, in percent (0 under 2 trials)
 * @param confidence {@code high} (CV under 5% over at least the minimum of trials, no resolution warning),
 *     {@code medium} (under 10%) or {@code low}
 * @param passesPerTrial how many passes over the test cases each trial ran
 * @param minimumTrialSeconds the length the calibration aimed each trial at
 * @param netNoiseJoules the noise of the median net total per pass (see above)
 * @param netWithinNoise whether the median net total's magnitude is within that noise
 * @param resolutionWarning why the counters could not resolve the trials well, when they could not
 */
public record EnergyMetrics(List<TrialEnergy> trials, int testCases, double medianPackageJoules,
        double medianRamJoules, double medianTotalJoules, double medianRawTotalJoules, double medianDurationSeconds,
        double energyPerTestCaseJoules, double powerWatts, double coefficientOfVariationPercent, String confidence,
        int passesPerTrial, double minimumTrialSeconds, double netNoiseJoules, boolean netWithinNoise,
        Optional<String> resolutionWarning) {

    /** How many standard errors of the trials' spread count as noise (two: about 95% of normal scatter). */
    static final double SPREAD_FACTOR = 2;

    public EnergyMetrics {
        trials = List.copyOf(trials);
        Objects.requireNonNull(confidence, "confidence");
        Objects.requireNonNull(resolutionWarning, "resolutionWarning");
    }

    /**
     * Aggregates trials read from exact counters (no noise floor).
     *
     * @param minimumTrials how many trials a high or medium confidence needs
     * @throws IllegalArgumentException without trials or without test cases
     */
    public static EnergyMetrics of(List<TrialEnergy> trials, int testCases, int minimumTrials) {
        return of(trials, testCases, minimumTrials, NoiseFloor.EXACT);
    }

    /**
     * Aggregates trials, judging them against the noise floor of their counters and idle power.
     *
     * @param minimumTrials how many trials a high or medium confidence needs
     * @throws IllegalArgumentException without trials, without test cases, or with trials of different passes
     */
    static EnergyMetrics of(List<TrialEnergy> trials, int testCases, int minimumTrials, NoiseFloor floor) {
        if (trials.isEmpty()) {
            throw new IllegalArgumentException("no trial to aggregate");
        }
        if (testCases < 1) {
            throw new IllegalArgumentException("energy per test case needs at least one test case, got " + testCases);
        }
        int passes = trials.getFirst().passes();
        if (trials.stream().anyMatch(t -> t.passes() != passes)) {
            throw new IllegalArgumentException("every trial of a measurement runs the same passes, got "
                    + trials.stream().map(TrialEnergy::passes).toList());
        }
        double[] totals = trials.stream().mapToDouble(TrialEnergy::totalJoules).toArray();
        double medianTotal = Summary.of(totals).median();
        double medianDuration = Summary.of(trials.stream().mapToDouble(TrialEnergy::durationSeconds).toArray())
                .median();
        double medianRaw = Summary.of(trials.stream().mapToDouble(TrialEnergy::rawTotalJoules).toArray()).median();
        double cvPercent = AdaptiveTrials.coefficientOfVariationPercent(totals);

        double trialSeconds = medianDuration * passes;
        double rawWatts = medianDuration > 0 ? medianRaw / medianDuration : 0;
        double quantum = floor.counters().quantumJoules(Math.max(rawWatts, floor.idleWatts()));
        double spread = totals.length >= 2
                ? SPREAD_FACTOR * standardDeviation(totals) / Math.sqrt(totals.length) : 0;
        double noise = (2 * quantum + trialSeconds * floor.idleUncertaintyWatts()) / passes + spread;

        List<String> problems = new ArrayList<>();
        if (trialSeconds < floor.resolvedTrialSeconds()) {
            problems.add(String.format(Locale.ROOT, "trials lasted %.3g s (%d passes), under the %.3g s these"
                    + " counters resolve (%d of their updates of %.3g s)%s", trialSeconds, passes,
                    floor.resolvedTrialSeconds(), CounterResolution.STEPS, floor.counters().updateIntervalSeconds(),
                    floor.shortfall().map(s -> "; " + s).orElse("")));
        }
        if (medianRaw * passes < CounterResolution.STEPS * quantum) {
            problems.add(String.format(Locale.ROOT, "a trial counted %.3g J, under %d times the %.3g J a read of"
                    + " the counters may be off", medianRaw * passes, CounterResolution.STEPS, quantum));
        }
        Optional<String> warning = problems.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", problems)
                + ": the energy is too small for these counters to resolve well");
        return new EnergyMetrics(trials, testCases,
                Summary.of(trials.stream().mapToDouble(TrialEnergy::packageJoules).toArray()).median(),
                Summary.of(trials.stream().mapToDouble(TrialEnergy::ramJoules).toArray()).median(),
                medianTotal,
                medianRaw,
                medianDuration,
                medianTotal / testCases,
                medianDuration > 0 ? medianTotal / medianDuration : 0,
                cvPercent,
                warning.isPresent() ? "low" : confidence(cvPercent, trials.size(), minimumTrials),
                passes,
                floor.minimumTrialSeconds(),
                noise,
                Math.abs(medianTotal) <= noise,
                warning);
    }

    private static double standardDeviation(double[] values) {
        double mean = Arrays.stream(values).average().orElse(0);
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return Math.sqrt(squares / (values.length - 1));
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
