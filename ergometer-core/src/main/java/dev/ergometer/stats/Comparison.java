package dev.ergometer.stats;

import dev.ergometer.stats.Bootstrap.Interval;
import dev.ergometer.stats.Bootstrap.MedianDifference;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Whether two implementations' energies for one domain really differ: the medians, their ratio, a percentile
 * bootstrap interval of the difference (and of the ratio), a two-sided Mann-Whitney test, and a verdict in plain
 * words.
 *
 * <p><b>The rule.</b> B differs from A when both agree: the bootstrap interval of {@code median(B) - median(A)}
 * excludes 0, <em>and</em> the Mann-Whitney p-value is below {@code 1 - confidence}. Otherwise the verdict is "no
 * significant difference". Requiring both keeps a verdict from resting on the medians alone (the interval) or on a
 * shift of the whole distribution alone (the test). With fewer than 4 runs on each side nothing can be significant at
 * 95% (the smallest exact two-sided p-value for 3 and 3 runs is 0.1).
 *
 * <pre>{@code
 * Comparison c = Comparison.of("package_0", "A", energiesA, "B", energiesB, Comparison.Settings.DEFAULT);
 * System.out.println(c.verdict());   // B uses 12% less package_0 energy than A (95% CI 11-13% less; p < 0.001)
 * }</pre>
 *
 * @param domain the domain compared ({@code package_0}, ...)
 * @param nameA the name of the baseline
 * @param nameB the name of what is compared with it
 * @param runsA the baseline's number of runs
 * @param runsB the other's number of runs
 * @param medians the medians, their difference and ratio with bootstrap intervals
 * @param test the Mann-Whitney test of the two samples
 * @param significant whether B differs from A by the rule above
 */
public record Comparison(String domain, String nameA, String nameB, int runsA, int runsB, MedianDifference medians,
        MannWhitney test, boolean significant) {

    /**
     * How to compare.
     *
     * @param confidence the confidence level of the interval; the test's level is {@code 1 - confidence}
     * @param resamples bootstrap resamples
     * @param seed the bootstrap's random seed
     */
    public record Settings(double confidence, int resamples, long seed) {

        /** 95%, {@value Bootstrap#DEFAULT_RESAMPLES} resamples, the default seed. */
        public static final Settings DEFAULT = new Settings(0.95, Bootstrap.DEFAULT_RESAMPLES,
                Bootstrap.DEFAULT_SEED);

        public Settings {
            if (!(confidence > 0 && confidence < 1)) {
                throw new IllegalArgumentException("the confidence level lies strictly between 0 and 1 (0.95 for"
                        + " 95%), got " + confidence);
            }
            if (resamples < 100) {
                throw new IllegalArgumentException("at least 100 bootstrap resamples are needed, got " + resamples);
            }
        }
    }

    public Comparison {
        Objects.requireNonNull(domain, "domain");
        Objects.requireNonNull(nameA, "nameA");
        Objects.requireNonNull(nameB, "nameB");
        Objects.requireNonNull(medians, "medians");
        Objects.requireNonNull(test, "test");
    }

    /** Compares {@code b} (named {@code nameB}) with the baseline {@code a} for one domain. */
    public static Comparison of(String domain, String nameA, double[] a, String nameB, double[] b,
            Settings settings) {
        MedianDifference medians = Bootstrap.medians(a, b, settings.confidence(), settings.resamples(),
                settings.seed());
        MannWhitney test = MannWhitney.test(a, b);
        boolean significant = !medians.differenceInterval().contains(0) && test.pValue() < 1 - settings.confidence();
        return new Comparison(domain, nameA, nameB, a.length, b.length, medians, test, significant);
    }

    /** The confidence level of the interval. */
    public double confidence() {
        return medians.differenceInterval().confidence();
    }

    /** How much more (positive) or less (negative) energy B uses than A, in percent of A's median. */
    public Optional<Double> percentChange() {
        return medians.ratio().map(r -> (r - 1) * 100);
    }

    /** The interval of {@link #percentChange()}, from the ratio's bootstrap interval. */
    public Optional<Interval> percentChangeInterval() {
        return medians.ratioInterval().map(r -> new Interval((r.low() - 1) * 100, (r.high() - 1) * 100,
                r.confidence()));
    }

    /**
     * The verdict in one sentence, for example {@code B uses 12% less package_0 energy than A (95% CI 11-13% less;
     * Mann-Whitney p < 0.001)} or {@code No significant difference in package_0 energy between A and B (B vs A: +0.2%,
     * 95% CI -1.1% to +1.4%; Mann-Whitney p = 0.81)}. In joules when A's median is not above 0 (net energy within the
     * idle noise), where a percentage means nothing.
     */
    public String verdict() {
        String level = format("%.0f%% CI", confidence() * 100);
        String p = "Mann-Whitney p " + pValueText(test.pValue());
        Optional<Interval> percent = percentChangeInterval();
        if (significant) {
            if (percent.isPresent()) {
                Interval ci = percent.get();
                boolean less = medians.differenceInterval().high() < 0;
                double point = Math.abs(percentChange().orElseThrow());
                double from = less ? -ci.high() : ci.low();
                double to = less ? -ci.low() : ci.high();
                int decimals = decimals(point, from, to);
                return format("%s uses %s%% %s %s energy than %s (%s %s-%s%% %s; %s)", nameB,
                        number(point, decimals), less ? "less" : "more", domain, nameA, level,
                        number(from, decimals), number(to, decimals), less ? "less" : "more", p);
            }
            Interval ci = medians.differenceInterval();
            boolean less = ci.high() < 0;
            double from = less ? -ci.high() : ci.low();
            double to = less ? -ci.low() : ci.high();
            return format("%s uses %s J %s %s energy than %s (%s %s-%s J %s; %s)", nameB,
                    joules(Math.abs(medians.difference())), less ? "less" : "more", domain, nameA, level,
                    joules(from), joules(to), less ? "less" : "more", p);
        }
        String change;
        if (percent.isPresent()) {
            Interval ci = percent.get();
            int decimals = decimals(Math.abs(percentChange().orElseThrow()), Math.abs(ci.low()), Math.abs(ci.high()));
            change = format("%s vs %s: %s%%, %s %s%% to %s%%", nameB, nameA,
                    signed(percentChange().orElseThrow(), decimals), level, signed(ci.low(), decimals),
                    signed(ci.high(), decimals));
        } else {
            Interval ci = medians.differenceInterval();
            change = format("%s - %s: %s J, %s %s J to %s J", nameB, nameA, signedJoules(medians.difference()),
                    level, signedJoules(ci.low()), signedJoules(ci.high()));
        }
        return format("No significant difference in %s energy between %s and %s (%s; %s)", domain, nameA, nameB,
                change, p);
    }

    /** A p-value for people: {@code < 0.001}, else two significant digits ({@code = 0.013}, {@code = 0.71}). */
    public static String pValueText(double p) {
        if (p < 0.001) {
            return "< 0.001";
        }
        if (p >= 0.995) {
            return "= 1";
        }
        return "= " + new java.math.BigDecimal(p).round(new java.math.MathContext(2)).stripTrailingZeros()
                .toPlainString();
    }

    /** Whole percents for an interval at least 2 points wide whose figures are all 1 or more; else one decimal. */
    private static int decimals(double point, double from, double to) {
        return to - from >= 2 && Math.min(point, Math.min(Math.abs(from), Math.abs(to))) >= 1 ? 0 : 1;
    }

    private static String number(double value, int decimals) {
        return format("%." + decimals + "f", value);
    }

    private static String signed(double value, int decimals) {
        String text = number(Math.abs(value), decimals);
        return text.matches("0(\\.0+)?") ? text : (value < 0 ? "-" : "+") + text;
    }

    private static String joules(double value) {
        return new java.math.BigDecimal(value).round(new java.math.MathContext(3)).stripTrailingZeros()
                .toPlainString();
    }

    private static String signedJoules(double value) {
        return (value > 0 ? "+" : "") + joules(value);
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
