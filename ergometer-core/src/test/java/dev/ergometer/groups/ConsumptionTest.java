package dev.ergometer.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ergometer.attribution.Attribution;
import dev.ergometer.attribution.DomainShare;
import org.junit.jupiter.api.Test;

class ConsumptionTest {

    @Test
    void vjoulesDividerExampleGivesTwoAndAHalfAndFiveJoules() {
        // 10 J over an interval in which the node was busy 1,000 of 1,000 units; the groups used 250 and 500
        DomainShare share = Attribution.split(10_000_000, 1_000, 1_000, new long[] {250, 500});
        Consumption machine = new Consumption(1, 10_000_000, 0, 0, false);
        Consumption first = new Consumption(1, share.consumerMicrojoules(0), 0, 0, false);
        Consumption second = new Consumption(1, share.consumerMicrojoules(1), 0, 0, false);

        assertThat(first.cpuJoules()).isEqualTo(2.5);
        assertThat(second.cpuJoules()).isEqualTo(5.0);
        assertThat(first.percentOf(machine).cpuPercent()).isEqualTo(25.0);
        assertThat(second.percentOf(machine).cpuPercent()).isEqualTo(50.0);
        assertThat(machine.minus(first).minus(second).cpuJoules()).isEqualTo(2.5);
    }

    @Test
    void minusIsTheDifferenceOfEachComponentAtTheLaterTime() {
        Consumption begin = new Consumption(100, 1_000_000, 200_000, 0, true);
        Consumption end = new Consumption(300, 4_000_000, 500_000, 70, false);

        Consumption used = end.minus(begin);

        assertThat(used).isEqualTo(new Consumption(300, 3_000_000, 300_000, 70, true));
        assertThat(used.totalMicrojoules()).isEqualTo(3_300_070);
    }

    @Test
    void percentOfAZeroBaseIsZero() {
        Consumption part = new Consumption(1, 1_000, 2_000, 0, false);
        Consumption whole = new Consumption(1, 4_000, 0, 0, false);

        Consumption.Percentages percentages = part.percentOf(whole);

        assertThat(percentages.cpuPercent()).isCloseTo(25.0, within(1e-9));
        assertThat(percentages.ramPercent()).isZero();
        assertThat(percentages.gpuPercent()).isZero();
    }

    @Test
    void subtractingTheLaterFromTheEarlierSaysWhichWayRound() {
        Consumption begin = new Consumption(1, 1_000, 0, 0, false);
        Consumption end = new Consumption(2, 5_000, 0, 0, false);

        assertThatThrownBy(() -> begin.minus(end))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("subtract the earlier consumption of the same group from the later one");
    }

    @Test
    void negativeEnergyIsRefused() {
        assertThatThrownBy(() -> new Consumption(1, -1, 0, 0, false))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("energy cannot be negative");
    }
}
