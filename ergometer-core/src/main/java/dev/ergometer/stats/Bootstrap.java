package dev.ergometer.stats;

import java.util.Arrays;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Percentile bootstrap confidence intervals of the difference and of the ratio of two samples' medians
 * ({@code median(b) - median(a)} and {@code median(b) / median(a)}), seeded so that the same data and seed always
 * give the same interval.
 *
 * <p>Each resample draws {@code a.length} values from {@code a} and {@code b.length} values from {@code b} with
 * replacement (the two samples are independent); the interval is the {@code (1 - confidence) / 2} and
 * {@code (1 + confidence) / 2} quantiles of the resampled statistic (R's quantile type 7: linear interpolation). The
 * percentile method rather than BCa: BCa's acceleration comes from the jackknife, which is not consistent for the
 * median, and the percentile interval needs no such estimate. Both statistics come from the same resamples, so for
 * positive medians a resample's difference is below 0 exactly when its ratio is below 1: the two intervals agree on
 * whether "no change" is inside (up to the interpolation between two neighbouring resamples).
 *
 * <pre>{@code
 * Bootstrap.MedianDifference d = Bootstrap.medians(a, b, 0.95, Bootstrap.DEFAULT_RESAMPLES, Bootstrap.DEFAULT_SEED);
 * }</pre>
 */
public final class Bootstrap {

    /** Resamples by default: enough for the 2.5% and 97.5% quantiles to move by well under 1% between seeds. */
    public static final int DEFAULT_RESAMPLES = 10_000;
    /** The seed used unless another is given, so that reports are reproducible. */
    public static final long DEFAULT_SEED = 42;

    private Bootstrap() {
    }

    /**
     * A confidence interval.
     *
     * @param low the lower bound
     * @param high the upper bound
     * @param confidence the confidence level, in (0, 1)
     */
    public record Interval(double low, double high, double confidence) {

        public Interval {
            if (!(low <= high)) {
                throw new IllegalArgumentException("an interval needs low <= high, got " + low + " and " + high);
            }
            checkConfidence(confidence);
        }

        /** True when {@code value} lies inside the interval, bounds included. */
        public boolean contains(double value) {
            return value >= low && value <= high;
        }
    }

    /**
     * The difference and ratio of two medians with their bootstrap intervals.
     *
     * @param medianA the first sample's median
     * @param medianB the second sample's median
     * @param difference {@code medianB - medianA}
     * @param differenceInterval the percentile interval of the difference
     * @param ratio {@code medianB / medianA}; empty when {@code medianA} is not above 0
     * @param ratioInterval the percentile interval of the ratio; empty when a resampled median of {@code a} is not
     *     above 0 (the ratio is then undefined or changes sign)
     * @param resamples how many resamples were drawn
     * @param seed the random seed
     */
    public record MedianDifference(double medianA, double medianB, double difference, Interval differenceInterval,
            Optional<Double> ratio, Optional<Interval> ratioInterval, int resamples, long seed) {
    }

    /** The medians' difference and ratio of {@code b} against {@code a}, with percentile intervals. */
    public static MedianDifference medians(double[] a, double[] b, double confidence, int resamples, long seed) {
        checkConfidence(confidence);
        if (a.length == 0 || b.length == 0) {
            throw new IllegalArgumentException("the bootstrap needs at least one value in each sample, got "
                    + a.length + " and " + b.length);
        }
        if (resamples < 100) {
            throw new IllegalArgumentException("at least 100 bootstrap resamples are needed, got " + resamples);
        }
        double medianA = median(a.clone());
        double medianB = median(b.clone());
        if (Double.isNaN(medianA) || Double.isNaN(medianB)) {
            throw new IllegalArgumentException("cannot bootstrap NaN values");
        }
        SplittableRandom random = new SplittableRandom(seed);
        double[] drawA = new double[a.length];
        double[] drawB = new double[b.length];
        double[] differences = new double[resamples];
        double[] ratios = new double[resamples];
        boolean ratioDefined = medianA > 0;
        for (int r = 0; r < resamples; r++) {
            for (int i = 0; i < drawA.length; i++) {
                drawA[i] = a[random.nextInt(a.length)];
            }
            for (int i = 0; i < drawB.length; i++) {
                drawB[i] = b[random.nextInt(b.length)];
            }
            double ma = median(drawA);
            double mb = median(drawB);
            differences[r] = mb - ma;
            if (ma > 0) {
                ratios[r] = mb / ma;
            } else {
                ratioDefined = false;
            }
        }
        double lowQuantile = (1 - confidence) / 2;
        double highQuantile = 1 - lowQuantile;
        Arrays.sort(differences);
        Interval differenceInterval = new Interval(quantile(differences, lowQuantile),
                quantile(differences, highQuantile), confidence);
        Optional<Interval> ratioInterval = Optional.empty();
        if (ratioDefined) {
            Arrays.sort(ratios);
            ratioInterval = Optional.of(new Interval(quantile(ratios, lowQuantile), quantile(ratios, highQuantile),
                    confidence));
        }
        Optional<Double> ratio = medianA > 0 ? Optional.of(medianB / medianA) : Optional.empty();
        return new MedianDifference(medianA, medianB, medianB - medianA, differenceInterval, ratio, ratioInterval,
                resamples, seed);
    }

    /** The median of values (sorted in place): the mean of the two middle values for an even count. */
    static double median(double[] values) {
        Arrays.sort(values);
        int n = values.length;
        return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
    }

    /** The p-quantile of sorted values by linear interpolation between order statistics (R's type 7). */
    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int below = (int) Math.floor(h);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (h - below) * (sorted[above] - sorted[below]);
    }

    private static void checkConfidence(double confidence) {
        if (!(confidence > 0 && confidence < 1)) {
            throw new IllegalArgumentException("a confidence level lies strictly between 0 and 1 (0.95 for 95%), got "
                    + confidence);
        }
    }
}
