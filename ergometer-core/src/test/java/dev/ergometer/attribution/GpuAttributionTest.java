package dev.ergometer.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import net.jqwik.api.constraints.Size;
import java.util.List;
import org.junit.jupiter.api.Test;

class GpuAttributionTest {

    private static final long PERCENT = 1_000; // one percent in thousandths of a percent

    @Test
    void activeEnergyIsSharedBySmUtilisationAndIdleByTheDevicesBusyShare() {
        // 20 J; the GPU was busy 90 % of the interval; processes used 20 % and 60 %, a process nobody follows 10 %
        DomainShare share = GpuAttribution.split(20_000_000, 90 * PERCENT, new long[] {20 * PERCENT, 60 * PERCENT},
                10 * PERCENT);

        assertThat(share.idleMicrojoules()).isEqualTo(2_000_000);
        assertThat(share.consumerMicrojoules(0)).isEqualTo(4_000_000);
        assertThat(share.consumerMicrojoules(1)).isEqualTo(12_000_000);
        assertThat(share.unattributedMicrojoules()).isEqualTo(2_000_000);
    }

    @Test
    void busyTimeNoProcessAccountsForStaysUnattributed() {
        // busy 80 %, the only sampled process 20 %: three quarters of the active energy is nobody's
        DomainShare share = GpuAttribution.split(10_000_000, 80 * PERCENT, new long[] {20 * PERCENT, 0}, 0);

        assertThat(share.idleMicrojoules()).isEqualTo(2_000_000);
        assertThat(share.consumerMicrojoules(0)).isEqualTo(2_000_000);
        assertThat(share.consumerMicrojoules(1)).isZero();
        assertThat(share.unattributedMicrojoules()).isEqualTo(6_000_000);
    }

    @Test
    void processesReportingMoreThanTheDeviceWasBusyAreScaledDown() {
        DomainShare share = GpuAttribution.split(10_000_000, 50 * PERCENT, new long[] {60 * PERCENT, 40 * PERCENT},
                0);

        assertThat(share.idleMicrojoules()).isEqualTo(5_000_000);
        assertThat(share.consumerMicrojoules(0)).isEqualTo(3_000_000);
        assertThat(share.consumerMicrojoules(1)).isEqualTo(2_000_000);
        assertThat(share.unattributedMicrojoules()).isZero();
    }

    @Test
    void withoutTheDevicesOwnUtilisationTheGpuIsAsBusyAsItsProcessesSay() {
        DomainShare share = GpuAttribution.split(10_000_000, -1, new long[] {30 * PERCENT, 20 * PERCENT}, 0);

        assertThat(share.idleMicrojoules()).isEqualTo(5_000_000);
        assertThat(share.consumerMicrojoules(0)).isEqualTo(3_000_000);
        assertThat(share.consumerMicrojoules(1)).isEqualTo(2_000_000);

        DomainShare saturated = GpuAttribution.split(10_000_000, -1, new long[] {90 * PERCENT, 60 * PERCENT}, 0);
        assertThat(saturated.idleMicrojoules()).isZero();
        assertThat(saturated.consumerMicrojoules(0)).isEqualTo(6_000_000);
        assertThat(saturated.consumerMicrojoules(1)).isEqualTo(4_000_000);
    }

    @Test
    void anIdleGpuSpendsEverythingOnIdle() {
        DomainShare share = GpuAttribution.split(7_000_000, 0, new long[] {0, 0}, 0);

        assertThat(share.idleMicrojoules()).isEqualTo(7_000_000);
        assertThat(share.attributedMicrojoules()).isZero();
        assertThat(GpuAttribution.split(7_000_000, -1, new long[] {0}, 0).idleMicrojoules()).isEqualTo(7_000_000);
    }

    @Test
    void unknownUseLeavesEverythingUnattributed() {
        DomainShare share = GpuAttribution.unattributed(5_000_000, 3);

        assertThat(share.unattributedMicrojoules()).isEqualTo(5_000_000);
        assertThat(share.idleMicrojoules()).isZero();
        assertThat(share.consumers()).isEqualTo(3);
    }

    @Test
    void sharesOutOfRangeAreRefused() {
        assertThatThrownBy(() -> GpuAttribution.split(1, 100 * PERCENT + 1, new long[0], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("busy share");
        assertThatThrownBy(() -> GpuAttribution.split(1, -1, new long[] {-5}, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be negative");
        assertThatThrownBy(() -> GpuAttribution.split(1, 0, new long[0], -1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unplaced");
    }

    @Property(tries = 5_000)
    void idlePlusConsumersPlusUnattributedIsTheEnergyExactly(
            @ForAll @LongRange(min = 0, max = Long.MAX_VALUE / 2) long energyMicrojoules,
            @ForAll @LongRange(min = -1, max = GpuAttribution.FULL_MILLIPERCENT) long deviceMillipercent,
            @ForAll @Size(max = 12) List<@IntRange(min = 0, max = 100_000) Integer> consumers,
            @ForAll @IntRange(min = 0, max = 100_000) int unplacedMillipercent) {
        long[] shares = consumers.stream().mapToLong(Integer::longValue).toArray();

        DomainShare share = GpuAttribution.split(energyMicrojoules, deviceMillipercent, shares, unplacedMillipercent);

        long sum = share.idleMicrojoules() + share.unattributedMicrojoules() + share.attributedMicrojoules();
        assertThat(sum).isEqualTo(energyMicrojoules);
        assertThat(share.consumers()).isEqualTo(shares.length);
        long totalShares = unplacedMillipercent;
        for (int i = 0; i < shares.length; i++) {
            totalShares += shares[i];
            if (shares[i] == 0) {
                assertThat(share.consumerMicrojoules(i)).isZero(); // no samples, nothing
            }
        }
        for (int i = 0; i < shares.length; i++) {
            for (int j = 0; j < shares.length; j++) {
                if (shares[i] > shares[j]) {
                    assertThat(share.consumerMicrojoules(i)).isGreaterThanOrEqualTo(share.consumerMicrojoules(j));
                }
            }
        }
        if (deviceMillipercent >= 0 && totalShares <= deviceMillipercent) {
            // each consumer gets exactly its share of the energy, to the microjoule
            for (int i = 0; i < shares.length; i++) {
                long expected = Attribution.floorMulDiv(Attribution.floorMulDiv(energyMicrojoules,
                        deviceMillipercent, GpuAttribution.FULL_MILLIPERCENT), shares[i], Math.max(1,
                        deviceMillipercent));
                assertThat(share.consumerMicrojoules(i)).isEqualTo(deviceMillipercent == 0 ? 0 : expected);
            }
        }
    }
}
