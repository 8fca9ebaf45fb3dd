package dev.ergometer.stats;

import java.util.Arrays;

/**
 * The two-sided Mann-Whitney U test (Wilcoxon rank-sum test) of two independent samples, computed as R's
 * {@code wilcox.test(a, b)} computes it: the statistic {@code u} is R's {@code W} (the rank sum of {@code a} minus
 * {@code nA(nA + 1)/2}); the p-value is exact when both samples have fewer than 50 values and no value is tied,
 * otherwise from the normal approximation with the tie correction of the variance and a continuity correction of 0.5.
 *
 * <pre>{@code
 * MannWhitney test = MannWhitney.test(energiesA, energiesB);
 * boolean differ = test.pValue() < 0.05;
 * }</pre>
 *
 * @param u the U statistic of the first sample: how many (a, b) pairs have a &gt; b, ties counting one half
 * @param z the standardised statistic of the normal approximation (continuity-corrected); NaN when exact
 * @param pValue the two-sided p-value
 * @param exact true when the p-value comes from the exact distribution of U
 * @param sizeA the first sample's size
 * @param sizeB the second sample's size
 */
public record MannWhitney(double u, double z, double pValue, boolean exact, int sizeA, int sizeB) {

    /** Below this size of both samples, and without ties, the p-value is exact (R's threshold). */
    public static final int EXACT_BELOW = 50;

    public MannWhitney {
        if (sizeA < 1 || sizeB < 1) {
            throw new IllegalArgumentException("the Mann-Whitney test needs at least one value in each sample, got "
                    + sizeA + " and " + sizeB);
        }
        if (!(pValue >= 0 && pValue <= 1)) {
            throw new IllegalArgumentException("a p-value lies in [0, 1], got " + pValue);
        }
    }

    /** Tests whether {@code a} and {@code b} come from the same distribution (two-sided); NaN is refused. */
    public static MannWhitney test(double[] a, double[] b) {
        int na = a.length;
        int nb = b.length;
        if (na == 0 || nb == 0) {
            throw new IllegalArgumentException("the Mann-Whitney test needs at least one value in each sample, got "
                    + na + " and " + nb);
        }
        double[] all = new double[na + nb];
        System.arraycopy(a, 0, all, 0, na);
        System.arraycopy(b, 0, all, na, nb);
        for (double v : all) {
            if (Double.isNaN(v)) {
                throw new IllegalArgumentException("cannot rank NaN values");
            }
        }
        Ranks ranks = Ranks.of(all);
        double rankSumA = 0;
        for (int i = 0; i < na; i++) {
            rankSumA += ranks.rank(i);
        }
        double u = rankSumA - na * (na + 1) / 2.0;
        if (na < EXACT_BELOW && nb < EXACT_BELOW && !ranks.hasTies()) {
            return new MannWhitney(u, Double.NaN, exactPValue((long) u, na, nb), true, na, nb);
        }
        double n = na + nb;
        double variance = (na * (double) nb / 12) * ((n + 1) - ranks.tieSum() / (n * (n - 1)));
        double centred = u - na * (double) nb / 2;
        if (variance <= 0) {
            // Every value equal: no evidence of any difference.
            return new MannWhitney(u, 0, 1, false, na, nb);
        }
        double z = (centred - Math.signum(centred) * 0.5) / Math.sqrt(variance);
        double p = 2 * Math.min(Normal.cdf(z), Normal.cdf(-z));
        return new MannWhitney(u, z, Math.min(1, p), false, na, nb);
    }

    /** U divided by nA nB: the probability that a value of {@code a} exceeds one of {@code b}, ties counting half. */
    public double probabilityAExceedsB() {
        return u / ((double) sizeA * sizeB);
    }

    /** R's exact two-sided p-value: twice the smaller tail of U's distribution at the observed U, at most 1. */
    static double exactPValue(long u, int na, int nb) {
        double[] counts = exactCounts(na, nb);
        double total = 0;
        for (double c : counts) {
            total += c;
        }
        double tail = 0;
        if (u > na * (long) nb / 2.0) {
            for (long k = u; k < counts.length; k++) {
                tail += counts[(int) k];
            }
        } else {
            for (long k = 0; k <= u; k++) {
                tail += counts[(int) k];
            }
        }
        return Math.min(1, 2 * tail / total);
    }

    /**
     * How many arrangements of {@code na} and {@code nb} distinct values give each U from 0 to na nb: the
     * recurrence c(u; i, j) = c(u - j; i - 1, j) + c(u; i, j - 1) (the largest value is from the first sample or
     * from the second), additions only.
     */
    static double[] exactCounts(int na, int nb) {
        double[][] previous = new double[nb + 1][];
        for (int j = 0; j <= nb; j++) {
            previous[j] = new double[] {1};
        }
        for (int i = 1; i <= na; i++) {
            double[][] current = new double[nb + 1][];
            current[0] = new double[] {1};
            for (int j = 1; j <= nb; j++) {
                double[] counts = new double[i * j + 1];
                double[] withoutA = previous[j];
                for (int k = 0; k < withoutA.length; k++) {
                    counts[k + j] += withoutA[k];
                }
                double[] withoutB = current[j - 1];
                for (int k = 0; k < withoutB.length; k++) {
                    counts[k] += withoutB[k];
                }
                current[j] = counts;
            }
            previous = current;
        }
        return previous[nb];
    }

    /** Mid-ranks (1-based, ties sharing their mean rank) of values, and the tie term sum(t^3 - t) over tie groups. */
    private record Ranks(double[] ranks, double tieSum, boolean hasTies) {

        static Ranks of(double[] values) {
            int n = values.length;
            Integer[] order = new Integer[n];
            for (int i = 0; i < n; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (x, y) -> Double.compare(values[x], values[y]));
            double[] ranks = new double[n];
            double tieSum = 0;
            boolean ties = false;
            int start = 0;
            while (start < n) {
                int end = start;
                while (end + 1 < n && values[order[end + 1]] == values[order[start]]) {
                    end++;
                }
                int t = end - start + 1;
                double mid = (start + end) / 2.0 + 1;
                for (int k = start; k <= end; k++) {
                    ranks[order[k]] = mid;
                }
                if (t > 1) {
                    ties = true;
                    tieSum += (double) t * t * t - t;
                }
                start = end + 1;
            }
            return new Ranks(ranks, tieSum, ties);
        }

        double rank(int i) {
            return ranks[i];
        }
    }
}
