package dev.ergometer.source.msr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ergometer.model.Domain;
import dev.ergometer.source.DomainCounter;
import dev.ergometer.source.EnergyReadException;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.testkit.FakeMsrDevices;
import java.nio.file.AccessDeniedException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MsrSourceTest {

    /** A typical MSR_RAPL_POWER_UNIT: power 1/8 W, energy 1/2^14 J (61.035 µJ), time 1/1024 s. */
    private static final long INTEL_UNITS_ESU_14 = 0xA0E03;
    /** A typical AMD RAPL_PWR_UNIT: energy 1/2^16 J (15.26 µJ). */
    private static final long AMD_UNITS_ESU_16 = 0xA1003;
    private static final long ONE_SECOND_NANOS = 1_000_000_000L;

    @TempDir
    Path root;

    private static SystemPaths pathsOf(FakeMsrDevices machine) {
        return new SystemPaths(machine.sysfs(), machine.procfs(), machine.dev());
    }

    /** Opens the source on a fake machine, reading registers where the fake stores them (see FakeMsrDevices). */
    private static MsrSource open(FakeMsrDevices machine) throws SourceUnavailableException {
        return MsrSource.open(pathsOf(machine), machine.offsetScale());
    }

    private static long[] read(EnergySource source) {
        long[] microjoules = new long[source.counters().size()];
        source.read(microjoules);
        return microjoules;
    }

    private static List<String> ids(EnergySource source) {
        return source.domains().stream().map(Domain::id).toList();
    }

    private static SourceUnavailableException unavailable(FakeMsrDevices machine) {
        return catchThrowableOfType(SourceUnavailableException.class, () -> open(machine));
    }

    @Test
    void intelClientOffersTheDomainsWhoseRegistersAreNotZeroInExactMicrojoules() throws Exception {
        FakeMsrDevices machine = FakeMsrDevices.intel(root).build();
        machine.writePackageRegister(0, 0x606, INTEL_UNITS_ESU_14);
        machine.writePackageRegister(0, 0x611, 3 * 16384 + 1);
        machine.writePackageRegister(0, 0x639, 16384);
        machine.writePackageRegister(0, 0x641, 1);
        machine.writePackageRegister(0, 0x64D, 2 * 16384);
        // DRAM (0x619) stays 0: this client has no DRAM domain

        try (MsrSource source = open(machine)) {
            assertThat(ids(source)).containsExactly("package_0", "core_0", "uncore_0", "psys");
            assertThat(read(source)).containsExactly(3_000_061L, 1_000_000L, 61L, 2_000_000L);
            DomainCounter pkg = source.counters().getFirst();
            assertThat(pkg.wrapMicrojoules()).isEqualTo(262_144_000_000L);
            assertThat(pkg.resolutionMicrojoules()).isEqualTo(61.03515625);
            assertThat(pkg.maxPowerMicrowatts()).isEqualTo(DomainCounter.DEFAULT_MAX_POWER_MICROWATTS);
            assertThat(pkg.origin()).isEqualTo(machine.msrFile(0) + " 0x611");
            assertThat(source.maxReadIntervalNanos()).isLessThanOrEqualTo(ONE_SECOND_NANOS);
            assertThat(source.estimated()).isFalse();
            assertThat(source.name()).isEqualTo("msr");
            assertThat(source.method()).isEqualTo("RAPL energy status registers read through /dev/cpu/N/msr");
        }
    }

    @Test
    void readsFollowTheRegistersAndDoNotAccumulateRounding() throws Exception {
        FakeMsrDevices machine = FakeMsrDevices.intel(root).build();
        machine.writePackageRegister(0, 0x606, INTEL_UNITS_ESU_14);
        machine.writePackageRegister(0, 0x611, 1);
        try (MsrSource source = open(machine)) {
            assertThat(read(source)).containsExactly(61L);
            // a thousand steps of 61.035 µJ each: 61 035 µJ, not 1000 * 61
            machine.writePackageRegister(0, 0x611, 1001);
            assertThat(read(source)).containsExactly(61_096L);
            machine.writePackageRegister(0, 0x611, 16384 * 10);
            assertThat(read(source)).containsExactly(10_000_000L);
        }
    }

    @Test
    void twoIntelSocketsWithSparsePackageIdsAreSocketsZeroAndOneAndPsysComesFromTheFirst() throws Exception {
        FakeMsrDevices machine = FakeMsrDevices.intel(root).model(0x8F).sockets(2).packageIds(1, 3).build();
        for (int socket = 0; socket < 2; socket++) {
            machine.writePackageRegister(socket, 0x606, INTEL_UNITS_ESU_14);
            machine.writePackageRegister(socket, 0x611, 16384L * (socket + 1));
            machine.writePackageRegister(socket, 0x619, 16384L * (socket + 3));
        }
        machine.writePackageRegister(0, 0x64D, 5);
        machine.writePackageRegister(1, 0x64D, 7);

        try (MsrSource source = open(machine)) {
            assertThat(ids(source)).containsExactly("package_0", "dram_0", "package_1", "dram_1", "psys");
            // Sapphire Rapids: DRAM follows 0x606 (no fixed unit), PSys counts whole joules
            assertThat(read(source)).containsExactly(1_000_000L, 3_000_000L, 2_000_000L, 4_000_000L, 5_000_000L);
            assertThat(source.counters().get(2).origin()).isEqualTo(machine.msrFile(machine.cpu(1, 0, 0)) + " 0x611");
            assertThat(source.counters().get(4).wrapMicrojoules()).isEqualTo((1L << 32) * 1_000_000L);
        }
    }

    @Test
    void serverDramCountsInTheFixedUnitWhateverThePowerUnitRegisterSays() throws Exception {
        FakeMsrDevices machine = FakeMsrDevices.intel(root).model(0x55).build();
        machine.writePackageRegister(0, 0x606, INTEL_UNITS_ESU_14);
        machine.writePackageRegister(0, 0x611, 16384);
        machine.writePackageRegister(0, 0x619, 65536);

        try (MsrSource source = open(machine)) {
            assertThat(ids(source)).containsExactly("package_0", "dram_0");
            assertThat(read(source)).containsExactly(1_000_000L, 1_000_000L);
            DomainCounter dram = source.counters().get(1);
            assertThat(dram.resolutionMicrojoules()).isEqualTo(15.2587890625);
            assertThat(dram.wrapMicrojoules()).isEqualTo(65_536_000_000L);
        }
    }

    @Test
    void silvermontCountsInPowersOfTwoOfAMicrojoule() throws Exception {
        FakeMsrDevices machine = FakeMsrDevices.intel(root).model(0x37).build();
        machine.writePackageRegister(0, 0x606, 0x505);   // ESU 5: 32 µJ per step on this Atom
        machine.writePackageRegister(0, 0x611, 10);

        try (MsrSource source = open(machine)) {
            assertThat(read(source)).containsExactly(320L);
            assertThat(source.counters().getFirst().wrapMicrojoules()).isEqualTo(32L << 32);
        }
    }

    @Test
    void aWrapOfTheThirtyTwoBitCounterBetweenTwoReadsGivesTheTrueDelta() throws Exception {
        FakeMsrDevices machine = FakeMsrDevices.intel(root).build();
        machine.writePackageRegister(0, 0x606, INTEL_UNITS_ESU_14);
        machine.writePackageRegister(0, 0x611, 0xFFFF_F000L);
        try (MsrSource source = open(machine)) {
            long before = read(source)[0];
            machine.writePackageRegister(0, 0x611, 0x1000);
            long after = read(source)[0];

            assertThat(after).isLessThan(before);
            // 0x2000 steps of 1/16384 J: exactly half a joule
            assertThat(source.counters().getFirst().deltaMicrojoules(before, after, ONE_SECOND_NANOS))
                    .isEqualTo(500_000L);
        }
    }

    @Test
    void offlineCpusAreSkippedWhenChoosingWhereToReadAPackage() throws Exception {
        FakeMsrDevices machine = FakeMsrDevices.intel(root).sockets(2).coresPerSocket(4).threadsPerCore(2)
                .offline(0, 4, 5, 6, 7).build();
        assertThat(machine.sysfs().resolve("devices/system/cpu/online")).hasContent("1-3,8-15");
        machine.writePackageRegister(0, 0x606, INTEL_UNITS_ESU_14);
        machine.writePackageRegister(1, 0x606, INTEL_UNITS_ESU_14);
        machine.writePackageRegister(0, 0x611, 16384);
        machine.writePackageRegister(1, 0x611, 16384);

        try (MsrSource source = open(machine)) {
            assertThat(source.counters()).extracting(DomainCounter::origin)
                    .containsExactly(machine.msrFile(1) + " 0x611", machine.msrFile(12) + " 0x611");
        }
    }

    @Test
    void amdOffersThePackageAndTheSumOfItsPhysicalCores() throws Exception {
        FakeMsrDevices machine = FakeMsrDevices.amd(root).sockets(2).coresPerSocket(2).threadsPerCore(2).build();
        for (int socket = 0; socket < 2; socket++) {
            machine.writePackageRegister(socket, 0xC0010299L, AMD_UNITS_ESU_16);
            machine.writePackageRegister(socket, 0xC001029BL, 65536L * (10 + socket));
            machine.writeCoreRegister(socket, 0, 0xC001029AL, 65536L);
            machine.writeCoreRegister(socket, 1, 0xC001029AL, 2 * 65536L);
        }

        try (MsrSource source = open(machine)) {
            assertThat(ids(source)).containsExactly("package_0", "core_0", "package_1", "core_1");
            // each core counted once, not once per hardware thread
            assertThat(read(source)).containsExactly(10_000_000L, 3_000_000L, 11_000_000L, 3_000_000L);
            DomainCounter cores = source.counters().get(1);
            assertThat(cores.wrapMicrojoules()).isEqualTo(Long.MAX_VALUE);
            assertThat(cores.resolutionMicrojoules()).isEqualTo(15.2587890625);
            assertThat(cores.origin()).contains("0xc001029a", "2 cores");

            machine.writeCoreRegister(1, 1, 0xC001029AL, 5 * 65536L);
            assertThat(read(source)).containsExactly(10_000_000L, 3_000_000L, 11_000_000L, 6_000_000L);
        }
    }

    @Test
    void amdCoreSumCountsOneWrapOfACoreCounterAndKeepsGrowing() throws Exception {
        FakeMsrDevices machine = FakeMsrDevices.amd(root).coresPerSocket(2).build();
        machine.writePackageRegister(0, 0xC0010299L, AMD_UNITS_ESU_16);
        machine.writePackageRegister(0, 0xC001029BL, 1);
        machine.writeCoreRegister(0, 0, 0xC001029AL, 0xFFFF_0000L);
        machine.writeCoreRegister(0, 1, 0xC001029AL, 0);

        try (MsrSource source = open(machine)) {
            long before = read(source)[1];
            assertThat(before).isEqualTo(65_535_000_000L);
            machine.writeCoreRegister(0, 0, 0xC001029AL, 0x0001_0000L);   // wrapped: 2 * 65536 steps later
            machine.writeCoreRegister(0, 1, 0xC001029AL, 0x0000_8000L);   // and half a joule on core 1
            long after = read(source)[1];
            assertThat(after - before).isEqualTo(2_500_000L);
        }
    }

    @Test
    void amdBeforeZenHasNoRapl() {
        FakeMsrDevices machine = FakeMsrDevices.amd(root).family(0x15).model(0x02).build();
        SourceUnavailableException e = unavailable(machine);
        assertThat(e.source()).isEqualTo("msr");
        assertThat(e.reason()).contains("family 17h");
    }

    @Test
    void hygonIsReadLikeAmd() throws Exception {
        FakeMsrDevices machine = FakeMsrDevices.of(root, FakeMsrDevices.HYGON, 0x18, 0x01).build();
        machine.writePackageRegister(0, 0xC0010299L, AMD_UNITS_ESU_16);
        machine.writePackageRegister(0, 0xC001029BL, 65536);
        try (MsrSource source = open(machine)) {
            assertThat(ids(source)).containsExactly("package_0");
            assertThat(read(source)).containsExactly(1_000_000L);
        }
    }

    @Test
    void missingDevCpuSaysLoadTheMsrDriver() {
        FakeMsrDevices machine = FakeMsrDevices.intel(root).withoutMsrDriver().build();
        SourceUnavailableException e = unavailable(machine);
        assertThat(e.reason()).contains(machine.dev().resolve("cpu").toString(), "the msr driver is not loaded");
        assertThat(e.fix()).contains("sudo modprobe msr", "/etc/modules-load.d");
    }

    @Test
    void accessDeniedSaysReadingMsrsNeedsRootOrCapSysRawio() {
        // root opens any file whatever its mode, so the EACCES branch is checked on the error NativeFile.open throws
        Path msr = root.resolve("dev/cpu/0/msr");
        CpuInfo cpu = new CpuInfo(CpuInfo.INTEL, 6, 0x55, false);
        SourceUnavailableException e = MsrDeviceFiles.openFailure(
                msr, new AccessDeniedException(msr.toString(), null, "permission denied"), cpu);
        assertThat(e.source()).isEqualTo("msr");
        assertThat(e.reason()).contains(msr.toString(), "permission denied", "root or CAP_SYS_RAWIO");
        assertThat(e.fix()).contains("run as root", "setcap cap_sys_rawio=ep", "chmod");
        assertThat(e.getCause()).isInstanceOf(AccessDeniedException.class);
    }

    @Test
    void aMissingMsrFileSaysLoadTheMsrDriver() {
        Path msr = root.resolve("dev/cpu/3/msr");
        SourceUnavailableException e = MsrDeviceFiles.openFailure(
                msr, new java.nio.file.NoSuchFileException(msr.toString()), new CpuInfo(CpuInfo.AMD, 0x19, 1, false));
        assertThat(e.reason()).contains(msr.toString(), "msr driver is not loaded");
        assertThat(e.fix()).contains("modprobe msr");
    }

    @Test
    void unknownVendorSaysItHasNoRaplMsrs() {
        FakeMsrDevices machine = FakeMsrDevices.of(root, "CentaurHauls", 7, 0x3B).build();
        SourceUnavailableException e = unavailable(machine);
        assertThat(e.reason()).contains("CentaurHauls", "no RAPL MSRs");
    }

    @Test
    void aVirtualMachineWithoutRaplMsrsSaysHypervisorsRarelyPassThemThrough() {
        FakeMsrDevices machine = FakeMsrDevices.intel(root).hypervisor().registersUnimplemented().build();
        SourceUnavailableException e = unavailable(machine);
        assertThat(e.reason()).contains("no RAPL", "0x606", machine.msrFile(0).toString(), "hypervisor",
                "rarely pass RAPL MSRs through");
        assertThat(e.fix()).contains("host");
    }

    @Test
    void bareMetalWithoutRaplSaysNoRaplWithoutBlamingAHypervisor() {
        FakeMsrDevices machine = FakeMsrDevices.intel(root).model(0x1A).registersUnimplemented().build();
        SourceUnavailableException e = unavailable(machine);
        assertThat(e.reason()).contains("no RAPL", "model 0x1a").doesNotContain("hypervisor");
    }

    @Test
    void energyRegistersThatAllReadZeroMakeTheSourceUnavailable() {
        FakeMsrDevices machine = FakeMsrDevices.intel(root).hypervisor().build();
        machine.writePackageRegister(0, 0x606, INTEL_UNITS_ESU_14);
        SourceUnavailableException e = unavailable(machine);
        assertThat(e.reason()).contains("reads 0 or cannot be read", "hypervisor");
    }

    @Test
    void readingAfterCloseFailsInsteadOfReturningStaleEnergy() throws Exception {
        FakeMsrDevices machine = FakeMsrDevices.intel(root).build();
        machine.writePackageRegister(0, 0x606, INTEL_UNITS_ESU_14);
        machine.writePackageRegister(0, 0x611, 16384);
        MsrSource source = open(machine);
        source.close();
        assertThatThrownBy(() -> read(source)).isInstanceOf(EnergyReadException.class).hasMessageContaining("closed");
    }

    @Test
    void theFactoryOpensTheSameSource() throws Exception {
        FakeMsrDevices machine = FakeMsrDevices.intel(root).build();
        machine.writePackageRegister(0, 0x606, INTEL_UNITS_ESU_14);
        machine.writePackageRegister(0, 0x611, 16384);
        assertThat(MsrSource.FACTORY.name()).isEqualTo("msr");
        assertThat(MsrSource.FACTORY.summary()).contains("/dev/cpu/N/msr");
        try (EnergySource source = MsrSource.FACTORY.open(pathsOf(machine), () -> 0L)) {
            assertThat(ids(source)).containsExactly("package_0");
        }
    }
}
