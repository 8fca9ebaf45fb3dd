package dev.ergometer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnergyMetricsTest {

    private static List<TrialEnergy> totals(double... joules) {
        List<TrialEnergy> trials = new ArrayList<>();
        for (int i = 0; i < joules.length; i++) {
            trials.add(new TrialEnergy(i, 1.0, joules[i], 0, joules[i]));
        }
        return trials;
    }

    @Test
    void jouleTracesExampleGivesAMedianOfTwoAndAHalfAndOneAndAQuarterPerTestCase() {
        EnergyMetrics metrics = EnergyMetrics.of(totals(3, 1, 2, 10, 2.5), 2, 3);

        assertThat(metrics.medianTotalJoules()).isEqualTo(2.5);
        assertThat(metrics.energyPerTestCaseJoules()).isEqualTo(1.25);
    }

    @Test
    void packageAndRamHaveTheirOwnMediansAndTotalIsTheMedianOfSums() {
        List<TrialEnergy> trials = List.of(new TrialEnergy(0, 2, 4, 1, 9), new TrialEnergy(1, 4, 6, 3, 13),
                new TrialEnergy(2, 3, 5, 0.5, 10));

        EnergyMetrics metrics = EnergyMetrics.of(trials, 1, 3);

        assertThat(metrics.medianPackageJoules()).isEqualTo(5);
        assertThat(metrics.medianRamJoules()).isEqualTo(1);
        assertThat(metrics.medianTotalJoules()).isEqualTo(5.5);
        assertThat(metrics.medianRawTotalJoules()).isEqualTo(10);
        assertThat(metrics.medianDurationSeconds()).isEqualTo(3);
        assertThat(metrics.powerWatts()).isCloseTo(5.5 / 3, within(1e-12));
    }

    @Test
    void agreeingTrialsAreHighConfidenceAndScatteredOnesLow() {
        assertThat(EnergyMetrics.of(totals(10, 10.1, 9.9), 1, 3).confidence()).isEqualTo("high");
        assertThat(EnergyMetrics.of(totals(10, 11, 9.5), 1, 3).confidence()).isEqualTo("medium");
        assertThat(EnergyMetrics.of(totals(3, 1, 2, 10, 2.5), 2, 3).confidence()).isEqualTo("low");
        assertThat(EnergyMetrics.of(totals(10, 10), 1, 3).confidence()).isEqualTo("low");
    }

    @Test
    void adaptiveTrialsRunAtLeastThreeAndStopOnceTheyAgreeWithinFivePercent() {
        AdaptiveTrials adaptive = new AdaptiveTrials(20);

        assertThat(adaptive.wantsAnother(new double[] {10, 10})).isTrue();
        assertThat(adaptive.wantsAnother(new double[] {10, 10, 10.2})).isFalse();
        assertThat(adaptive.wantsAnother(new double[] {10, 20, 15})).isTrue();
        assertThat(adaptive.wantsAnother(new double[20])).isFalse();
    }

    @Test
    void fewerTrialsThanTheMinimumAreAllRun() {
        AdaptiveTrials two = new AdaptiveTrials(2);

        assertThat(two.minimumTrials()).isEqualTo(2);
        assertThat(two.wantsAnother(new double[] {5})).isTrue();
        assertThat(two.wantsAnother(new double[] {5, 50})).isFalse();
    }

    @Test
    void coefficientOfVariationIsTheSampleDeviationOverTheMean() {
        assertThat(AdaptiveTrials.coefficientOfVariationPercent(new double[] {2, 4, 4, 4, 5, 5, 7, 9}))
                .isCloseTo(2.138089935 / 5 * 100, within(1e-6));
        assertThat(AdaptiveTrials.coefficientOfVariationPercent(new double[] {3})).isZero();
    }
}
