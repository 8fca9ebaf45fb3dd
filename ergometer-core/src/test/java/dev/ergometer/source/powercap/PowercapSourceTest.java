package dev.ergometer.source.powercap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.model.Domain;
import dev.ergometer.sampler.EnergySnapshot;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySources;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.testkit.FakePowercapTree;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PowercapSourceTest {

    @TempDir
    Path root;

    private SystemPaths paths() {
        return SystemPaths.real().withSysfs(root).withProcfs(root.resolve("proc"));
    }

    @Test
    void oneSocketGivesPyJoulesIds() throws Exception {
        FakePowercapTree.oneSocket(root);
        try (PowercapSource source = PowercapSource.open(paths())) {
            assertThat(source.domains()).extracting(Domain::id)
                    .containsExactly("package_0", "core_0", "uncore_0", "dram_0");
            assertThat(source.estimated()).isFalse();
        }
    }

    @Test
    void twoSocketsWithPsysGiveEveryDomainOnce() throws Exception {
        FakePowercapTree.twoSockets(root).zone("intel-rapl:2", "psys", FakePowercapTree.TYPICAL_RANGE_MICROJOULES);
        try (PowercapSource source = PowercapSource.open(paths())) {
            assertThat(source.domains()).extracting(Domain::id).containsExactly(
                    "package_0", "core_0", "uncore_0", "dram_0",
                    "package_1", "core_1", "uncore_1", "dram_1", "psys");
        }
    }

    @Test
    void packageNumberComesFromTheNameNotTheZoneIndex() throws Exception {
        FakePowercapTree.in(root)
                .zone("intel-rapl:0", "psys", 100)
                .zone("intel-rapl:1", "package-0", 100)
                .zone("intel-rapl:1:0", "dram", 100)
                .zone("intel-rapl:2", "package-1", 100)
                .zone("intel-rapl:2:0", "core", 100);
        try (PowercapSource source = PowercapSource.open(paths())) {
            assertThat(source.domains()).extracting(Domain::id)
                    .containsExactly("package_0", "dram_0", "package_1", "core_1", "psys");
        }
    }

    @Test
    void mmioDuplicatesOfAPackageAreNotCountedTwice() throws Exception {
        FakePowercapTree.oneSocket(root).zone("intel-rapl-mmio:0", "package-0", 100);
        try (PowercapSource source = PowercapSource.open(paths())) {
            assertThat(source.domains()).extracting(Domain::id)
                    .containsExactly("package_0", "core_0", "uncore_0", "dram_0");
        }
    }

    @Test
    void amdZonesInTheSameTreeAreRead() throws Exception {
        FakePowercapTree.in(root)
                .zone("intel-rapl:0", "package-0", FakePowercapTree.TYPICAL_RANGE_MICROJOULES)
                .zone("intel-rapl:0:0", "core", FakePowercapTree.TYPICAL_RANGE_MICROJOULES);
        try (PowercapSource source = PowercapSource.open(paths())) {
            assertThat(source.domains()).extracting(Domain::id).containsExactly("package_0", "core_0");
        }
    }

    @Test
    void readsEnergyInMicrojoules() throws Exception {
        FakePowercapTree tree = FakePowercapTree.oneSocket(root);
        tree.setEnergy("intel-rapl:0", 123_456_789L);
        tree.setEnergy("intel-rapl:0:2", 42L);
        try (PowercapSource source = PowercapSource.open(paths())) {
            long[] values = new long[4];
            source.read(values);
            assertThat(values).containsExactly(123_456_789L, 0, 0, 42L);
        }
    }

    @Test
    void counterPassingItsRangeGivesTheTrueDelta() throws Exception {
        long range = 1_000_000_000L;
        FakePowercapTree tree = FakePowercapTree.in(root).zone("intel-rapl:0", "package-0", range);
        tree.setEnergy("intel-rapl:0", range - 3_000_000L);
        long[] now = {0};
        try (PowercapSource source = PowercapSource.open(paths());
                Sampler sampler = new Sampler(source, () -> now[0], Sampler.DEFAULT_INTERVAL_NANOS)) {
            EnergySnapshot before = sampler.sample();
            now[0] += 1_000_000_000L;
            tree.setEnergy("intel-rapl:0", 2_000_000L);
            EnergySnapshot after = sampler.sample();
            assertThat(after.minus(before).microjoules(0)).isEqualTo(5_000_000L);
            assertThat(after.resets()).isZero();
        }
    }

    @Test
    void counterGoingBackwardsIsAResetNotEnormousEnergy() throws Exception {
        FakePowercapTree tree = FakePowercapTree.in(root)
                .zone("intel-rapl:0", "package-0", FakePowercapTree.TYPICAL_RANGE_MICROJOULES)
                .maxPower("intel-rapl:0", 100_000_000L);
        tree.setEnergy("intel-rapl:0", 200_000_000_000L);
        long[] now = {0};
        try (PowercapSource source = PowercapSource.open(paths());
                Sampler sampler = new Sampler(source, () -> now[0], Sampler.DEFAULT_INTERVAL_NANOS)) {
            EnergySnapshot before = sampler.sample();
            now[0] += 100_000_000L;
            tree.setEnergy("intel-rapl:0", 1_000_000L);
            EnergySnapshot after = sampler.sample();
            assertThat(after.resets()).isEqualTo(1);
            assertThat(after.minus(before).microjoules(0)).isBetween(0L, 1_000_000L);
        }
    }

    @Test
    void unreadableEnergyFileSaysRootOnlySinceLinux510() {
        Path file = root.resolve("class/powercap/intel-rapl:0/energy_uj");
        SourceUnavailableException e = PowercapSource.permissionDenied(file,
                new AccessDeniedException(file.toString()));
        assertThat(e.reason()).contains(file.toString()).contains("root only since Linux 5.10");
        assertThat(e.fix()).contains("run as root").contains("chmod");
    }

    @Test
    void brokenEnergyFileFailsAndTheNextSourceIsUsed() {
        FakePowercapTree tree = FakePowercapTree.oneSocket(root);
        tree.makeEnergyUnreadable("intel-rapl:0:1");
        assertThatThrownBy(() -> PowercapSource.open(paths()))
                .isInstanceOf(SourceUnavailableException.class)
                .hasMessageContaining("intel-rapl:0:1/energy_uj");
    }

    @Test
    void absentTreeSaysNoRaplDriver() throws Exception {
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/cpuinfo"), "flags\t\t: fpu vme hypervisor\n");
        assertThatThrownBy(() -> PowercapSource.open(paths()))
                .isInstanceOf(SourceUnavailableException.class)
                .hasMessageContaining("class/powercap is absent")
                .hasMessageContaining("virtual machine");
    }

    @Test
    void bestSourceSelectionReportsWhyPowercapWasPassedOver() {
        FakePowercapTree tree = FakePowercapTree.oneSocket(root);
        tree.makeEnergyUnreadable("intel-rapl:0");
        assertThatThrownBy(() -> EnergySources.open("powercap", paths(), Ticker.system()))
                .isInstanceOf(SourceUnavailableException.class)
                .satisfies(e -> assertThat(((SourceUnavailableException) e).source()).isEqualTo("powercap"));
    }
}
