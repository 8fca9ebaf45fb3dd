package dev.ergometer.service;

/**
 * When to stop measuring: after at least {@value #MINIMUM_TRIALS} trials (or all of them when fewer are asked for),
 * as soon as the net totals' coefficient of variation is under {@value #TARGET_CV_PERCENT}%; at the latest after the
 * trials asked for ({@code energy_measurement_trials}, at most 20).
 *
 * @param maximumTrials the trials asked for
 */
public record AdaptiveTrials(int maximumTrials) {

    /** The fewest trials before stopping early. */
    public static final int MINIMUM_TRIALS = 3;
    /** The coefficient of variation under which the trials agree well enough. */
    public static final double TARGET_CV_PERCENT = 5.0;

    public AdaptiveTrials {
        if (maximumTrials < 1) {
            throw new IllegalArgumentException("at least one trial is needed, got " + maximumTrials);
        }
    }

    /** The trials a confident result needs: {@value #MINIMUM_TRIALS}, or every trial when fewer are asked for. */
    public int minimumTrials() {
        return Math.min(MINIMUM_TRIALS, maximumTrials);
    }

    /** Whether to run another trial after these net totals (one per trial done, in joules). */
    public boolean wantsAnother(double[] totalsJoules) {
        int done = totalsJoules.length;
        if (done >= maximumTrials) {
            return false;
        }
        if (done < minimumTrials()) {
            return true;
        }
        return coefficientOfVariationPercent(totalsJoules) >= TARGET_CV_PERCENT;
    }

    /** Sample standard deviation over the absolute mean, in percent; 0 under two values or for a zero mean. */
    static double coefficientOfVariationPercent(double[] values) {
        if (values.length < 2) {
            return 0;
        }
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        double mean = sum / values.length;
        if (mean == 0) {
            return 0;
        }
        double squares = 0;
        for (double v : values) {
            squares += (v - mean) * (v - mean);
        }
        return Math.sqrt(squares / (values.length - 1)) / Math.abs(mean) * 100;
    }
}
