package dev.ergometer.formula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ergometer.fleet.HwpcEvents;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * SmartWatts' own unit tests (powerapi-ng/smartwatts-formula, {@code tests/unit/model/}), with their numbers:
 * power capping with the intercept, the CPU topologies' frequency layers and the sample history's window; and the
 * RAPL unit conversion of its handler.
 */
class SmartWattsParityTest {

    private static void assertCapped(double target, double global, double intercept, double power, double ratio) {
        PowerModel.Capped capped = PowerModel.cap(target, global, intercept);
        assertThat(capped.powerWatts()).isCloseTo(power, within(1e-9));
        assertThat(capped.ratio()).isCloseTo(ratio, within(1e-9));
    }

    @Test
    void cappingZeroTargetAndGlobalPowerGivesZero() {
        assertCapped(0.0, 0.0, 0.0, 0.0, 0.0);
        assertCapped(0.0, 0.0, 10.0, 0.0, 0.0);
    }

    @Test
    void cappingATargetOfHalfTheGlobalPowerGivesHalf() {
        assertCapped(50.0, 100.0, 0.0, 50.0, 0.5);
    }

    @Test
    void cappingATargetEqualToTheGlobalPowerGivesItAll() {
        assertCapped(100.0, 100.0, 0.0, 100.0, 1.0);
    }

    @Test
    void cappingATargetOfTwiceTheGlobalPowerKeepsTheRatioOfTwo() {
        assertCapped(200.0, 100.0, 0.0, 200.0, 2.0);
    }

    @Test
    void cappingANegativeTargetGivesZero() {
        assertCapped(-200.0, 100.0, 0.0, 0.0, 0.0);
    }

    @Test
    void cappingWhenTheInterceptExceedsTheGlobalPowerGivesZero() {
        assertCapped(100.0, 100.0, 200.0, 0.0, 0.0);
    }

    @Test
    void cappingWithAnInterceptSharesItByTheDynamicRatio() {
        PowerModel.Capped capped = PowerModel.cap(20.0, 110.0, 10.0);
        assertThat(capped.ratio()).isCloseTo(0.1, within(1e-12));
        assertThat(capped.powerWatts()).isCloseTo(10.0 + capped.ratio() * 10.0, within(1e-12));
    }

    @Test
    void amdEpyc7351HasLayersFrom1200To2900() {
        CpuTopology cpu = new CpuTopology(155, 100, 12, 24, 29);
        assertThat(cpu.minFrequencyMhz()).isEqualTo(1200);
        assertThat(cpu.baseFrequencyMhz()).isEqualTo(2400);
        assertThat(cpu.maxFrequencyMhz()).isEqualTo(2900);
        assertThat(cpu.supportedFrequenciesMhz()).isEqualTo(IntStream.rangeClosed(12, 29).map(r -> r * 100)
                .boxed().toList());
    }

    @Test
    void intelXeonGold5220HasLayersFrom1000To3900() {
        CpuTopology cpu = new CpuTopology(125, 100, 10, 22, 39);
        assertThat(cpu.minFrequencyMhz()).isEqualTo(1000);
        assertThat(cpu.baseFrequencyMhz()).isEqualTo(2200);
        assertThat(cpu.maxFrequencyMhz()).isEqualTo(3900);
        assertThat(cpu.supportedFrequenciesMhz()).isEqualTo(IntStream.rangeClosed(10, 39).map(r -> r * 100)
                .boxed().toList());
    }

    @Test
    void a133MhzBaseClockSpacesTheLayers133MhzApart() {
        CpuTopology cpu = new CpuTopology(0, 133, 10, 20, 30);
        assertThat(cpu.minFrequencyMhz()).isEqualTo(1330);
        assertThat(cpu.baseFrequencyMhz()).isEqualTo(2660);
        assertThat(cpu.maxFrequencyMhz()).isEqualTo(3990);
        assertThat(cpu.supportedFrequenciesMhz()).isEqualTo(IntStream.rangeClosed(10, 30).map(r -> r * 133)
                .boxed().toList());
    }

    @Test
    void theCommandLineTopologyRunsRatiosOneToAHundredAroundTheBaseFrequency() {
        CpuTopology cpu = CpuTopology.smartWatts(400, 100, 2100);
        assertThat(cpu.ratioBase()).isEqualTo(21);
        assertThat(cpu.supportedFrequenciesMhz()).hasSize(100).startsWith(100).endsWith(10_000);
    }

    @Test
    void theSampleHistoryKeepsItsNewestSamples() {
        SampleHistory history = new SampleHistory(2);
        history.add(1, new double[] {1, 2, 3});
        history.add(2, new double[] {4, 5, 6});
        history.add(3, new double[] {7, 8, 9});

        assertThat(history.size()).isEqualTo(history.capacity());
        assertThat(history.events()).isDeepEqualTo(new double[][] {{4, 5, 6}, {7, 8, 9}});
        assertThat(history.powers()).containsExactly(2, 3);
    }

    @Test
    void raplEnergyIsTwoToTheMinus32JoulesPerUnitOverTheReportInterval() {
        // PowerAPI's documented report: RAPL_ENERGY_PKG 5709496320 over a 1 s report interval.
        assertThat(HwpcEvents.joules(5709496320.0) / (1000 / 1000.0)).isCloseTo(1.32934, within(1e-5));
        assertThat(HwpcEvents.joules(5709496320.0) / (500 / 1000.0)).isCloseTo(2.65869, within(1e-5));
        assertThat(HwpcEvents.joules(Math.scalb(1.0, 32))).isEqualTo(1.0);
    }

    @Test
    void errorWindowsAreSummedUpAsPythonsStatisticsDo() {
        assertThat(ErrorWindowMethod.MEDIAN.apply(java.util.List.of(3.0, 1.0, 2.0))).isEqualTo(2.0);
        assertThat(ErrorWindowMethod.MEDIAN.apply(java.util.List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(2.5);
        assertThat(ErrorWindowMethod.MEAN.apply(java.util.List.of(0.1, 0.2, 0.3))).isEqualTo(0.2);
    }
}
