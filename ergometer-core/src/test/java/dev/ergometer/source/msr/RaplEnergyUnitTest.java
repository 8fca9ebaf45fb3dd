package dev.ergometer.source.msr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.model.Domain;
import dev.ergometer.source.DomainCounter;
import java.math.BigInteger;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class RaplEnergyUnitTest {

    private static final BigInteger MICROJOULES_PER_JOULE = BigInteger.valueOf(1_000_000);

    @Property
    void microjoulesAreTheExactFloorOfStepsTimesTheUnit(
            @ForAll @IntRange(min = 0, max = 31) int energyStatusUnit,
            @ForAll @LongRange(min = 0, max = 1L << 40) long steps) {
        RaplEnergyUnit unit = RaplEnergyUnit.ofJoulePowerOfTwo(energyStatusUnit);
        long exactFloor = BigInteger.valueOf(steps).multiply(MICROJOULES_PER_JOULE)
                .shiftRight(energyStatusUnit).longValueExact();
        assertThat(unit.microjoules(steps)).isEqualTo(exactFloor);
    }

    @Property
    void theMicrojouleValueWrapsExactlyAtTwoToTheThirtyTwoSteps(@ForAll @IntRange(min = 0, max = 31) int esu) {
        RaplEnergyUnit unit = RaplEnergyUnit.ofJoulePowerOfTwo(esu);
        long wrap = unit.wrapMicrojoules();
        assertThat(BigInteger.valueOf(wrap).shiftLeft(esu))
                .isEqualTo(BigInteger.ONE.shiftLeft(32).multiply(MICROJOULES_PER_JOULE));
        assertThat(unit.microjoules(RaplEnergyUnit.COUNTER_MASK)).isLessThan(wrap);
    }

    /**
     * Between two reads at most half the counter's range can be counted (the source's maximum read interval sees to
     * that); over any such pair, wrapped or not, the wrap-safe delta of the µJ values is the true energy within 1 µJ.
     */
    @Property(tries = 3000)
    void theDeltaOfTwoReadingsIsTheTrueEnergyWithinOneMicrojouleAcrossAWrap(
            @ForAll @IntRange(min = 0, max = 31) int esu,
            @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long previousSteps,
            @ForAll @LongRange(min = 0, max = 1L << 31) long stepsCounted) {
        RaplEnergyUnit unit = RaplEnergyUnit.ofJoulePowerOfTwo(esu);
        DomainCounter counter = new DomainCounter(Domain.packageOf(0), unit.wrapMicrojoules(),
                DomainCounter.DEFAULT_MAX_POWER_MICROWATTS, unit.resolutionMicrojoules(), "test");
        long currentSteps = (previousSteps + stepsCounted) & RaplEnergyUnit.COUNTER_MASK;
        // long enough for the counted energy to be plausible at the default maximum power
        long elapsedNanos = unit.microjoules(stepsCounted) + 1_000_000_000L;

        long delta = counter.deltaMicrojoules(
                unit.microjoules(previousSteps), unit.microjoules(currentSteps), elapsedNanos);

        // |delta - steps * 10^6 / 2^esu| < 1, in integers: |delta * 2^esu - steps * 10^6| < 2^esu
        BigInteger error = BigInteger.valueOf(delta).shiftLeft(esu)
                .subtract(BigInteger.valueOf(stepsCounted).multiply(MICROJOULES_PER_JOULE)).abs();
        assertThat(error).isLessThan(BigInteger.ONE.shiftLeft(esu));
    }

    @Property
    void aWrapIsSeenAsAWrapNotAReset(@ForAll @IntRange(min = 0, max = 31) int esu,
            @ForAll @LongRange(min = 1, max = 1L << 31) long stepsCounted) {
        RaplEnergyUnit unit = RaplEnergyUnit.ofJoulePowerOfTwo(esu);
        DomainCounter counter = new DomainCounter(Domain.packageOf(0), unit.wrapMicrojoules(),
                DomainCounter.DEFAULT_MAX_POWER_MICROWATTS, unit.resolutionMicrojoules(), "test");
        long previous = unit.microjoules(RaplEnergyUnit.COUNTER_MASK);
        long current = unit.microjoules(stepsCounted - 1);
        assertThat(counter.isReset(previous, current, unit.microjoules(stepsCounted) + 1_000_000_000L)).isFalse();
    }

    @Property
    void atomUnitsArePowersOfTwoOfAMicrojoule(
            @ForAll @IntRange(min = 0, max = 30) int esu, @ForAll @LongRange(min = 0, max = 0xFFFF_FFFFL) long steps) {
        RaplEnergyUnit unit = RaplEnergyUnit.ofMicrojoulePowerOfTwo(esu);
        assertThat(unit.microjoules(steps)).isEqualTo(steps << esu);
        assertThat(unit.wrapMicrojoules()).isEqualTo(1L << (32 + esu));
    }

    @Test
    void theUsualUnitIsSixtyOneMicrojoules() {
        RaplEnergyUnit unit = RaplEnergyUnit.ofJoulePowerOfTwo(RaplEnergyUnit.energyStatusUnitBits(0xA0E03));
        assertThat(unit.resolutionMicrojoules()).isEqualTo(61.03515625);
        assertThat(unit.wrapMicrojoules()).isEqualTo(262_144_000_000L);
    }

    @Test
    void aUnitWhoseRangeWouldNotFitInALongIsRefused() {
        assertThatThrownBy(() -> new RaplEnergyUnit(1L << 31, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("too large");
        assertThatThrownBy(() -> RaplEnergyUnit.ofMicrojoulePowerOfTwo(31))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
