package dev.ergometer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ergometer.model.Domain;
import dev.ergometer.sampler.EnergyInterval;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
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

    /** RAPL-like counters (1 µJ steps, updated every millisecond), a 10 W idle measured over 5 s, trials of 0.1 s. */
    private static NoiseFloor tenWattFloor(Optional<String> shortfall) {
        CounterResolution rapl = new CounterResolution(1e-6, 0.001);
        return new NoiseFloor(rapl, 10, rapl.idleUncertaintyWatts(10, 5), 0.1, shortfall);
    }

    @Test
    void aTrialTooShortForTheCountersKeepsItsNegativeNetButIsFlaggedWithinNoiseAndWarned() {
        // The trial of a + b run once: 0.7 ms, the counter did not move, 10 W of idle taken off.
        List<TrialEnergy> trials = List.of(new TrialEnergy(0, 0.0007, -0.007, 0, 0.0),
                new TrialEnergy(1, 0.0007, -0.007, 0, 0.0), new TrialEnergy(2, 0.0007, -0.007, 0, 0.0));

        EnergyMetrics metrics = EnergyMetrics.of(trials, 2, 3,
                tenWattFloor(Optional.of("at most 1 pass")));

        assertThat(metrics.medianTotalJoules()).isEqualTo(-0.007);
        assertThat(metrics.netWithinNoise()).isTrue();
        assertThat(metrics.netNoiseJoules()).as("two reads of 10 mJ each, and 0.7 ms of 4 mW").isCloseTo(0.02,
                within(1e-5));
        assertThat(metrics.confidence()).isEqualTo("low");
        assertThat(metrics.resolutionWarning()).get().asString()
                .contains("trials lasted 0.000700 s (1 passes), under the 0.0500 s these counters resolve",
                        "50 of their updates of 0.00100 s", "; at most 1 pass",
                        "a trial counted 0.00 J, under 50 times the 0.0100 J");
    }

    @Test
    void energyPerPassWellAboveTheNoiseIsNeitherFlaggedNorWarned() {
        // 1000 passes of 120 µs at 15 W with an idle of 10 W: 0.6 mJ net per pass.
        List<TrialEnergy> trials = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            trials.add(new TrialEnergy(i, 1000, 120e-6, 0.0006 + i * 1e-6, 0, 0.0018));
        }

        EnergyMetrics metrics = EnergyMetrics.of(trials, 1, 3, tenWattFloor(Optional.empty()));

        assertThat(metrics.passesPerTrial()).isEqualTo(1000);
        assertThat(metrics.resolutionWarning()).isEmpty();
        assertThat(metrics.netWithinNoise()).isFalse();
        // (2 x 15 mJ + 0.12 s x 4 mW) / 1000, plus 2 standard errors of the spread (1 µJ / sqrt(3))
        assertThat(metrics.netNoiseJoules()).isCloseTo((0.030 + 0.12 * 0.004) / 1000 + 2 * 1e-6 / Math.sqrt(3),
                within(1e-9));
        assertThat(metrics.confidence()).isEqualTo("high");
    }

    @Test
    void aNetWithinTheTrialsOwnSpreadIsFlaggedEvenOnExactCounters() {
        EnergyMetrics metrics = EnergyMetrics.of(totals(0.3, -0.2, 0.1), 1, 3);

        assertThat(metrics.medianTotalJoules()).isEqualTo(0.1);
        assertThat(metrics.netWithinNoise()).isTrue();
        assertThat(metrics.resolutionWarning()).isEmpty();
        assertThat(EnergyMetrics.of(totals(10, 10.1, 9.9), 1, 3).netWithinNoise()).isFalse();
    }

    @Test
    void trialsOfDifferentPassesCannotBeAggregated() {
        List<TrialEnergy> trials = List.of(new TrialEnergy(0, 10, 1, 1, 0, 2), new TrialEnergy(1, 20, 1, 1, 0, 2));

        assertThatThrownBy(() -> EnergyMetrics.of(trials, 1, 1)).hasMessageContaining("same passes");
    }

    @Test
    void aTrialsEnergyAndDurationAreDividedByItsPasses() {
        List<Domain> domains = List.of(Domain.packageOf(0), Domain.dramOf(0));
        EnergySlots slots = EnergySlots.of(domains);
        IdlePower idle = new IdlePower("bench", "powercap", List.of("package_0", "dram_0"), List.of(2.0, 0.5),
                Instant.EPOCH, Duration.ofSeconds(5));
        // 0.2 s for 1000 passes: 0.4 J + 0.3 J package over the idle 2 W, 0.1 J + 0.05 J of DRAM over 0.5 W.
        EnergyInterval interval = new EnergyInterval(domains, 0, 200_000_000L, new long[] {700_000, 150_000}, 0);

        TrialEnergy trial = slots.trial(4, interval, idle, 1000);

        assertThat(trial.passes()).isEqualTo(1000);
        assertThat(trial.durationSeconds()).isCloseTo(0.0002, within(1e-15));
        assertThat(trial.trialSeconds()).isCloseTo(0.2, within(1e-12));
        assertThat(trial.packageJoules()).isCloseTo(0.0003, within(1e-12));
        assertThat(trial.ramJoules()).isCloseTo(0.00005, within(1e-12));
        assertThat(trial.rawTotalJoules()).isCloseTo(0.00085, within(1e-12));
    }
}
