package dev.ergometer.stats;

import java.util.Arrays;

/**
 * Descriptive statistics of repeated measurements: median, mean, sample standard deviation, coefficient of
 * variation and a 95% confidence interval of the mean (Student's t).
 *
 * @param count the number of values
 * @param median the middle value (the mean of the two middle ones for an even count)
 * @param mean the arithmetic mean
 * @param standardDeviation the sample standard deviation (n - 1); 0 for a single value
 * @param coefficientOfVariation standard deviation over mean; 0 when the mean is 0
 * @param ci95Low lower bound of the 95% confidence interval of the mean (equal to the mean for one value)
 * @param ci95High upper bound of the 95% confidence interval of the mean
 */
public record Summary(int count, double median, double mean, double standardDeviation, double coefficientOfVariation,
        double ci95Low, double ci95High) {

    /** Two-sided 97.5% quantiles of Student's t for 1 to 30 degrees of freedom. */
    private static final double[] T_975 = {
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
        2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
        2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042
    };

    public Summary {
        if (count < 1) {
            throw new IllegalArgumentException("a summary needs at least one value, got " + count);
        }
    }

    /** Summarises the values (at least one; NaN is refused). */
    public static Summary of(double... values) {
        if (values.length == 0) {
            throw new IllegalArgumentException("a summary needs at least one value");
        }
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        if (Double.isNaN(sorted[sorted.length - 1])) {
            throw new IllegalArgumentException("cannot summarise NaN values");
        }
        int n = sorted.length;
        double median = n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
        double sum = 0;
        for (double v : sorted) {
            sum += v;
        }
        double mean = sum / n;
        double squares = 0;
        for (double v : sorted) {
            squares += (v - mean) * (v - mean);
        }
        double sd = n > 1 ? Math.sqrt(squares / (n - 1)) : 0;
        double cv = mean == 0 ? 0 : sd / Math.abs(mean);
        double half = n > 1 ? tQuantile975(n - 1) * sd / Math.sqrt(n) : 0;
        return new Summary(n, median, mean, sd, cv, mean - half, mean + half);
    }

    /** The 97.5% quantile of Student's t with {@code degreesOfFreedom}: exact to 3 decimals up to 30, then close. */
    static double tQuantile975(int degreesOfFreedom) {
        if (degreesOfFreedom < 1) {
            throw new IllegalArgumentException("degrees of freedom must be >= 1");
        }
        if (degreesOfFreedom <= T_975.length) {
            return T_975[degreesOfFreedom - 1];
        }
        // Beyond 30: 1.96 + 2.4/df stays within 0.003 of the true quantile (2.021 at 40, 2.000 at 60, 1.980 at 120).
        return 1.959964 + 2.4 / degreesOfFreedom;
    }
}
