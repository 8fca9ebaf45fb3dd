package dev.ergometer.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.model.Domain;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class DomainCounterTest {

    private static final long RANGE = 262_143_328_850L;
    private static final long MAX_POWER = 300_000_000L;

    private static DomainCounter counter() {
        return new DomainCounter(Domain.packageOf(0), RANGE, MAX_POWER, 1.0, "test");
    }

    @Property
    void deltaAcrossAtMostOneWrapIsTheTrueEnergy(
            @ForAll @LongRange(min = 0, max = RANGE - 1) long start,
            @ForAll @LongRange(min = 0, max = 299_000_000L) long trueDelta) {
        long end = (start + trueDelta) % RANGE;
        assertThat(counter().deltaMicrojoules(start, end, 1_000_000_000L)).isEqualTo(trueDelta);
        assertThat(counter().isReset(start, end, 1_000_000_000L)).isFalse();
    }

    @Property
    void deltaIsNeverNegativeNorAboveWhatIsPlausible(
            @ForAll @LongRange(min = 0, max = RANGE - 1) long previous,
            @ForAll @LongRange(min = 0, max = RANGE - 1) long current,
            @ForAll @LongRange(min = 0, max = 10_000_000_000L) long elapsedNanos) {
        long delta = counter().deltaMicrojoules(previous, current, elapsedNanos);
        assertThat(delta).isNotNegative();
        if (current < previous) {
            assertThat(delta).isLessThanOrEqualTo(counter().plausibleMicrojoules(elapsedNanos));
        }
    }

    @Test
    void dropFarLargerThanAWrapExplainsIsAReset() {
        assertThat(counter().isReset(200_000_000_000L, 5_000L, 100_000_000L)).isTrue();
        assertThat(counter().deltaMicrojoules(200_000_000_000L, 5_000L, 100_000_000L)).isEqualTo(5_000L);
    }

    @Test
    void safeIntervalIsHalfTheTimeToWrapAtMaxPowerCappedAtOneSecond() {
        DomainCounter small = new DomainCounter(Domain.dramOf(0), 10_000_000L, 100_000_000L, 1.0, "test");
        assertThat(small.safeReadIntervalNanos()).isEqualTo(50_000_000L);
        assertThat(counter().safeReadIntervalNanos()).isEqualTo(1_000_000_000L);
    }

    @Test
    void integratedPowerAsksForReadsAtItsOwnInterval() {
        DomainCounter power = DomainCounter.integratedPower(Domain.of(new dev.ergometer.model.Resource.Machine()),
                500_000_000L, "power1_average", 100_000_000L);
        assertThat(power.wraps()).isFalse();
        assertThat(power.safeReadIntervalNanos()).isEqualTo(100_000_000L);
        assertThat(counter().readIntervalNanos()).isZero();
        assertThatThrownBy(() -> DomainCounter.integratedPower(Domain.packageOf(0), 1, "x", 0))
                .hasMessageContaining("package_0").hasMessageContaining("read interval");
    }

    @Test
    void invalidRangeIsRefusedWithTheDomainNamed() {
        assertThatThrownBy(() -> new DomainCounter(Domain.packageOf(1), 0, 1, 1.0, "x"))
                .hasMessageContaining("package_1").hasMessageContaining("range");
    }
}
