package dev.ergometer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ergometer.model.Domain;
import dev.ergometer.model.Resource;
import dev.ergometer.service.sandbox.PassTimer;
import dev.ergometer.source.DomainCounter;
import dev.ergometer.source.EnergySource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.IntToLongFunction;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

/** The calibration rule: how long a trial must last, and how many passes over the test cases make it that long. */
class TrialLengthTest {

    private static final long MEMORY = 512L << 20;
    private static final CounterResolution RAPL = new CounterResolution(1e-6, 0.001);

    /** A stopwatch whose round of {@code p} passes takes {@code nanos.applyAsLong(p)}, remembering the rounds. */
    private static final class FakeTimer implements PassTimer {
        final List<Integer> rounds = new ArrayList<>();
        private final IntToLongFunction nanos;
        private final long argumentBytes;
        private final long argumentNanosPerPass;

        FakeTimer(IntToLongFunction nanos, long argumentBytes, long argumentNanosPerPass) {
            this.nanos = nanos;
            this.argumentBytes = argumentBytes;
            this.argumentNanosPerPass = argumentNanosPerPass;
        }

        static FakeTimer perPass(double seconds) {
            return new FakeTimer(p -> Math.round(p * seconds * 1e9), 200, 0);
        }

        @Override
        public Optional<Round> time(int passes) {
            rounds.add(passes);
            return Optional.of(new Round(passes, nanos.applyAsLong(passes), argumentBytes,
                    argumentNanosPerPass * passes));
        }
    }

    private static TrialLength length(CounterResolution counters, double idleWatts, int timeoutSeconds) {
        return TrialLength.of(TrialLength.DEFAULT_MINIMUM, counters, idleWatts, Duration.ofSeconds(timeoutSeconds),
                MEMORY);
    }

    @Test
    void aMicrosecondPassRunsOneHundredAndTwentyThousandTimesPerTrial() {
        FakeTimer timer = FakeTimer.perPass(1e-6);

        TrialLength.Calibration calibration = length(RAPL, 10, 30).calibrate(timer).orElseThrow();

        assertThat(calibration.passes()).isEqualTo(120_000);
        assertThat(calibration.secondsPerPass()).isCloseTo(1e-6, within(1e-12));
        assertThat(calibration.shortfall()).isEmpty();
        assertThat(timer.rounds).startsWith(1, 10, 100).hasSizeLessThanOrEqualTo(8);
        for (int i = 1; i < timer.rounds.size(); i++) {
            assertThat(timer.rounds.get(i)).isBetween(2 * timer.rounds.get(i - 1), 10 * timer.rounds.get(i - 1));
        }
        assertThat(timer.rounds).as("then a round of a whole trial's passes").endsWith(30_000, 120_000);
    }

    @Test
    void aPassLongerThanTheMinimumRunsOncePerTrialAfterASecondRound() {
        FakeTimer timer = FakeTimer.perPass(0.5);

        TrialLength.Calibration calibration = length(RAPL, 10, 30).calibrate(timer).orElseThrow();

        assertThat(calibration.passes()).isEqualTo(1);
        assertThat(timer.rounds).containsExactly(1, 1);
        assertThat(calibration.shortfall()).isEmpty();
    }

    @Test
    void aColdFirstPassDoesNotDecideThePasses() {
        int[] rounds = {0};
        FakeTimer timer = new FakeTimer(p -> rounds[0]++ == 0 ? 50_000_000L : p * 2_000L, 200, 0);

        TrialLength.Calibration calibration = length(RAPL, 10, 30).calibrate(timer).orElseThrow();

        assertThat(timer.rounds).startsWith(1, 1);
        assertThat(calibration.passes()).isEqualTo(60_000);
    }

    @Test
    void coarseCountersLengthenTheMinimumToFiftyOfTheirUpdates() {
        CounterResolution tenMillisecondUpdates = new CounterResolution(1e-6, 0.010);
        TrialLength length = length(tenMillisecondUpdates, 10, 30);

        assertThat(length.minimumSeconds()).isCloseTo(0.5, within(1e-12));
        assertThat(length.minimumReason()).contains("50 updates", "0.0100 s");
        assertThat(length.calibrate(FakeTimer.perPass(1e-3)).orElseThrow().passes()).isEqualTo(600);
        CounterResolution coarseSteps = new CounterResolution(0.05, 0.001);
        assertThat(length(coarseSteps, 10, 30).minimumSeconds()).as("50 steps of 50 mJ at 10 W")
                .isCloseTo(0.25, within(1e-12));
        assertThat(length(RAPL, 10, 30).minimumReason()).isEqualTo("MIN_TRIAL_S");
    }

    @Test
    void aTrialLastsAtMostTenSecondsAndHalfTheTimeLimit() {
        assertThat(length(RAPL, 10, 300).maximumSeconds()).isEqualTo(10);
        assertThat(length(RAPL, 10, 4).maximumSeconds()).isEqualTo(2);

        CounterResolution secondUpdates = new CounterResolution(1e-6, 1.0);
        TrialLength length = length(secondUpdates, 10, 4);
        TrialLength.Calibration calibration = length.calibrate(FakeTimer.perPass(0.01)).orElseThrow();

        assertThat(calibration.passes()).isEqualTo(200);
        assertThat(calibration.shortfall()).get().asString()
                .contains("the counters need trials of 50.0 s", "at most 2.00 s", "timeout_seconds");
    }

    @Test
    void theFreshArgumentsOfATrialStayWithinAQuarterOfTheMemoryLimit() {
        FakeTimer timer = new FakeTimer(p -> p * 1_000L, 1L << 20, 0);

        TrialLength.Calibration calibration = length(RAPL, 10, 30).calibrate(timer).orElseThrow();

        assertThat(calibration.passes()).isEqualTo(128);
        assertThat(timer.rounds).allSatisfy(p -> assertThat(p).isLessThanOrEqualTo(128));
        assertThat(calibration.shortfall()).get().asString()
                .contains("1048576 bytes", "memory_limit_mb", "lasts about 0.000128 s");
    }

    @Test
    void makingTheArgumentsOfATrialTakesAtMostAQuarterOfTheTimeLimit() {
        FakeTimer timer = new FakeTimer(p -> p * 1_000L, 100, 1_000_000L);

        TrialLength.Calibration calibration = length(RAPL, 10, 2).calibrate(timer).orElseThrow();

        assertThat(calibration.passes()).isEqualTo(500);
        assertThat(calibration.shortfall()).get().asString().contains("a quarter of timeout_seconds");
    }

    @Test
    void aFailedRoundEndsTheCalibrationWithoutAChoice() {
        PassTimer failing = passes -> Optional.empty();

        assertThat(length(RAPL, 10, 30).calibrate(failing)).isEmpty();
    }

    @Test
    void theCountersOfASourceResolveByTheirStepsAndUpdates() {
        EnergySource source = source(false, new DomainCounter(Domain.packageOf(0), 1L << 32, 200_000_000L, 61.0,
                        "rapl"),
                DomainCounter.integratedPower(Domain.dramOf(0), 50_000_000L, "hwmon power", 20_000_000L),
                DomainCounter.integratedPower(Domain.of(new Resource.Gpu("nvidia", 0)), 300_000_000L, "nvml",
                        1_000_000_000L));

        CounterResolution resolution = CounterResolution.of(source, EnergySlots.of(source.domains()));

        assertThat(resolution.resolutionJoules()).as("package and DRAM, not the GPU").isCloseTo(62e-6, within(1e-12));
        assertThat(resolution.updateIntervalSeconds()).isCloseTo(0.020, within(1e-12));
        assertThat(resolution.quantumJoules(10)).isCloseTo(0.2, within(1e-12));
        assertThat(resolution.quantumJoules(0)).isCloseTo(62e-6, within(1e-12));
        assertThat(resolution.idleUncertaintyWatts(10, 5)).isCloseTo(0.08, within(1e-12));
        EnergySource model = source(true, new DomainCounter(Domain.packageOf(0), Long.MAX_VALUE, 1_000_000L, 1.0,
                "model"));
        assertThat(CounterResolution.of(model, EnergySlots.of(model.domains())).updateIntervalSeconds())
                .isEqualTo(0.010);
    }

    @Property
    void anyPassTimeGivesATrialWithinTheBoundsOrSaysWhyNot(
            @ForAll @DoubleRange(min = -8, max = 1.3) double log10SecondsPerPass) {
        double secondsPerPass = Math.pow(10, log10SecondsPerPass);
        TrialLength length = length(RAPL, 10, 30);
        TrialLength.Calibration calibration = length.calibrate(FakeTimer.perPass(secondsPerPass)).orElseThrow();

        double trialSeconds = calibration.passes() * secondsPerPass;
        assertThat(calibration.passes()).isPositive();
        if (calibration.passes() > 1) {
            assertThat(trialSeconds).isLessThanOrEqualTo(length.maximumSeconds() + 1e-9);
        }
        if (calibration.shortfall().isEmpty()) {
            assertThat(trialSeconds).isGreaterThanOrEqualTo(length.minimumSeconds() - 1e-9);
        } else {
            assertThat(trialSeconds).isLessThan(length.minimumSeconds());
        }
    }

    private static EnergySource source(boolean estimated, DomainCounter... counters) {
        return new EnergySource() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public String method() {
                return "test counters";
            }

            @Override
            public List<DomainCounter> counters() {
                return List.of(counters);
            }

            @Override
            public void read(long[] microjoules) {
            }

            @Override
            public boolean estimated() {
                return estimated;
            }

            @Override
            public void close() {
            }
        };
    }
}
