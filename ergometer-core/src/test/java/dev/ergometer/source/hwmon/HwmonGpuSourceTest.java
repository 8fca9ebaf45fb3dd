package dev.ergometer.source.hwmon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.model.Domain;
import dev.ergometer.model.Resource;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.DomainCounter;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.testkit.FakeHwmonTree;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HwmonGpuSourceTest {

    private static final long MS = 1_000_000L;
    private static final Domain AMD_0 = Domain.of(new Resource.Gpu("amd", 0));
    private static final Domain AMD_1 = Domain.of(new Resource.Gpu("amd", 1));
    private static final Domain INTEL_0 = Domain.of(new Resource.Gpu("intel", 0));
    private static final Domain INTEL_1 = Domain.of(new Resource.Gpu("intel", 1));

    @TempDir
    Path sysfs;

    private FakeHwmonTree tree;
    private SystemPaths paths;
    private long nowNanos;
    private final Ticker ticker = () -> nowNanos;

    @BeforeEach
    void createTree() {
        tree = FakeHwmonTree.in(sysfs);
        paths = SystemPaths.real().withSysfs(sysfs);
        nowNanos = 7_000 * MS;
    }

    private EnergySource open() throws SourceUnavailableException {
        return HwmonGpuSource.FACTORY.open(paths, ticker);
    }

    @Test
    void amdgpuConstantPowerIsIntegratedExactly() throws Exception {
        tree.gpuChip("amdgpu", "0000:03:00.0", 0).file("temp1_input", "45000").powerAverage(1, 150_000_000);
        try (EnergySource source = open()) {
            assertThat(source.domains()).containsExactly(AMD_0);
            long[] microjoules = new long[1];
            for (int i = 1; i <= 10; i++) {
                nowNanos += 100 * MS;
                source.read(microjoules);
                assertThat(microjoules[0]).isEqualTo(i * 15_000_000L); // 150 W x 0.1 s = 15 J
            }
            assertThat(source.warnings()).isEmpty();
        }
    }

    @Test
    void amdgpuPowerStepFollowsTheTrapezoidRule() throws Exception {
        FakeHwmonTree.Chip gpu = tree.gpuChip("amdgpu", "0000:03:00.0", 0).powerAverage(1, 20_000_000);
        try (EnergySource source = open()) {
            long[] microjoules = new long[1];
            nowNanos += 100 * MS;
            source.read(microjoules); // 20 W over 0.1 s
            assertThat(microjoules[0]).isEqualTo(2_000_000L);

            gpu.setPowerAverage(1, 220_000_000);
            nowNanos += 100 * MS;
            source.read(microjoules); // 20 W -> 220 W: mean 120 W over 0.1 s
            assertThat(microjoules[0]).isEqualTo(2_000_000L + 12_000_000L);

            nowNanos += 250 * MS;
            source.read(microjoules); // 220 W over 0.25 s
            assertThat(microjoules[0]).isEqualTo(14_000_000L + 55_000_000L);
        }
    }

    @Test
    void amdgpuPowerIsReadEvery100MillisecondsAndNamedAsIntegrated() throws Exception {
        tree.gpuChip("amdgpu", "0000:03:00.0", 0).powerAverage(1, 1);
        try (EnergySource source = open()) {
            assertThat(source.maxReadIntervalNanos()).isEqualTo(100 * MS);
            assertThat(source.estimated()).isFalse();
            assertThat(source.name()).isEqualTo("gpu-hwmon");
            assertThat(source.method()).isEqualTo("amd_gpu_0 amdgpu power1_average integrated every 100 ms");
            DomainCounter counter = source.counters().getFirst();
            assertThat(counter.wrapMicrojoules()).isEqualTo(Long.MAX_VALUE);
            assertThat(counter.origin()).contains("power1_average").contains("card0")
                    .contains("integrated from power");
        }
    }

    @Test
    void amdgpuPrefersPowerAverageAndFallsBackToPowerInput() throws Exception {
        tree.gpuChip("amdgpu", "0000:03:00.0", 0).powerAverage(1, 100_000_000).powerInput(1, 900_000_000);
        tree.gpuChip("amdgpu", "0000:04:00.0", 1).powerInput(1, 50_000_000);
        try (EnergySource source = open()) {
            assertThat(source.method()).isEqualTo("amd_gpu_0 amdgpu power1_average integrated every 100 ms;"
                    + " amd_gpu_1 amdgpu power1_input integrated every 100 ms");
            long[] microjoules = new long[2];
            nowNanos += 1_000 * MS;
            source.read(microjoules);
            assertThat(microjoules).containsExactly(100_000_000L, 50_000_000L);
        }
    }

    @Test
    void amdgpuEnergyCounterIsPreferredOverPower() throws Exception {
        FakeHwmonTree.Chip gpu = tree.gpuChip("amdgpu", "0000:c1:00.0", 0)
                .powerAverage(1, 999_000_000)
                .energy(1, 5_000_000);
        try (EnergySource source = open()) {
            assertThat(source.method()).isEqualTo("amd_gpu_0 amdgpu energy1_input counter");
            assertThat(source.maxReadIntervalNanos()).isEqualTo(DomainCounter.MAX_READ_INTERVAL_NANOS);
            long[] first = new long[1];
            source.read(first);
            gpu.setEnergy(1, 5_000_000 + 3_456_789);
            nowNanos += 1_000 * MS;
            long[] second = new long[1];
            source.read(second);
            assertThat(first[0]).isEqualTo(5_000_000);
            assertThat(second[0] - first[0]).isEqualTo(3_456_789);
        }
    }

    @Test
    void i915EnergyCounterGivesIntelGpuWithExactDeltas() throws Exception {
        FakeHwmonTree.Chip gpu = tree.gpuChip("i915", "0000:03:00.0", 0).energy(1, 1_000);
        try (EnergySource source = open()) {
            assertThat(source.domains()).containsExactly(INTEL_0);
            assertThat(source.method()).isEqualTo("intel_gpu_0 i915 energy1_input counter");
            long[] microjoules = new long[1];
            source.read(microjoules);
            assertThat(microjoules[0]).isEqualTo(1_000);
            gpu.setEnergy(1, 1_000 + 77_777_777);
            source.read(microjoules);
            assertThat(microjoules[0]).isEqualTo(1_000 + 77_777_777);
        }
    }

    @Test
    void xeReadsTheCardCounterNotThePackageOne() throws Exception {
        FakeHwmonTree.Chip gpu = tree.gpuChip("xe", "0000:03:00.0", 0)
                .energy(1, "pkg", 10_000_000)
                .energy(2, "card", 30_000_000);
        try (EnergySource source = open()) {
            assertThat(source.method()).isEqualTo("intel_gpu_0 xe energy2_input (card) counter");
            assertThat(source.counters().getFirst().origin()).contains("energy2_input").contains("card");
            long[] microjoules = new long[1];
            gpu.setEnergy(1, 11_000_000).setEnergy(2, 32_000_000);
            source.read(microjoules);
            assertThat(microjoules[0]).isEqualTo(32_000_000);
        }
    }

    @Test
    void xeWithOnlyAPackageCounterReadsIt() throws Exception {
        tree.gpuChip("xe", "0000:03:00.0", 0).energy(2, "pkg", 4_000);
        try (EnergySource source = open()) {
            assertThat(source.method()).isEqualTo("intel_gpu_0 xe energy2_input (pkg) counter");
        }
    }

    @Test
    void gpusAreNumberedByDrmCardPerVendor() throws Exception {
        tree.gpuChip("amdgpu", "0000:41:00.0", 2).powerAverage(1, 2_000_000); // hwmon0
        tree.gpuChip("i915", "0000:81:00.0", 3).energy(1, 30); // hwmon1
        tree.gpuChip("amdgpu", "0000:03:00.0", 1).powerAverage(1, 1_000_000); // hwmon2
        tree.gpuChip("xe", "0000:05:00.0", 0).energy(1, "card", 10); // hwmon3
        try (EnergySource source = open()) {
            assertThat(source.domains()).containsExactly(AMD_0, INTEL_0, AMD_1, INTEL_1);
            assertThat(source.counters()).extracting(DomainCounter::origin).satisfiesExactly(
                    o -> assertThat(o).contains("hwmon2").contains("card1"),
                    o -> assertThat(o).contains("hwmon3").contains("card0"),
                    o -> assertThat(o).contains("hwmon0").contains("card2"),
                    o -> assertThat(o).contains("hwmon1").contains("card3"));
            long[] microjoules = new long[4];
            nowNanos += 1_000 * MS;
            source.read(microjoules);
            assertThat(microjoules).containsExactly(1_000_000L, 10L, 2_000_000L, 30L);
        }
    }

    @Test
    void aGpuWithoutDrmCardComesAfterTheNumberedOnesInDiscoveryOrder() throws Exception {
        tree.gpuChipWithoutCard("amdgpu", "0000:41:00.0").powerAverage(1, 9_000_000); // hwmon0
        tree.gpuChip("amdgpu", "0000:03:00.0", 5).powerAverage(1, 1_000_000); // hwmon1
        try (EnergySource source = open()) {
            assertThat(source.domains()).containsExactly(AMD_0, AMD_1);
            assertThat(source.counters().get(0).origin()).contains("hwmon1").contains("card5");
            assertThat(source.counters().get(1).origin()).contains("hwmon0").doesNotContain("card");
        }
    }

    @Test
    void theCpuHwmonSourceStillLeavesGpuChipsAlone() throws Exception {
        tree.gpuChip("amdgpu", "0000:03:00.0", 0).powerAverage(1, 50_000_000).energy(1, 123);
        tree.gpuChip("i915", "0000:04:00.0", 1).energy(1, 456);
        tree.gpuChip("xe", "0000:05:00.0", 2).energy(1, "card", 789);

        assertThatThrownBy(() -> HwmonSource.FACTORY.open(paths, ticker))
                .isInstanceOfSatisfying(SourceUnavailableException.class, e -> assertThat(e.reason())
                        .contains("amdgpu (hwmon0): a GPU")
                        .contains("i915 (hwmon1): a GPU")
                        .contains("xe (hwmon2): a GPU"));
        try (EnergySource source = open()) {
            assertThat(source.domains()).hasSize(3);
        }
    }

    @Test
    void cpuChipsAreNotGpus() {
        tree.chip("amd_energy").energy(1, "Esocket0", 10);
        tree.chip("power_meter").powerAverage(1, 100_000_000);

        assertThatThrownBy(this::open).isInstanceOf(SourceUnavailableException.class);
    }

    @Test
    void noGpuSaysWhatToLoadAndNamesGpusItCannotRead() {
        tree.chip("k10temp").file("temp1_input", "45000");
        tree.gpuChip("nouveau", "0000:01:00.0", 0).powerInput(1, 20_000_000);
        tree.gpuChip("i915", "0000:00:02.0", 1).file("temp1_input", "40000");

        assertThatThrownBy(this::open)
                .isInstanceOfSatisfying(SourceUnavailableException.class, e -> {
                    assertThat(e.source()).isEqualTo("gpu-hwmon");
                    assertThat(e.reason()).contains("no AMD or Intel GPU with an hwmon energy or power sensor")
                            .contains("nouveau (hwmon1): not read here")
                            .contains("i915 (hwmon2): no energy1_input file")
                            .doesNotContain("k10temp");
                    assertThat(e.fix()).isEqualTo(
                            "load amdgpu / i915 / xe; integrated GPUs are also in RAPL's uncore domain");
                });
    }

    @Test
    void missingHwmonClassIsLikeNoGpu() {
        SystemPaths empty = SystemPaths.real().withSysfs(sysfs.resolve("elsewhere"));

        assertThatThrownBy(() -> HwmonGpuSource.FACTORY.open(empty, ticker))
                .isInstanceOfSatisfying(SourceUnavailableException.class,
                        e -> assertThat(e.reason()).contains("no AMD or Intel GPU"));
    }

    @Test
    void aSensorFileThatVanishesMidRunGivesAWarningAndTheOtherGpuKeepsCounting() throws Exception {
        FakeHwmonTree.Chip amd = tree.gpuChip("amdgpu", "0000:03:00.0", 0).powerAverage(1, 100_000_000);
        FakeHwmonTree.Chip intel = tree.gpuChip("i915", "0000:04:00.0", 1).energy(1, 0);
        try (EnergySource source = open()) {
            long[] microjoules = new long[2];
            nowNanos += 100 * MS;
            intel.setEnergy(1, 1_000_000);
            source.read(microjoules);
            assertThat(microjoules).containsExactly(10_000_000L, 1_000_000L);

            amd.vanish("power1_average");
            nowNanos += 100 * MS;
            intel.setEnergy(1, 2_000_000);
            source.read(microjoules);
            assertThat(microjoules).containsExactly(10_000_000L, 2_000_000L);
            assertThat(source.warnings()).singleElement().asString()
                    .contains("amd_gpu_0 (amdgpu, hwmon0, card0)")
                    .contains("power1_average")
                    .contains("stays at 10.0 J");

            nowNanos += 100 * MS;
            intel.setEnergy(1, 3_000_000);
            source.read(microjoules);
            assertThat(microjoules).containsExactly(10_000_000L, 3_000_000L);
            assertThat(source.warnings()).hasSize(1);
        }
    }

    @Test
    void aSensorThatDoesNotHoldANumberAtOpenIsNamed() {
        FakeHwmonTree.Chip gpu = tree.gpuChip("i915", "0000:03:00.0", 0).energy(1, 1);
        gpu.file("energy1_input", "n/a");

        assertThatThrownBy(this::open)
                .isInstanceOfSatisfying(SourceUnavailableException.class, e -> {
                    assertThat(e.reason()).contains(gpu.classPath("energy1_input").toString());
                    assertThat(e.fix()).contains("dmesg");
                });
    }

    @Test
    void aGpuThatCannotBeOpenedIsLeftOutWithAWarningWhenAnotherWorks() throws Exception {
        tree.gpuChip("amdgpu", "0000:03:00.0", 0).powerAverage(1, 1).file("power1_average", "garbage");
        tree.gpuChip("i915", "0000:04:00.0", 1).energy(1, 5);
        try (EnergySource source = open()) {
            assertThat(source.domains()).containsExactly(INTEL_0);
            assertThat(source.warnings()).singleElement().asString()
                    .contains("amd_gpu_0 (amdgpu, hwmon0, card0) left out").contains("power1_average");
        }
    }

    @Test
    void factoryNamesItselfAndWhatItReads() {
        assertThat(HwmonGpuSource.FACTORY.name()).isEqualTo("gpu-hwmon");
        assertThat(HwmonGpuSource.FACTORY.summary()).contains("amdgpu").contains("i915").contains("xe");
    }
}
