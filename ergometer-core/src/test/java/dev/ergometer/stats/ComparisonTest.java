package dev.ergometer.stats;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ComparisonTest {

    /** Thirty runs around {@code mean} with 2% noise. */
    private static double[] runs(Random random, double mean) {
        double[] values = new double[30];
        for (int i = 0; i < values.length; i++) {
            values[i] = mean * (1 + 0.02 * random.nextGaussian());
        }
        return values;
    }

    @Test
    void aTwelvePercentSavingIsFoundAndSaidInPlainWords() {
        Random random = new Random(2024);
        double[] a = runs(random, 50.0);
        double[] b = runs(random, 44.0);

        Comparison c = Comparison.of("package_0", "A", a, "B", b, Comparison.Settings.DEFAULT);

        assertThat(c.significant()).isTrue();
        assertThat(c.percentChange().orElseThrow()).isBetween(-13.5, -10.5);
        assertThat(c.percentChangeInterval().orElseThrow().contains(-12)).isTrue();
        assertThat(c.verdict()).matches("B uses 1[123]% less package_0 energy than A \\(95% CI 1\\d-1\\d% less;"
                + " Mann-Whitney p < 0\\.001\\)");
    }

    @Test
    void aTwelvePercentIncreaseSaysMore() {
        Random random = new Random(99);
        double[] a = runs(random, 50.0);
        double[] b = runs(random, 56.0);

        Comparison c = Comparison.of("dram_0", "old", a, "new", b, Comparison.Settings.DEFAULT);

        assertThat(c.verdict()).startsWith("new uses 1").contains("% more dram_0 energy than old");
    }

    @Test
    void identicalDataHaveNoSignificantDifference() {
        double[] a = runs(new Random(5), 50.0);

        Comparison c = Comparison.of("package_0", "A", a, "B", a.clone(), Comparison.Settings.DEFAULT);

        assertThat(c.significant()).isFalse();
        assertThat(c.test().pValue()).isEqualTo(1.0);
        assertThat(c.verdict()).startsWith("No significant difference in package_0 energy between A and B (B vs A:"
                + " 0.0%, 95% CI -").endsWith("; Mann-Whitney p = 1)");
    }

    @Test
    void twoSamplesOfTheSameDistributionAreMostlyNotSignificant() {
        Random random = new Random(8);
        int significant = 0;
        for (int t = 0; t < 100; t++) {
            Comparison c = Comparison.of("package_0", "A", runs(random, 50), "B", runs(random, 50),
                    new Comparison.Settings(0.95, 1_000, t));
            if (c.significant()) {
                significant++;
            }
        }
        // Both criteria at 5%: false alarms in at most about 5% of the pairs (binomial bound).
        assertThat(significant).isLessThanOrEqualTo(11);
    }

    @Test
    void threeRunsEachCanNeverBeSignificant() {
        Comparison c = Comparison.of("package_0", "A", new double[] {10, 10.1, 10.2}, "B",
                new double[] {5, 5.1, 5.2}, Comparison.Settings.DEFAULT);

        assertThat(c.medians().differenceInterval().contains(0)).isFalse();
        assertThat(c.test().pValue()).isEqualTo(0.1);
        assertThat(c.significant()).isFalse();
        assertThat(c.verdict()).startsWith("No significant difference").contains("p = 0.1)");
    }

    @Test
    void aBaselineNearZeroIsComparedInJoules() {
        Random random = new Random(1);
        double[] a = new double[20];
        double[] b = new double[20];
        for (int i = 0; i < 20; i++) {
            a[i] = 0.05 * random.nextGaussian();
            b[i] = 2 + 0.05 * random.nextGaussian();
        }

        Comparison c = Comparison.of("package_0", "idle", a, "busy", b, Comparison.Settings.DEFAULT);

        assertThat(c.percentChange()).isEmpty();
        assertThat(c.verdict()).matches("busy uses [12]\\.\\d+ J more package_0 energy than idle \\(95% CI"
                + " [12]\\.\\d+-[12]\\.\\d+ J more; Mann-Whitney p < 0\\.001\\)");
    }

    @Test
    void pValuesReadAsPeopleWriteThem() {
        assertThat(Comparison.pValueText(0.0004)).isEqualTo("< 0.001");
        assertThat(Comparison.pValueText(0.01342)).isEqualTo("= 0.013");
        assertThat(Comparison.pValueText(0.7149)).isEqualTo("= 0.71");
        assertThat(Comparison.pValueText(1.0)).isEqualTo("= 1");
    }
}
