package dev.ergometer.source.msr;

import dev.ergometer.model.Domain;
import dev.ergometer.source.DomainCounter;
import dev.ergometer.source.EnergyReadException;
import dev.ergometer.source.SourceUnavailableException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Finds which RAPL domains a machine's model-specific registers offer, with each domain's energy unit.
 *
 * <p><b>Which domains are offered.</b> A domain is offered when its energy status register can be read and its low 32
 * bits are not zero, per package (the Linux RAPL driver's rule in {@code rapl_check_domain}). A register the CPU does
 * not implement fails to read (the msr driver answers EIO); one that exists on paper but is not wired, such as PP1 on
 * a server or DRAM on a client without DRAM RAPL, reads 0, and a counter that has run since power-on never reads
 * exactly 0, so reading 0 means absent. Registers are read once at open; a domain present on one socket and absent on
 * another is offered where it is present. PSys is read on the first package only, as the kernel does.
 *
 * <p><b>Intel.</b> MSR_RAPL_POWER_UNIT (0x606) bits 12:8 give the energy status unit ESU: one step is 1/2^ESU J.
 * PKG 0x611 → {@code package_N}, PP0 0x639 → {@code core_N}, PP1 0x641 → {@code uncore_N}, DRAM 0x619 →
 * {@code dram_N}, PLATFORM 0x64D → {@code psys}. Three model quirks, from the kernel's intel_rapl_common.c and
 * turbostat (family 6 only):
 * <ul>
 *   <li>DRAM on Haswell-X (0x3F), Broadwell-X (0x4F), Broadwell-D (0x56), Skylake-X/Cascade Lake/Cooper Lake (0x55),
 *       Xeon Phi KNL (0x57) and KNM (0x85), Ice Lake-X (0x6A) and Ice Lake-D (0x6C) counts in a fixed unit of 2^-16 J
 *       (15.26 µJ; the manuals round it to 15.3 µJ), whatever 0x606 says. Sapphire Rapids (0x8F) and later follow
 *       0x606 for DRAM again: the kernel dropped the quirk for them ("on SPR, Dram RAPL domain follows the standard
 *       energy resolution as described in MSR_RAPL_POWER_UNIT").</li>
 *   <li>PSys on Sapphire Rapids (0x8F), Emerald Rapids (0xCF) and Granite Rapids (0xAD, 0xAE) counts whole joules
 *       (the kernel's psys_domain_energy_unit, turbostat's has_fixed_rapl_psys_unit).</li>
 *   <li>The Silvermont and Airmont Atoms (0x37, 0x4A, 0x4C, 0x5A) encode the unit the other way round: one step is
 *       2^ESU µJ (the kernel's rapl_check_unit_atom).</li>
 * </ul>
 *
 * <p><b>AMD and Hygon</b> (family 17h and later, Hygon 18h). MSR 0xC0010299 has the same unit layout; the package
 * counter 0xC001029B → {@code package_N}. The core counter 0xC001029A is per physical core, so {@code core_N} is the
 * sum of the package's cores, each read on the first thread of the core (by {@code topology/core_id}) and accumulated
 * into a 64-bit total that does not wrap (see {@link RegisterCounter.SummedCoreRegisters}). It is offered when every
 * core's register can be read and not all of them read 0.
 */
final class RaplProbe {

    static final long INTEL_POWER_UNIT = 0x606;
    static final long INTEL_PKG_ENERGY_STATUS = 0x611;
    static final long INTEL_PP0_ENERGY_STATUS = 0x639;
    static final long INTEL_PP1_ENERGY_STATUS = 0x641;
    static final long INTEL_DRAM_ENERGY_STATUS = 0x619;
    static final long INTEL_PLATFORM_ENERGY_STATUS = 0x64D;

    static final long AMD_POWER_UNIT = 0xC0010299L;
    static final long AMD_CORE_ENERGY_STATUS = 0xC001029AL;
    static final long AMD_PKG_ENERGY_STATUS = 0xC001029BL;

    /** Family 6 models whose DRAM counter uses the fixed unit of 2^-16 J. */
    static final Set<Integer> FIXED_DRAM_UNIT_MODELS = Set.of(0x3F, 0x4F, 0x56, 0x55, 0x57, 0x85, 0x6A, 0x6C);
    static final int FIXED_DRAM_ENERGY_STATUS_UNIT = 16;
    /** Family 6 models whose PSys counter counts whole joules. */
    static final Set<Integer> JOULE_PSYS_UNIT_MODELS = Set.of(0x8F, 0xCF, 0xAD, 0xAE);
    /** Family 6 Atoms whose unit is 2^ESU µJ. */
    static final Set<Integer> ATOM_UNIT_MODELS = Set.of(0x37, 0x4A, 0x4C, 0x5A);

    private RaplProbe() {}

    /** One offered domain: its counter description and where its value is read. */
    record MsrCounter(DomainCounter counter, RegisterCounter register) {}

    /** The RAPL domains of an Intel machine. */
    static List<MsrCounter> intel(CpuInfo cpu, CpuTopology topology, MsrDeviceFiles files)
            throws SourceUnavailableException {
        List<MsrCounter> counters = new ArrayList<>();
        List<Integer> packageIds = topology.packageIds();
        for (int socket = 0; socket < packageIds.size(); socket++) {
            MsrFile file = files.of(topology.firstCpuOf(packageIds.get(socket)));
            long units = readUnits(file, INTEL_POWER_UNIT, "MSR_RAPL_POWER_UNIT", cpu);
            RaplEnergyUnit unit = intelUnit(cpu, RaplEnergyUnit.energyStatusUnitBits(units));
            addIfPresent(counters, Domain.packageOf(socket), file, INTEL_PKG_ENERGY_STATUS, unit);
            addIfPresent(counters, Domain.coreOf(socket), file, INTEL_PP0_ENERGY_STATUS, unit);
            addIfPresent(counters, Domain.uncoreOf(socket), file, INTEL_PP1_ENERGY_STATUS, unit);
            addIfPresent(counters, Domain.dramOf(socket), file, INTEL_DRAM_ENERGY_STATUS, intelDramUnit(cpu, unit));
            if (socket == 0) {
                addIfPresent(counters, Domain.psys(0), file, INTEL_PLATFORM_ENERGY_STATUS, intelPsysUnit(cpu, unit));
            }
        }
        return counters;
    }

    /** The RAPL domains of an AMD or Hygon machine (family 17h and later). */
    static List<MsrCounter> amd(CpuInfo cpu, CpuTopology topology, MsrDeviceFiles files)
            throws SourceUnavailableException {
        int firstFamily = CpuInfo.HYGON.equals(cpu.vendorId()) ? 0x18 : 0x17;
        if (cpu.family() < firstFamily) {
            throw new SourceUnavailableException(MsrSource.NAME,
                    cpu.describe() + " has no RAPL energy registers: AMD has them from family 17h (Zen) on",
                    "use the hwmon source (fam15h_power) or the model source");
        }
        List<MsrCounter> counters = new ArrayList<>();
        List<Integer> packageIds = topology.packageIds();
        for (int socket = 0; socket < packageIds.size(); socket++) {
            int packageId = packageIds.get(socket);
            MsrFile file = files.of(topology.firstCpuOf(packageId));
            long units = readUnits(file, AMD_POWER_UNIT, "RAPL_PWR_UNIT", cpu);
            RaplEnergyUnit unit = RaplEnergyUnit.ofJoulePowerOfTwo(RaplEnergyUnit.energyStatusUnitBits(units));
            addIfPresent(counters, Domain.packageOf(socket), file, AMD_PKG_ENERGY_STATUS, unit);
            List<MsrFile> coreFiles = new ArrayList<>();
            for (int coreCpu : topology.firstCpuOfEachCore(packageId)) {
                coreFiles.add(files.of(coreCpu));
            }
            if (coreFiles.stream().allMatch(f -> readable(f, AMD_CORE_ENERGY_STATUS))
                    && coreFiles.stream().anyMatch(f -> nonZero(f, AMD_CORE_ENERGY_STATUS))) {
                var summed = new RegisterCounter.SummedCoreRegisters(coreFiles, AMD_CORE_ENERGY_STATUS, unit);
                counters.add(new MsrCounter(new DomainCounter(Domain.coreOf(socket), Long.MAX_VALUE,
                        DomainCounter.DEFAULT_MAX_POWER_MICROWATTS, unit.resolutionMicrojoules(), summed.origin()),
                        summed));
            }
        }
        return counters;
    }

    static RaplEnergyUnit intelUnit(CpuInfo cpu, int energyStatusUnit) {
        return cpu.family() == 6 && ATOM_UNIT_MODELS.contains(cpu.model())
                ? RaplEnergyUnit.ofMicrojoulePowerOfTwo(energyStatusUnit)
                : RaplEnergyUnit.ofJoulePowerOfTwo(energyStatusUnit);
    }

    static RaplEnergyUnit intelDramUnit(CpuInfo cpu, RaplEnergyUnit packageUnit) {
        return cpu.family() == 6 && FIXED_DRAM_UNIT_MODELS.contains(cpu.model())
                ? RaplEnergyUnit.ofJoulePowerOfTwo(FIXED_DRAM_ENERGY_STATUS_UNIT)
                : packageUnit;
    }

    static RaplEnergyUnit intelPsysUnit(CpuInfo cpu, RaplEnergyUnit packageUnit) {
        return cpu.family() == 6 && JOULE_PSYS_UNIT_MODELS.contains(cpu.model())
                ? RaplEnergyUnit.ofJoules(1)
                : packageUnit;
    }

    private static long readUnits(MsrFile file, long address, String name, CpuInfo cpu)
            throws SourceUnavailableException {
        try {
            return file.readRegister(address);
        } catch (EnergyReadException e) {
            throw new SourceUnavailableException(MsrSource.NAME,
                    "no RAPL on this CPU (" + cpu.describe() + "): the units register " + name + " ("
                            + RegisterCounter.hex(address) + ") cannot be read on " + file.path() + ": "
                            + e.getMessage() + MsrDeviceFiles.vmNote(cpu),
                    cpu.hypervisor() ? "measure on the host, or use the model source" : "use the model source", e);
        }
    }

    private static void addIfPresent(
            List<MsrCounter> counters, Domain domain, MsrFile file, long address, RaplEnergyUnit unit) {
        if (!nonZero(file, address)) {
            return;
        }
        var register = new RegisterCounter.StatusRegister(file, address, unit);
        counters.add(new MsrCounter(new DomainCounter(domain, unit.wrapMicrojoules(),
                DomainCounter.DEFAULT_MAX_POWER_MICROWATTS, unit.resolutionMicrojoules(), register.origin()),
                register));
    }

    private static boolean readable(MsrFile file, long address) {
        try {
            file.readRegister(address);
            return true;
        } catch (EnergyReadException e) {
            return false;
        }
    }

    private static boolean nonZero(MsrFile file, long address) {
        try {
            return (file.readRegister(address) & RaplEnergyUnit.COUNTER_MASK) != 0;
        } catch (EnergyReadException e) {
            return false;
        }
    }
}
