package dev.ergometer.sampler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.powercap.PowercapSource;
import dev.ergometer.testkit.FakePowercapTree;
import dev.ergometer.testkit.PowerCurve;
import dev.ergometer.testkit.SyntheticCounter;
import dev.ergometer.source.DomainCounter;
import dev.ergometer.source.EnergySource;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.data.Percentage;
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
                RecordingSource source = new RecordingSource(PowercapSource.open(SystemPaths.real().withSysfs(root)));
                Sampler sampler = new Sampler(source, Ticker.system(), Sampler.DEFAULT_INTERVAL_NANOS).start()) {
            Thread.sleep(50);
            EnergySnapshot before = sampler.sample();
            long startWritten = counter.writtenAtNanos(source.last());
            Thread.sleep((long) (seconds * 1000));
            EnergySnapshot after = sampler.sample();
            long endWritten = counter.writtenAtNanos(source.last());

            double measured = after.minus(before).joules(0);
            // The truth for the two counter states the sampler read: the integral between the moments they stand
            // for. (The fake's writer thread can lag a few ms behind the reader on a loaded machine; real RAPL
            // counters update every ~1 ms, so that lag is the fake's, not the sampler's.)
            double exact = counter.exactJoules(startWritten, endWritten);
            assertThat(exact).isGreaterThan(RANGE_MICROJOULES / 1e6);
            assertThat(measured).isCloseTo(exact, Percentage.withPercentage(0.1));
            assertThat(after.resets()).isZero();
        }
    }

    /** Passes reads through and remembers the last raw value of the first domain. */
    private static final class RecordingSource implements EnergySource {
        private final EnergySource delegate;
        private volatile long last;

        RecordingSource(EnergySource delegate) {
            this.delegate = delegate;
        }

        long last() {
            return last;
        }

        @Override
        public String name() {
            return delegate.name();
        }

        @Override
        public String method() {
            return delegate.method();
        }

        @Override
        public List<DomainCounter> counters() {
            return delegate.counters();
        }

        @Override
        public void read(long[] microjoules) {
            delegate.read(microjoules);
            last = microjoules[0];
        }

        @Override
        public boolean estimated() {
            return false;
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
