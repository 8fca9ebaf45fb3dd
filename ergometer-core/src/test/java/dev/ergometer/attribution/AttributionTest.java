package dev.ergometer.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AttributionTest {

    @Test
    void vjoulesDividerExampleGivesTwoAndAHalfAndFiveJoules() {
        // vJoule's divider: 10 J over an interval where the node's CPUs were busy 1,000 units (and never idle); two
        // groups used 250 and 500 of them. They get 2.5 J and 5 J; the other 2.5 J went to work in no group.
        DomainShare share = Attribution.split(10_000_000, 1_000, 1_000, new long[] {250, 500});

        assertThat(share.consumerMicrojoules(0)).isEqualTo(2_500_000);
        assertThat(share.consumerMicrojoules(1)).isEqualTo(5_000_000);
        assertThat(share.idleMicrojoules()).isZero();
        assertThat(share.unattributedMicrojoules()).isEqualTo(2_500_000);
    }

    @Test
    void idlePartFollowsTheNodesIdleTime() {
        // busy a quarter of the time: 3/4 of 8 J is idle, the busy quarter is shared 1:3
        DomainShare share = Attribution.split(8_000_000, 250, 1_000, new long[] {50, 150, 0});

        assertThat(share.idleMicrojoules()).isEqualTo(6_000_000);
        assertThat(share.activeMicrojoules()).isEqualTo(2_000_000);
        assertThat(share.consumerMicrojoules(0)).isEqualTo(400_000);
        assertThat(share.consumerMicrojoules(1)).isEqualTo(1_200_000);
        assertThat(share.consumerMicrojoules(2)).isZero();
        assertThat(share.unattributedMicrojoules()).isEqualTo(400_000);
    }

    @Test
    void consumersReportingMoreThanTheBusyTimeAreScaledDownNotOverAttributed() {
        DomainShare share = Attribution.split(9_000_000, 600, 600, new long[] {400, 800});

        assertThat(share.consumerMicrojoules(0)).isEqualTo(3_000_000);
        assertThat(share.consumerMicrojoules(1)).isEqualTo(6_000_000);
        assertThat(share.attributedMicrojoules()).isEqualTo(9_000_000);
        assertThat(share.unattributedMicrojoules()).isZero();
    }

    @Test
    void roundingRemainderGoesToUnattributed() {
        DomainShare share = Attribution.split(10, 3, 3, new long[] {1, 1, 1});

        assertThat(share.consumerMicrojoules(0)).isEqualTo(3);
        assertThat(share.unattributedMicrojoules()).isEqualTo(1);
    }

    @Test
    void withoutAnyCpuTimeEverythingIsUnattributed() {
        DomainShare share = Attribution.split(5_000, 0, 0, new long[] {0});

        assertThat(share.unattributedMicrojoules()).isEqualTo(5_000);
        assertThat(share.idleMicrojoules()).isZero();
    }

    @Test
    void largeEnergiesAndTimesDoNotOverflow() {
        long energy = Long.MAX_VALUE / 2;
        long total = 3_000_000_000_000L;
        DomainShare share = Attribution.split(energy, total / 3, total, new long[] {total / 6, total / 6});

        assertThat(share.idleMicrojoules() + share.attributedMicrojoules() + share.unattributedMicrojoules())
                .isEqualTo(energy);
        assertThat(share.consumerMicrojoules(0)).isEqualTo(energy / 6);
    }

    @Test
    void busyTimeAboveTotalTimeIsRejected() {
        assertThatThrownBy(() -> Attribution.split(1, 2, 1, new long[0]))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("busy 2 ns");
    }

    @Test
    void negativeConsumerTimeIsRejected() {
        assertThatThrownBy(() -> Attribution.split(1, 1, 1, new long[] {-1}))
                .hasMessageContaining("cannot be negative");
    }

    @Test
    void partsAlwaysAddUpToTheEnergyAndNeverGoNegative() {
        SplittableRandom random = new SplittableRandom(20_240_501);
        for (int round = 0; round < 20_000; round++) {
            long energy = random.nextLong(0, round % 2 == 0 ? 1_000 : 1_000_000_000_000L);
            long total = random.nextLong(0, 4_000_000_000L);
            long busy = total == 0 ? 0 : random.nextLong(0, total + 1);
            long[] cpu = new long[random.nextInt(0, 12)];
            boolean overshoot = random.nextBoolean();
            for (int i = 0; i < cpu.length; i++) {
                long bound = (overshoot ? busy : busy / Math.max(1, cpu.length)) + 1;
                cpu[i] = random.nextLong(0, bound);
            }

            DomainShare share = Attribution.split(energy, busy, total, cpu);

            long sum = share.idleMicrojoules() + share.unattributedMicrojoules();
            for (int i = 0; i < cpu.length; i++) {
                assertThat(share.consumerMicrojoules(i)).isNotNegative();
                sum += share.consumerMicrojoules(i);
            }
            assertThat(sum).as("round %d", round).isEqualTo(energy);
            assertThat(share.idleMicrojoules()).isNotNegative();
            assertThat(share.unattributedMicrojoules()).isNotNegative();
            assertThat(share.attributedMicrojoules()).isLessThanOrEqualTo(share.activeMicrojoules());
        }
    }
}
