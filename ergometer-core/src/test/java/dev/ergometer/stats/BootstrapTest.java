package dev.ergometer.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ergometer.stats.Bootstrap.MedianDifference;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BootstrapTest {

    private static double[] normal(Random random, int n, double mean, double sd) {
        double[] values = new double[n];
        for (int i = 0; i < n; i++) {
            values[i] = mean + sd * random.nextGaussian();
        }
        return values;
    }

    @Test
    void theSameSeedGivesTheSameIntervalAndAnotherSeedAnother() {
        Random random = new Random(7);
        double[] a = normal(random, 25, 100, 3);
        double[] b = normal(random, 25, 95, 3);

        MedianDifference first = Bootstrap.medians(a, b, 0.95, 2_000, 42);
        MedianDifference again = Bootstrap.medians(a, b, 0.95, 2_000, 42);
        MedianDifference other = Bootstrap.medians(a, b, 0.95, 2_000, 43);

        assertThat(again).isEqualTo(first);
        assertThat(other.differenceInterval()).isNotEqualTo(first.differenceInterval());
    }

    @Test
    void constantSamplesGiveAPointInterval() {
        MedianDifference d = Bootstrap.medians(new double[] {10, 10, 10}, new double[] {11, 11, 11, 11}, 0.95,
                1_000, 1);

        assertThat(d.difference()).isEqualTo(1.0);
        assertThat(d.differenceInterval().low()).isEqualTo(1.0);
        assertThat(d.differenceInterval().high()).isEqualTo(1.0);
        assertThat(d.ratio()).contains(1.1);
        assertThat(d.ratioInterval().orElseThrow().low()).isCloseTo(1.1, within(1e-12));
    }

    @Test
    void intervalWidthMatchesTheMediansAsymptoticStandardError() {
        // The median of n normal values has standard error sqrt(pi/2) sigma / sqrt(n); for two independent samples
        // of 400 with sigma 2 the difference's 95% half-width is 1.96 * sqrt(2) * 1.2533 * 2 / 20 = 0.3475.
        Random random = new Random(11);
        double[] a = normal(random, 400, 100, 2);
        double[] b = normal(random, 400, 100, 2);

        MedianDifference d = Bootstrap.medians(a, b, 0.95, 4_000, 5);

        double halfWidth = (d.differenceInterval().high() - d.differenceInterval().low()) / 2;
        assertThat(halfWidth).isCloseTo(0.3475, within(0.3475 * 0.2));
    }

    @Test
    void ninetyFivePercentIntervalsCoverTheTrueDifferenceAboutNinetyFivePercentOfTheTime() {
        Random random = new Random(3);
        int covered = 0;
        int trials = 300;
        for (int t = 0; t < trials; t++) {
            double[] a = normal(random, 30, 100, 2);
            double[] b = normal(random, 30, 88, 2);
            MedianDifference d = Bootstrap.medians(a, b, 0.95, 1_000, t);
            if (d.differenceInterval().contains(-12)) {
                covered++;
            }
        }
        // Binomial(300, 0.95) lies in [270, 297] with probability > 0.999; the percentile interval of a median
        // is known to be a little liberal or conservative for small n, hence the slightly wider band.
        assertThat(covered).isBetween(265, 299);
    }

    @Test
    void quantilesInterpolateLikeRsTypeSeven() {
        double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

        // R: quantile(1:10, c(0.025, 0.5, 0.975)) gives 1.225, 5.5, 9.775
        assertThat(Bootstrap.quantile(sorted, 0.025)).isCloseTo(1.225, within(1e-12));
        assertThat(Bootstrap.quantile(sorted, 0.5)).isCloseTo(5.5, within(1e-12));
        assertThat(Bootstrap.quantile(sorted, 0.975)).isCloseTo(9.775, within(1e-12));
    }

    @Test
    void theRatioIsUndefinedWhenTheBaselinesMedianCanBeZeroOrBelow() {
        MedianDifference d = Bootstrap.medians(new double[] {-0.01, 0.02, 0.01, -0.02, 0.0},
                new double[] {0.5, 0.6, 0.55}, 0.95, 1_000, 1);

        assertThat(d.ratio()).isEmpty();
        assertThat(d.ratioInterval()).isEmpty();
        assertThat(d.differenceInterval().low()).isPositive();
    }

    @Test
    void badSettingsAreRefusedWithTheValue() {
        assertThatThrownBy(() -> Bootstrap.medians(new double[] {1}, new double[] {2}, 95, 1_000, 1))
                .hasMessageContaining("0.95 for 95%").hasMessageContaining("95.0");
        assertThatThrownBy(() -> Bootstrap.medians(new double[] {1}, new double[] {2}, 0.95, 10, 1))
                .hasMessageContaining("at least 100");
    }
}
