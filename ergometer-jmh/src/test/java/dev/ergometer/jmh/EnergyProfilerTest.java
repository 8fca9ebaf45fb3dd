package dev.ergometer.jmh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ergometer.testkit.FakePowercapTree;
import dev.ergometer.testkit.FakeProcfs;
import dev.ergometer.testkit.PowerCurve;
import dev.ergometer.testkit.SyntheticCounter;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openjdk.jmh.profile.ProfilerException;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

class EnergyProfilerTest {

    private static final double WATTS = 10.0;

    @TempDir
    Path temp;

    private FakePowercapTree tree;
    private SyntheticCounter counter;

    @BeforeEach
    void startAFakePackageAtTenWatts() {
        tree = FakePowercapTree.in(temp.resolve("sys"))
                .zone("intel-rapl:0", "package-0", FakePowercapTree.TYPICAL_RANGE_MICROJOULES)
                .zone("intel-rapl:0:2", "dram", FakePowercapTree.TYPICAL_RANGE_MICROJOULES);
        counter = SyntheticCounter.start(tree.energyFile("intel-rapl:0"), PowerCurve.constant(WATTS),
                FakePowercapTree.TYPICAL_RANGE_MICROJOULES, 50_000);
    }

    @AfterEach
    void stopTheCounter() {
        counter.close();
    }

    @Test
    void eachIterationGetsThePowerAndTheEnergyPerOperationOfEachDomain() throws RunnerException {
        List<IterationResult> iterations = run("sysfs=" + tree.sysfs());

        assertThat(iterations).hasSize(2);
        for (IterationResult iteration : iterations) {
            Result power = iteration.getSecondaryResults().get("ergometer.package_0.power");
            Result energy = iteration.getSecondaryResults().get("ergometer.package_0.energy");
            assertThat(power.getScoreUnit()).isEqualTo("W");
            assertThat(energy.getScoreUnit()).isEqualTo("J/op");
            assertThat(power.getScore()).isCloseTo(WATTS, within(WATTS * 0.10));
            long ops = iteration.getMetadata().getAllOps();
            assertThat(ops).isBetween(10L, 25L);
            // energy per op times ops is the power times the time the iteration's operations took
            double seconds = energy.getScore() * ops / power.getScore();
            assertThat(seconds).isBetween(ops * SleepingBenchmark.SLEEP_MILLIS / 1e3 * 0.9, 0.4);
            assertThat(energy.getScore()).isBetween(WATTS * SleepingBenchmark.SLEEP_MILLIS / 1e3 * 0.90,
                    WATTS * SleepingBenchmark.SLEEP_MILLIS / 1e3 * 1.3);
            assertThat(iteration.getSecondaryResults().get("ergometer.dram_0.power").getScore())
                    .isCloseTo(0, within(0.01));
        }
    }

    @Test
    void theDomainsOptionKeepsOnlyTheDomainsAskedFor() throws RunnerException {
        List<IterationResult> iterations = run("sysfs=" + tree.sysfs() + ";domains=dram_0");

        assertThat(iterations.getFirst().getSecondaryResults().keySet())
                .containsExactlyInAnyOrder("ergometer.dram_0.power", "ergometer.dram_0.energy");
    }

    @Test
    void numbersOfTheModelSayTheyAreEstimated() throws RunnerException {
        FakeProcfs.machine(temp.resolve("proc"), 2);

        List<IterationResult> iterations = run("source=model;procfs=" + temp.resolve("proc"));

        for (IterationResult iteration : iterations) {
            assertThat(iteration.getSecondaryResults()).isNotEmpty();
            iteration.getSecondaryResults().forEach((label, result) -> {
                assertThat(label).startsWith("ergometer.");
                assertThat(result.getScoreUnit()).endsWith(" (estimated)");
                assertThat(result.getScore()).isNotNegative();
            });
        }
    }

    @Test
    void anUnknownOptionIsRefusedWithTheOptionsThereAre() {
        assertThatThrownBy(() -> new EnergyProfiler("sysfs=" + tree.sysfs() + ";colour=blue"))
                .isInstanceOf(ProfilerException.class)
                .hasMessageContaining("colour=blue").hasMessageContaining("source=...");
    }

    @Test
    void aDomainTheSourceLacksIsRefusedAtOnce() {
        assertThatThrownBy(() -> new EnergyProfiler("sysfs=" + tree.sysfs() + ";domains=core_0"))
                .isInstanceOf(ProfilerException.class)
                .hasMessageContaining("core_0");
    }

    @Test
    void aSourceThatCannotOpenSaysWhyAndHowToFixIt() {
        assertThatThrownBy(() -> new EnergyProfiler("source=powercap;sysfs=" + temp.resolve("empty")))
                .isInstanceOf(ProfilerException.class)
                .hasMessageContaining("powercap").hasMessageContaining("modprobe");
    }

    private List<IterationResult> run(String profilerOptions) throws RunnerException {
        Options options = new OptionsBuilder()
                .include(SleepingBenchmark.class.getName() + ".sleepsTenMillis")
                .forks(0)
                .warmupIterations(1)
                .warmupTime(TimeValue.milliseconds(200))
                .measurementIterations(2)
                .measurementTime(TimeValue.milliseconds(200))
                .addProfiler(EnergyProfiler.class, profilerOptions)
                .shouldFailOnError(true)
                .verbosity(VerboseMode.SILENT)
                .build();
        Collection<RunResult> results = new Runner(options).run();
        assertThat(results).hasSize(1);
        BenchmarkResult benchmark = results.iterator().next().getBenchmarkResults().iterator().next();
        return List.copyOf(benchmark.getIterationResults());
    }
}
