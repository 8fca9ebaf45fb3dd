package dev.ergometer.source.perf;

import static org.assertj.core.api.Assertions.assertThat;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class PerfCountConversionTest {

    private static final double RAPL_MICROJOULES_PER_COUNT = 0x1p-32 * 1e6;

    @Test
    void raplCountsConvertExactlyAtWholeJoules() {
        assertThat(PerfPowerSource.microjoules(1L << 32, RAPL_MICROJOULES_PER_COUNT)).isEqualTo(1_000_000);
        assertThat(PerfPowerSource.microjoules(3L << 32, RAPL_MICROJOULES_PER_COUNT)).isEqualTo(3_000_000);
        assertThat(PerfPowerSource.microjoules(4294, RAPL_MICROJOULES_PER_COUNT)).isZero();
        assertThat(PerfPowerSource.microjoules(4295, RAPL_MICROJOULES_PER_COUNT)).isEqualTo(1);
    }

    @Test
    void raplCounterWrapsAfterTwoToThe32Joules() {
        assertThat(PerfPowerSource.wrapMicrojoules(RAPL_MICROJOULES_PER_COUNT)).isEqualTo(4_294_967_296_000_000L);
        assertThat(PerfPowerSource.microjoules(-1L, RAPL_MICROJOULES_PER_COUNT))
                .isLessThanOrEqualTo(4_294_967_296_000_000L)
                .isGreaterThan(4_294_967_295_999_000L);
    }

    @Test
    void countersThatCannotWrapWithinALongSaturate() {
        assertThat(PerfPowerSource.wrapMicrojoules(1.0)).isEqualTo(Long.MAX_VALUE);
        assertThat(PerfPowerSource.microjoules(-1L, 1.0)).isEqualTo(Long.MAX_VALUE);
    }

    @Property
    void conversionNeverGoesBackwardsAsTheUnsignedCountGrows(@ForAll long a, @ForAll long b,
            @ForAll("scales") double joulesPerCount) {
        double microjoulesPerCount = joulesPerCount * 1e6;
        long low = Long.compareUnsigned(a, b) <= 0 ? a : b;
        long high = low == a ? b : a;

        long lowMicrojoules = PerfPowerSource.microjoules(low, microjoulesPerCount);
        long highMicrojoules = PerfPowerSource.microjoules(high, microjoulesPerCount);

        assertThat(lowMicrojoules).isLessThanOrEqualTo(highMicrojoules).isNotNegative();
        assertThat(highMicrojoules).isLessThanOrEqualTo(PerfPowerSource.wrapMicrojoules(microjoulesPerCount));
    }

    @net.jqwik.api.Provide
    net.jqwik.api.Arbitrary<Double> scales() {
        return net.jqwik.api.Arbitraries.of(0x1p-32, 1e-9, 6.103515625e-05, 1.0 / 3, 1e-15);
    }
}
