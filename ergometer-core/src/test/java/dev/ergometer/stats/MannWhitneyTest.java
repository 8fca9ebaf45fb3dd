package dev.ergometer.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.stream.DoubleStream;
import java.util.stream.IntStream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

/**
 * Reference values: R's documented example of wilcox.test (?wilcox.test: W = 35, one-sided p = 0.1272) and
 * scipy.stats.mannwhitneyu 1.17 (method "exact", or "asymptotic" with use_continuity=True, which is R's
 * computation), two-sided.
 */
class MannWhitneyTest {

    @Test
    void rsDocumentedExampleIsExactWithWThirtyFive() {
        double[] x = {0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46};
        double[] y = {1.15, 0.88, 0.90, 0.74, 1.21};

        MannWhitney test = MannWhitney.test(x, y);

        assertThat(test.u()).isEqualTo(35);
        assertThat(test.exact()).isTrue();
        // R: alternative = "greater" gives 0.1272; two-sided is twice that.
        assertThat(test.pValue()).isCloseTo(0.2544122544122544, within(1e-12));
    }

    @Test
    void completeSeparationOfFourAndFourGivesTwoOverSeventy() {
        MannWhitney test = MannWhitney.test(new double[] {1, 2, 3, 4}, new double[] {5, 6, 7, 8});

        assertThat(test.u()).isZero();
        assertThat(test.pValue()).isCloseTo(2.0 / 70, within(1e-15));
    }

    @Test
    void threeRunsAgainstThreeCanNeverGoBelowATenth() {
        assertThat(MannWhitney.test(new double[] {1.1, 2.2, 3.3}, new double[] {4.4, 5.5, 6.6}).pValue())
                .isCloseTo(0.1, within(1e-15));
    }

    @Test
    void twentyAgainstTwentyWithoutTiesIsExact() {
        double[] a = IntStream.rangeClosed(1, 20).asDoubleStream().toArray();
        double[] b = IntStream.rangeClosed(1, 20).mapToDouble(i -> i + 9.5).toArray();

        MannWhitney test = MannWhitney.test(a, b);

        assertThat(test.exact()).isTrue();
        assertThat(test.u()).isEqualTo(55);
        assertThat(test.pValue()).isCloseTo(3.364318303622844e-05, within(1e-17));
    }

    @Test
    void fortyNineAgainstFortyNineIsStillExact() {
        double[] a = IntStream.range(1, 50).asDoubleStream().toArray();
        double[] b = IntStream.range(10, 59).mapToDouble(i -> i + 0.5).toArray();

        MannWhitney test = MannWhitney.test(a, b);

        assertThat(test.exact()).isTrue();
        assertThat(test.u()).isEqualTo(780);
        assertThat(test.pValue()).isCloseTo(0.0025887833618386752, within(1e-15));
    }

    @Test
    void fiftyRunsOnOneSideSwitchToTheNormalApproximationAsRDoes() {
        double[] a = IntStream.range(1, 50).asDoubleStream().toArray();
        double[] b = IntStream.range(10, 60).mapToDouble(i -> i + 0.5).toArray();

        MannWhitney test = MannWhitney.test(a, b);

        assertThat(test.exact()).isFalse();
        assertThat(test.pValue()).isCloseTo(0.0018654842806406766, within(1e-13));
    }

    @Test
    void fiftyAgainstFiftyUsesTheNormalApproximationWithContinuityCorrection() {
        double[] a = IntStream.range(1, 51).asDoubleStream().toArray();
        double[] b = IntStream.range(10, 60).mapToDouble(i -> i + 0.5).toArray();

        MannWhitney test = MannWhitney.test(a, b);

        assertThat(test.exact()).isFalse();
        assertThat(test.u()).isEqualTo(820);
        assertThat(test.pValue()).isCloseTo(0.00306745862373702, within(1e-13));
    }

    @Test
    void tiesUseTheNormalApproximationWithTheTieCorrection() {
        double[] a = {1, 2, 2, 3, 3, 3, 4, 5, 5, 6};
        double[] b = {3, 4, 4, 5, 6, 6, 7, 7, 8, 9, 9};

        MannWhitney test = MannWhitney.test(a, b);

        assertThat(test.exact()).isFalse();
        assertThat(test.u()).isEqualTo(15.5);
        assertThat(test.pValue()).isCloseTo(0.005625214779700691, within(1e-13));
    }

    @Test
    void rsDepressionDataHaveATieAndAreNotExact() {
        double[] x = {1.83, 0.50, 1.62, 2.48, 1.68, 1.88, 1.55, 3.06, 1.30};
        double[] y = {0.878, 0.647, 0.598, 2.05, 1.06, 1.29, 1.06, 3.14, 1.29};

        MannWhitney test = MannWhitney.test(x, y);

        assertThat(test.exact()).isFalse();
        assertThat(test.u()).isEqualTo(58);
        assertThat(test.pValue()).isCloseTo(0.13291945818531892, within(1e-13));
    }

    @Test
    void largeSamplesWithTiesMatchScipy() {
        double[] a = {10.346, 10.822, 10.33, 8.697, 10.905, 10.446, 9.463, 10.581, 10.365, 10.294, 10.028, 10.547,
            9.264, 9.837, 9.518, 10.599, 10.04, 9.708, 9.218, 9.743, 10.008, 9.724, 11.294, 11.007, 7.289, 8.111,
            9.825, 9.578, 10.214, 10.217, 12.118, 8.888, 9.622, 12.043, 10.647, 10.663, 9.486, 8.352, 10.167,
            10.109, 8.773, 9.317, 9.928, 9.055, 9.902, 10.095, 10.036, 9.494, 10.594, 10.891, 10.321, 9.182,
            10.732, 9.499, 10.879, 8.928, 10.914, 9.98, 8.751, 9.686};
        double[] b = {10.554, 10.773, 9.518, 9.393, 10.7, 10.033, 10.736, 11.26, 8.851, 10.754, 11.725, 10.202,
            9.689, 11.252, 10.753, 11.396, 10.155, 9.018, 10.39, 10.054, 11.275, 10.694, 8.869, 9.305, 11.384,
            11.18, 9.86, 10.499, 10.946, 10.968, 11.376, 10.756, 10.405, 10.241, 11.556, 8.249, 10.361, 10.533,
            9.075, 10.833, 9.849, 11.362, 10.374, 11.169, 11.719, 10.883, 9.624, 8.986, 12.253, 10.389, 9.811,
            10.644, 10.309, 11.352, 10.534};

        MannWhitney test = MannWhitney.test(a, b);

        assertThat(test.u()).isEqualTo(1069.5);
        assertThat(test.pValue()).isCloseTo(0.001164715525655858, within(1e-13));
    }

    @Test
    void identicalSamplesGiveAPValueOfOne() {
        double[] a = {3.1, 2.9, 3.0, 3.2, 2.8};

        assertThat(MannWhitney.test(a, a.clone()).pValue()).isEqualTo(1.0);
        assertThat(MannWhitney.test(new double[] {5, 5, 5}, new double[] {5, 5}).pValue()).isEqualTo(1.0);
    }

    @Test
    void exactCountsAddUpToTheBinomialAndAreSymmetric() {
        double[] counts = MannWhitney.exactCounts(7, 5);

        assertThat(DoubleStream.of(counts).sum()).isEqualTo(792); // C(12, 5)
        for (int u = 0; u < counts.length; u++) {
            assertThat(counts[u]).isEqualTo(counts[counts.length - 1 - u]);
        }
    }

    @Test
    void emptyOrNaNSamplesAreRefused() {
        assertThatThrownBy(() -> MannWhitney.test(new double[0], new double[] {1}))
                .hasMessageContaining("at least one value");
        assertThatThrownBy(() -> MannWhitney.test(new double[] {Double.NaN}, new double[] {1}))
                .hasMessageContaining("NaN");
    }

    @Property(tries = 200)
    void swappingTheSamplesKeepsThePValueAndMirrorsU(
            @ForAll @Size(min = 1, max = 60) double @DoubleRange(min = -100, max = 100) [] a,
            @ForAll @Size(min = 1, max = 60) double @DoubleRange(min = -100, max = 100) [] b) {
        MannWhitney ab = MannWhitney.test(a, b);
        MannWhitney ba = MannWhitney.test(b, a);

        assertThat(ab.pValue()).isCloseTo(ba.pValue(), within(1e-9));
        assertThat(ab.u() + ba.u()).isEqualTo((double) a.length * b.length);
        assertThat(ab.pValue()).isBetween(0.0, 1.0);
    }
}
