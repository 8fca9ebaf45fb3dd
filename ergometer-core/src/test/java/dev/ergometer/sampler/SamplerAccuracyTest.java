package dev.ergometer.sampler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.powercap.PowercapSource;
import dev.ergometer.testkit.FakePowercapTree;
import dev.ergometer.testkit.PowerCurve;
import dev.ergometer.testkit.SyntheticCounter;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Energy measured through the real powercap reader and sampler against the exact integral of a known curve. */
class SamplerAccuracyTest {

    /** A range small enough that the counter wraps several times during each measurement. */
    private static final long RANGE_MICROJOULES = 7_000_000L;

    @TempDir
    Path root;

    static Stream<Arguments> curves() {
        return Stream.of(
                Arguments.of(PowerCurve.constant(12.5), 1.0),
                Arguments.of(PowerCurve.squareWave(3, 40, 0.25), 3.0),
                Arguments.of(PowerCurve.ramp(5, 4), 10.0));
    }

    @ParameterizedTest(name = "{0} for {1} s")
    @MethodSource("curves")
    void measuredEnergyIsWithinOneThousandthOfTheExactIntegral(PowerCurve curve, double seconds) throws Exception {
        FakePowercapTree tree = FakePowercapTree.in(root)
                .zone("intel-rapl:0", "package-0", RANGE_MICROJOULES)
                .maxPower("intel-rapl:0", 20_000_000L);
        try (SyntheticCounter counter = SyntheticCounter.start(tree.energyFile("intel-rapl:0"), curve,
                        RANGE_MICROJOULES, 20_000L);
                PowercapSource source = PowercapSource.open(SystemPaths.real().withSysfs(root));
                Sampler sampler = new Sampler(source, Ticker.system(), Sampler.DEFAULT_INTERVAL_NANOS).start()) {
            Thread.sleep(50);
            EnergySnapshot before = sampler.sample();
            Thread.sleep((long) (seconds * 1000));
            EnergySnapshot after = sampler.sample();

            double measured = after.minus(before).joules(0);
            double exact = counter.exactJoules(before.timeNanos(), after.timeNanos());
            assertThat(exact).isGreaterThan(RANGE_MICROJOULES / 1e6);
            assertThat(measured).isCloseTo(exact, org.assertj.core.data.Percentage.withPercentage(0.1));
            assertThat(after.resets()).isZero();
        }
    }
}
