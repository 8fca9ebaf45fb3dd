package dev.ergometer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ergometer.sampler.Sampler;
import dev.ergometer.service.sandbox.Language;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.powercap.PowercapSource;
import dev.ergometer.testkit.FakePowercapTree;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The measurement on a fake powercap tree and a clock that moves only with the scripted trials: exact numbers. */
class MeasurementTest {

    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path root;

    private final ManualTicker ticker = new ManualTicker();
    private CounterFile packageCounter;
    private CounterFile dramCounter;
    private EnergySource source;
    private Sampler sampler;
    private IdlePower idle;
    private final List<String> stages = new ArrayList<>();

    @BeforeEach
    void packageAndDramIdlingAtTwoAndAHalfWatts() throws Exception {
        FakePowercapTree tree = FakePowercapTree.in(root.resolve("sys"))
                .zone("intel-rapl:0", "package-0", FakePowercapTree.TYPICAL_RANGE_MICROJOULES)
                .zone("intel-rapl:0:0", "dram", FakePowercapTree.TYPICAL_RANGE_MICROJOULES);
        packageCounter = new CounterFile(tree.energyFile("intel-rapl:0"));
        dramCounter = new CounterFile(tree.energyFile("intel-rapl:0:0"));
        source = PowercapSource.FACTORY.open(new SystemPaths(root.resolve("sys"), root.resolve("proc"),
                root.resolve("dev")), ticker);
        sampler = new Sampler(source, ticker, Sampler.DEFAULT_INTERVAL_NANOS);
        assertThat(sampler.domains()).extracting(d -> d.id()).containsExactly("package_0", "dram_0");
        idle = new IdlePower("bench", "powercap", List.of("package_0", "dram_0"), List.of(2.0, 0.5),
                Instant.parse("2026-01-01T00:00:00Z"), Duration.ofSeconds(5));
    }

    @AfterEach
    void close() {
        sampler.close();
        source.close();
    }

    /** A trial of one second at idle power plus the given package and DRAM joules above it. */
    private void trial(double packageJoules, double dramJoules) {
        ticker.advanceNanos(SECOND);
        packageCounter.add(Math.round((2.0 + packageJoules) * 1e6));
        dramCounter.add(Math.round((0.5 + dramJoules) * 1e6));
    }

    private static MeasureRequest request(int trials, int warmups, int testCases) {
        List<TestCase> cases = new ArrayList<>();
        for (int i = 0; i < testCases; i++) {
            cases.add(new TestCase(List.of(i, i), 2 * i, "t" + i, Map.of()));
        }
        return new MeasureRequest("def solve(a, b): return a + b", cases, "solve", Language.PYTHON, 30, 512, trials,
                warmups, Optional.empty(), 0, Optional.empty(), Optional.empty());
    }

    private static Object sum(Object inputs) {
        return ((List<?>) inputs).stream().mapToInt(x -> (Integer) x).sum();
    }

    private MeasurementOutcome measure(ScriptedSandbox sandbox, MeasureRequest request) throws Exception {
        return new Measurement(sampler, sandbox).measure(request, 1, idle, (stage, p) -> stages.add(stage),
                () -> false);
    }

    @Test
    void jouleTracesExampleThroughTheSandboxGivesTwoAndAHalfJoulesAndOneAndAQuarterPerTestCase() throws Exception {
        double[] net = {3, 1, 2, 10, 2.5};
        ScriptedSandbox sandbox = ScriptedSandbox.answering(MeasurementTest::sum,
                t -> trial(t < 0 ? 7 : net[t], 0));

        MeasurementOutcome outcome = measure(sandbox, request(5, 2, 2));

        EnergyMetrics metrics = ((MeasurementOutcome.Completed) outcome).metrics();
        assertThat(metrics.trials()).extracting(TrialEnergy::totalJoules)
                .usingElementComparator((a, b) -> Math.abs(a - b) < 1e-9 ? 0 : Double.compare(a, b))
                .containsExactly(3.0, 1.0, 2.0, 10.0, 2.5);
        assertThat(metrics.medianTotalJoules()).isCloseTo(2.5, within(1e-9));
        assertThat(metrics.energyPerTestCaseJoules()).isCloseTo(1.25, within(1e-9));
        assertThat(metrics.medianRawTotalJoules()).isCloseTo(2.5 + 2.5, within(1e-9));
        assertThat(metrics.medianDurationSeconds()).isEqualTo(1.0);
        assertThat(metrics.confidence()).isEqualTo("low");
        assertThat(sandbox.requests).singleElement().satisfies(r -> {
            assertThat(r.cpu()).isEqualTo(1);
            assertThat(r.warmups()).isEqualTo(2);
            assertThat(r.trials()).isEqualTo(5);
            assertThat(r.memoryBytes()).isEqualTo(512L * 1024 * 1024);
        });
        assertThat(stages).startsWith("validation", "warmup").contains("measuring").endsWith("finalizing");
    }

    @Test
    void idleEnergyIsTakenOffEachDomainOverTheTrialsDuration() throws Exception {
        ScriptedSandbox sandbox = ScriptedSandbox.answering(MeasurementTest::sum, t -> {
            ticker.advanceNanos(2 * SECOND);
            packageCounter.add(2 * 2_000_000 + 6_000_000);
            dramCounter.add(2 * 500_000 + 1_000_000);
        });

        MeasurementOutcome outcome = measure(sandbox, request(3, 0, 1));

        EnergyMetrics metrics = ((MeasurementOutcome.Completed) outcome).metrics();
        assertThat(metrics.medianPackageJoules()).isCloseTo(6.0, within(1e-9));
        assertThat(metrics.medianRamJoules()).isCloseTo(1.0, within(1e-9));
        assertThat(metrics.medianTotalJoules()).isCloseTo(7.0, within(1e-9));
        assertThat(metrics.powerWatts()).isCloseTo(3.5, within(1e-9));
        assertThat(metrics.medianRawTotalJoules()).isCloseTo(12.0, within(1e-9));
    }

    @Test
    void agreeingTrialsStopAfterThreeOfTwenty() throws Exception {
        double[] net = {5.0, 5.1, 4.95, 5.0, 5.0};
        ScriptedSandbox sandbox = ScriptedSandbox.answering(MeasurementTest::sum, t -> trial(net[Math.max(0, t)], 0));

        MeasurementOutcome.Completed outcome = (MeasurementOutcome.Completed) measure(sandbox, request(20, 1, 1));

        assertThat(outcome.metrics().trials()).hasSize(3);
        assertThat(outcome.earlyStop()).isTrue();
        assertThat(outcome.metrics().confidence()).isEqualTo("high");
        assertThat(sandbox.trialsStarted).containsExactly(-1, 0, 1, 2);
    }

    @Test
    void scatteredTrialsRunUntilTheyAgreeOrTheMostAskedFor() throws Exception {
        double[] net = {1, 9, 5, 5, 5, 5, 5, 5};
        ScriptedSandbox sandbox = ScriptedSandbox.answering(MeasurementTest::sum, t -> trial(net[t], 0));

        MeasurementOutcome.Completed outcome = (MeasurementOutcome.Completed) measure(sandbox, request(8, 0, 1));

        assertThat(outcome.metrics().trials()).hasSize(8);
        assertThat(outcome.earlyStop()).isFalse();
    }

    @Test
    void wrongOutputsFailTheGateAndNothingIsMeasured() throws Exception {
        ScriptedSandbox sandbox = ScriptedSandbox.answering(inputs -> 0, t -> trial(1, 0));

        MeasurementOutcome outcome = measure(sandbox, request(5, 2, 3));

        MeasurementOutcome.Failed failed = (MeasurementOutcome.Failed) outcome;
        assertThat(failed.errorType()).isEqualTo("incorrect_solution");
        assertThat(failed.errorMessage()).contains("Failed 2/3 tests");
        assertThat(failed.validation().orElseThrow().passedTests()).isEqualTo(1);
        assertThat(failed.validation().orElseThrow().failures()).extracting(ValidationSummary.FailedTest::testId)
                .containsExactly("t1", "t2");
        assertThat(sandbox.trialsStarted).isEmpty();
    }

    @Test
    void aSandboxFailureDuringValidationIsReportedWithItsType() throws Exception {
        ScriptedSandbox sandbox = ScriptedSandbox.answering(MeasurementTest::sum, t -> trial(1, 0))
                .failingAt(ScriptedSandbox.AT_VALIDATION, "TIMEOUT", "timed out after 30 s");

        MeasurementOutcome.Failed failed = (MeasurementOutcome.Failed) measure(sandbox, request(5, 2, 4));

        assertThat(failed.errorType()).isEqualTo("timeout");
        assertThat(failed.errorMessage()).contains("timed out after 30 s");
        assertThat(failed.validation().orElseThrow().passedTests()).isEqualTo(2);
        assertThat(failed.validation().orElseThrow().isCorrect()).isFalse();
    }

    @Test
    void aSandboxFailureWhileMeasuredFailsTheTaskAfterAPassedGate() throws Exception {
        ScriptedSandbox sandbox = ScriptedSandbox.answering(MeasurementTest::sum, t -> trial(1, 0))
                .failingAt(1, "MEMORY", "over 512 MB");

        MeasurementOutcome.Failed failed = (MeasurementOutcome.Failed) measure(sandbox, request(5, 0, 1));

        assertThat(failed.errorType()).isEqualTo("memory_limit_exceeded");
        assertThat(failed.validation().orElseThrow().isCorrect()).isTrue();
    }

    @Test
    void cancellingStopsBetweenTrials() throws Exception {
        AtomicBoolean cancelled = new AtomicBoolean();
        ScriptedSandbox sandbox = ScriptedSandbox.answering(MeasurementTest::sum, t -> {
            trial(t + 1, 0);
            cancelled.set(t >= 1);
        });

        MeasurementOutcome outcome = new Measurement(sampler, sandbox).measure(request(20, 0, 1), 0, idle,
                Measurement.Progress.NONE, cancelled::get);

        assertThat(((MeasurementOutcome.Failed) outcome).errorType()).isEqualTo("cancelled");
        assertThat(sandbox.trialsStarted).containsExactly(0, 1);
    }

    @Test
    void validationAloneRunsNoTrialAndIsNotPinned() throws Exception {
        ScriptedSandbox sandbox = ScriptedSandbox.answering(MeasurementTest::sum, t -> trial(1, 0));

        ValidationSummary summary = new Measurement(sampler, sandbox).validate(request(0, 0, 3));

        assertThat(summary.isCorrect()).isTrue();
        assertThat(summary.summary()).isEqualTo("All 3 tests passed");
        assertThat(sandbox.requests).singleElement().satisfies(r -> {
            assertThat(r.cpu()).isEqualTo(-1);
            assertThat(r.trials()).isZero();
        });
        assertThat(sandbox.trialsStarted).isEmpty();
    }

    /** A pass of one millisecond at idle power plus 4 mJ of package energy above it. */
    private void millisecondPass() {
        ticker.advanceNanos(1_000_000L);
        packageCounter.add(2_000 + 4_000);
        dramCounter.add(500);
    }

    @Test
    void aMillisecondPassIsRunEnoughTimesForATenthOfASecondAndReportedPerPass() throws Exception {
        ScriptedSandbox sandbox = ScriptedSandbox.passes(MeasurementTest::sum, (trial, pass) -> millisecondPass(),
                Duration.ofMillis(1));

        MeasurementOutcome.Completed outcome = (MeasurementOutcome.Completed) measure(sandbox, request(3, 1, 2));

        EnergyMetrics metrics = outcome.metrics();
        int passes = sandbox.passesPerTrial.getFirst();
        assertThat(passes).as("1.2 x 0.1 s of 1 ms passes").isEqualTo(120);
        assertThat(sandbox.calibrationRounds).as("rounds grow until one lasts 25 ms, then one of a whole trial")
                .containsExactly(1, 10, 30, passes);
        assertThat(metrics.passesPerTrial()).isEqualTo(passes);
        assertThat(metrics.trials()).allSatisfy(t -> assertThat(t.passes()).isEqualTo(passes));
        assertThat(metrics.medianDurationSeconds()).isCloseTo(0.001, within(1e-12));
        assertThat(metrics.medianPackageJoules()).isCloseTo(0.004, within(1e-12));
        assertThat(metrics.medianRamJoules()).isCloseTo(0, within(1e-12));
        assertThat(metrics.medianRawTotalJoules()).isCloseTo(0.0065, within(1e-12));
        assertThat(metrics.energyPerTestCaseJoules()).isCloseTo(0.002, within(1e-12));
        assertThat(metrics.powerWatts()).isCloseTo(4, within(1e-9));
        assertThat(metrics.resolutionWarning()).isEmpty();
        assertThat(metrics.netWithinNoise()).isFalse();
        assertThat(metrics.confidence()).isEqualTo("high");
        assertThat(stages).containsSubsequence("warmup", "calibrating passes", "measuring", "finalizing");
    }

    @Test
    void trialsTheMemoryLimitKeepsShortAreWarnedAndOfLowConfidence() throws Exception {
        // The fresh arguments of a pass take 64 MiB: a quarter of 512 MiB holds two passes of 1 ms.
        ScriptedSandbox sandbox = ScriptedSandbox.passes(MeasurementTest::sum, (trial, pass) -> millisecondPass(),
                Duration.ofMillis(1)).withArgumentBytes(64L << 20);

        EnergyMetrics metrics = ((MeasurementOutcome.Completed) measure(sandbox, request(3, 0, 1))).metrics();

        assertThat(metrics.passesPerTrial()).isEqualTo(2);
        assertThat(metrics.medianPackageJoules()).as("still exact per pass").isCloseTo(0.004, within(1e-12));
        assertThat(metrics.confidence()).isEqualTo("low");
        assertThat(metrics.resolutionWarning()).get().asString()
                .contains("trials lasted 0.00200 s (2 passes), under the 0.0500 s these counters resolve",
                        "memory_limit_mb");
    }

    @Test
    void aFailureDuringTheCalibrationFailsTheTaskAfterAPassedGate() throws Exception {
        ScriptedSandbox sandbox = ScriptedSandbox.passes(MeasurementTest::sum, (trial, pass) -> millisecondPass(),
                Duration.ofMillis(1))
                .failingAt(ScriptedSandbox.CALIBRATION, "TIMEOUT", "the calibration took too long");

        MeasurementOutcome.Failed failed = (MeasurementOutcome.Failed) measure(sandbox, request(3, 1, 1));

        assertThat(failed.errorType()).isEqualTo("timeout");
        assertThat(failed.errorMessage()).contains("the calibration took too long");
        assertThat(failed.validation().orElseThrow().isCorrect()).isTrue();
        assertThat(sandbox.trialsStarted).containsExactly(-1);
    }

    @Test
    void aLongerMinimumTrialRunsMorePasses() throws Exception {
        ScriptedSandbox sandbox = ScriptedSandbox.passes(MeasurementTest::sum, (trial, pass) -> millisecondPass(),
                Duration.ofMillis(1));

        EnergyMetrics metrics = ((MeasurementOutcome.Completed) new Measurement(sampler, sandbox,
                Duration.ofMillis(500)).measure(request(3, 0, 1), 1, idle, Measurement.Progress.NONE, () -> false))
                .metrics();

        assertThat(metrics.passesPerTrial()).isEqualTo(600);
        assertThat(metrics.minimumTrialSeconds()).isEqualTo(0.5);
        assertThat(metrics.medianPackageJoules()).isCloseTo(0.004, within(1e-12));
    }
}
