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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HwmonSourceTest {

    private static final Domain MACHINE = Domain.of(new Resource.Machine());
    private static final long MS = 1_000_000L;

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
        nowNanos = 5_000 * MS;
    }

    private EnergySource open() throws SourceUnavailableException {
        return HwmonSource.FACTORY.open(paths, ticker);
    }

    private static FakeHwmonTree.Chip amdEnergy(FakeHwmonTree tree, String name) {
        return tree.chip(name)
                .energy(1, "Ecore000", 111)
                .energy(2, "Ecore001", 222)
                .energy(3, "Esocket0", 1_000_000)
                .energy(4, "Esocket1", 9_000_000_000_000L);
    }

    @ParameterizedTest
    @ValueSource(strings = {"amd_energy", "zenergy"})
    void socketCountersGivePackageDomainsWithExactMicrojouleDeltas(String chipName) throws Exception {
        FakeHwmonTree.Chip chip = amdEnergy(tree, chipName);
        try (EnergySource source = open()) {
            assertThat(source.domains()).containsExactly(Domain.packageOf(0), Domain.packageOf(1));
            long[] first = new long[2];
            source.read(first);
            chip.setEnergy(3, 1_000_000 + 12_345_678).setEnergy(4, 9_000_000_000_000L + 987_654_321);
            long[] second = new long[2];
            source.read(second);

            assertThat(second[0] - first[0]).isEqualTo(12_345_678);
            assertThat(second[1] - first[1]).isEqualTo(987_654_321);
            assertThat(first).containsExactly(1_000_000, 9_000_000_000_000L);
        }
    }

    @Test
    void socketCountersDoNotWrapAndNeedNoFasterReadsThanASecond() throws Exception {
        amdEnergy(tree, "amd_energy");
        try (EnergySource source = open()) {
            assertThat(source.counters()).allSatisfy(counter -> {
                assertThat(counter.wrapMicrojoules()).isEqualTo(Long.MAX_VALUE);
                assertThat(counter.origin()).contains("energy").contains("Esocket");
            });
            assertThat(source.maxReadIntervalNanos()).isEqualTo(DomainCounter.MAX_READ_INTERVAL_NANOS);
            assertThat(source.estimated()).isFalse();
            assertThat(source.name()).isEqualTo("hwmon");
            assertThat(source.method()).isEqualTo("hwmon sensors: amd_energy energy counters (package_0, package_1)");
        }
    }

    @Test
    void perCoreCountersAloneAreNotOffered() {
        tree.chip("amd_energy").energy(1, "Ecore000", 1).energy(2, "Ecore001", 2);

        assertThatThrownBy(this::open)
                .isInstanceOf(SourceUnavailableException.class)
                .hasMessageContaining("no Esocket<N> counter");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void acpiPowerMeterConstantPowerIsIntegratedExactly(boolean legacyLayout) throws Exception {
        FakeHwmonTree.Chip meter = legacyLayout ? tree.legacyChip("power_meter") : tree.chip("power_meter");
        meter.powerAverage(1, 100_000_000).file("power1_average_interval", "1000");
        try (EnergySource source = open()) {
            assertThat(source.domains()).containsExactly(MACHINE);
            long[] microjoules = new long[1];
            for (int i = 1; i <= 10; i++) {
                nowNanos += 100 * MS;
                source.read(microjoules);
                assertThat(microjoules[0]).isEqualTo(i * 10_000_000L); // 100 W x 0.1 s = 10 J
            }
        }
    }

    @Test
    void acpiPowerMeterStepChangeFollowsTheTrapezoidRule() throws Exception {
        FakeHwmonTree.Chip meter = tree.chip("power_meter").powerAverage(1, 100_000_000);
        try (EnergySource source = open()) {
            long[] microjoules = new long[1];
            nowNanos += 100 * MS;
            source.read(microjoules); // 100 W -> 100 W over 0.1 s
            assertThat(microjoules[0]).isEqualTo(10_000_000L);

            meter.setPowerAverage(1, 200_000_000);
            nowNanos += 100 * MS;
            source.read(microjoules); // 100 W -> 200 W: mean 150 W over 0.1 s
            assertThat(microjoules[0]).isEqualTo(10_000_000L + 15_000_000L);

            nowNanos += 50 * MS;
            source.read(microjoules); // 200 W over 0.05 s
            assertThat(microjoules[0]).isEqualTo(25_000_000L + 10_000_000L);

            meter.setPowerAverage(1, 0);
            nowNanos += 200 * MS;
            source.read(microjoules); // 200 W -> 0 W: mean 100 W over 0.2 s
            assertThat(microjoules[0]).isEqualTo(35_000_000L + 20_000_000L);

            nowNanos += 300 * MS;
            source.read(microjoules); // 0 W
            assertThat(microjoules[0]).isEqualTo(55_000_000L);
        }
    }

    @Test
    void fractionsOfAMicrojouleAreCarriedNotLost() throws Exception {
        tree.chip("power_meter").powerAverage(1, 3); // 3 µW
        try (EnergySource source = open()) {
            long[] microjoules = new long[1];
            nowNanos += 500 * MS;
            source.read(microjoules); // 1.5 µJ
            assertThat(microjoules[0]).isEqualTo(1);
            nowNanos += 500 * MS;
            source.read(microjoules); // 3.0 µJ
            assertThat(microjoules[0]).isEqualTo(3);
        }
    }

    @Test
    void powerMeterAsksForReadsEvery100MillisecondsAndSaysItIntegrates() throws Exception {
        tree.chip("power_meter").powerAverage(1, 100_000_000);
        try (EnergySource source = open()) {
            assertThat(source.maxReadIntervalNanos()).isEqualTo(100 * MS);
            assertThat(source.estimated()).isFalse();
            assertThat(source.method()).isEqualTo("hwmon sensors: ACPI power meter power integrated every 100 ms"
                    + " (machine)");
            DomainCounter counter = source.counters().getFirst();
            assertThat(counter.wrapMicrojoules()).isEqualTo(Long.MAX_VALUE);
            assertThat(counter.origin()).contains("power1_average").contains("integrated from power");
            assertThat(counter.readIntervalNanos()).isEqualTo(100 * MS);
            assertThat(counter.safeReadIntervalNanos()).isEqualTo(100 * MS);
        }
    }

    @Test
    void socketCountersAndPowerMeterTogetherAreReadInDomainOrder() throws Exception {
        FakeHwmonTree.Chip amd = amdEnergy(tree, "amd_energy");
        FakeHwmonTree.Chip meter = tree.legacyChip("power_meter").powerAverage(1, 300_000_000);
        try (EnergySource source = open()) {
            assertThat(source.domains()).containsExactly(MACHINE, Domain.packageOf(0), Domain.packageOf(1));
            assertThat(source.maxReadIntervalNanos()).isEqualTo(100 * MS);
            assertThat(source.method()).isEqualTo("hwmon sensors: ACPI power meter power integrated every 100 ms"
                    + " (machine); amd_energy energy counters (package_0, package_1)");
            amd.setEnergy(3, 2_000_000);
            meter.setPowerAverage(1, 300_000_000);
            nowNanos += 100 * MS;
            long[] microjoules = new long[3];
            source.read(microjoules);
            assertThat(microjoules).containsExactly(30_000_000L, 2_000_000L, 9_000_000_000_000L);
        }
    }

    @Test
    void noSensorsSaysWhatToLoad() {
        assertThatThrownBy(this::open)
                .isInstanceOfSatisfying(SourceUnavailableException.class, e -> {
                    assertThat(e.source()).isEqualTo("hwmon");
                    assertThat(e.reason()).contains("no hwmon energy or power sensor (amd_energy, ACPI power meter)");
                    assertThat(e.fix()).contains("sudo modprobe amd_energy").contains("acpi_power_meter");
                });
    }

    @Test
    void missingHwmonClassIsLikeNoSensors() {
        SystemPaths empty = SystemPaths.real().withSysfs(sysfs.resolve("elsewhere"));

        assertThatThrownBy(() -> HwmonSource.FACTORY.open(empty, ticker))
                .isInstanceOfSatisfying(SourceUnavailableException.class,
                        e -> assertThat(e.reason()).contains("no hwmon energy or power sensor"));
    }

    @Test
    void chipsWithoutEnergyOrPowerFilesAreIgnoredQuietly() {
        tree.chip("k10temp").file("temp1_input", "45000");

        assertThatThrownBy(this::open)
                .isInstanceOfSatisfying(SourceUnavailableException.class,
                        e -> assertThat(e.reason()).doesNotContain("k10temp"));
    }

    @Test
    void gpuChipsAreNotPickedUp() throws Exception {
        tree.chip("amdgpu").powerAverage(1, 50_000_000).energy(1, 123);
        tree.chip("i915").energy(1, 456);
        tree.chip("xe").energy(1, 789);
        tree.chip("nouveau").powerInput(1, 20_000_000);

        assertThatThrownBy(this::open)
                .isInstanceOfSatisfying(SourceUnavailableException.class, e -> assertThat(e.reason())
                        .contains("amdgpu (hwmon0): a GPU")
                        .contains("i915 (hwmon1): a GPU")
                        .contains("xe (hwmon2): a GPU")
                        .contains("nouveau (hwmon3): a GPU"));

        amdEnergy(tree, "amd_energy");
        try (EnergySource source = open()) {
            assertThat(source.domains()).containsExactly(Domain.packageOf(0), Domain.packageOf(1));
        }
    }

    @Test
    void chipsOfUnknownMeaningAreSkippedAndNamed() {
        tree.chip("ina3221").powerInput(1, "VDD_CPU", 5_000_000);

        assertThatThrownBy(this::open)
                .isInstanceOfSatisfying(SourceUnavailableException.class, e -> assertThat(e.reason())
                        .contains("ina3221 (hwmon0): energy or power sensors of unknown meaning"));
    }

    @Test
    void onlyTheFirstPowerMeterIsRead() throws Exception {
        tree.chip("power_meter").powerAverage(1, 100_000_000);
        tree.chip("power_meter").powerAverage(1, 900_000_000);
        try (EnergySource source = open()) {
            assertThat(source.domains()).containsExactly(MACHINE);
            assertThat(source.counters().getFirst().origin()).contains("hwmon0");
        }
    }

    @Test
    void aSocketSeenByTwoDriversIsReadOnce() throws Exception {
        tree.chip("amd_energy").energy(1, "Esocket0", 10);
        tree.chip("zenergy").energy(1, "Esocket0", 20);
        try (EnergySource source = open()) {
            assertThat(source.domains()).containsExactly(Domain.packageOf(0));
            long[] microjoules = new long[1];
            source.read(microjoules);
            assertThat(microjoules[0]).isEqualTo(10);
        }
    }

    @Test
    void aSensorThatDoesNotHoldANumberIsNamed() {
        FakeHwmonTree.Chip meter = tree.chip("power_meter").powerAverage(1, 1);
        meter.file("power1_average", "n/a");

        assertThatThrownBy(this::open)
                .isInstanceOfSatisfying(SourceUnavailableException.class,
                        e -> assertThat(e.reason()).contains(meter.classPath("power1_average").toString()));
    }

    @Test
    void unreadableEnergyFileSaysRunAsRoot() {
        // Root reads any file, so the permission error is built here from the exception NativeFile.open throws.
        Path file = tree.chip("amd_energy").energy(1, "Esocket0", 10).classPath("energy1_input");
        SourceUnavailableException e = HwmonSource.Factory.unreadable(file, true,
                new java.nio.file.AccessDeniedException(file.toString()));

        assertThat(e.reason()).contains(file.toString()).contains("root only");
        assertThat(e.fix()).contains("run as root").contains("chmod");
    }

    @Test
    void factoryNamesItselfAndWhatItReads() {
        assertThat(HwmonSource.FACTORY.name()).isEqualTo("hwmon");
        assertThat(HwmonSource.FACTORY.summary()).contains("amd_energy").contains("ACPI power meter");
    }
}
