package dev.ergometer.source.msr;

import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.DomainCounter;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SourceFactory;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;

/**
 * An energy source that reads the RAPL energy status registers of Intel, AMD and Hygon CPUs directly, through the msr
 * driver's {@code /dev/cpu/N/msr} files: the way to RAPL when the powercap driver is missing or too old, and to AMD's
 * per-core energy, which powercap does not offer.
 *
 * <pre>{@code
 * try (EnergySource msr = MsrSource.FACTORY.open(SystemPaths.fromEnvironment(), Ticker.system())) {
 *     long[] microjoules = new long[msr.counters().size()];
 *     msr.read(microjoules);                // cumulative µJ, one slot per domain (package_0, core_0, dram_0, ...)
 * }
 * }</pre>
 *
 * <p>The vendor, family and model come from {@code /proc/cpuinfo}; one CPU per package from the sysfs topology
 * ({@code devices/system/cpu/online}, {@code cpuN/topology/physical_package_id}), sockets numbered by ascending package
 * id (see {@link CpuTopology}). Which domains are offered and in which units is described in {@link RaplProbe}.
 *
 * <p>Every counter's µJ value is {@code floor(raw * unit)} computed exactly from the raw 32-bit register, and wraps
 * exactly at {@link DomainCounter#wrapMicrojoules()} = 2^32 units in µJ, so the sampler's wrap-safe delta is within one
 * unit of the true energy and no rounding builds up (see {@link RaplEnergyUnit}). The most power of every domain is
 * {@link DomainCounter#DEFAULT_MAX_POWER_MICROWATTS}: PKG_POWER_INFO's maximum power is a limit that the package may
 * exceed for short times, so it would make a fast legitimate wrap look like a reset.
 *
 * <p>Files are opened once, at open; a read is one {@code pread} per register and does not allocate. Not thread-safe.
 */
public final class MsrSource implements EnergySource {

    /** The source's name, as {@code --source} takes it. */
    public static final String NAME = "msr";

    /** Opens the msr source. */
    public static final SourceFactory FACTORY = new SourceFactory() {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String summary() {
            return "RAPL energy registers read directly from /dev/cpu/N/msr (Intel, AMD Zen, Hygon; needs root or "
                    + "CAP_SYS_RAWIO)";
        }

        @Override
        public EnergySource open(SystemPaths paths, Ticker ticker) throws SourceUnavailableException {
            return MsrSource.open(paths);
        }
    };

    private final List<DomainCounter> counters;
    private final RegisterCounter[] registers;
    private final MsrDeviceFiles files;

    private MsrSource(List<RaplProbe.MsrCounter> probed, MsrDeviceFiles files) {
        this.counters = probed.stream().map(RaplProbe.MsrCounter::counter).toList();
        this.registers = probed.stream().map(RaplProbe.MsrCounter::register).toArray(RegisterCounter[]::new);
        this.files = files;
    }

    /**
     * Opens the RAPL registers of the machine that {@code paths} points at.
     *
     * @throws SourceUnavailableException when the CPU has no RAPL MSRs, the msr driver is not loaded, this user may not
     *     read MSRs, or no energy register can be read; the exception says which and how to fix it
     */
    public static MsrSource open(SystemPaths paths) throws SourceUnavailableException {
        return open(paths, 1);
    }

    /**
     * Opens the registers of a machine whose msr files hold register R at byte offset {@code R * offsetScale}: 1 for
     * the msr driver, more for test machines made of regular files (see {@link MsrFile}).
     */
    static MsrSource open(SystemPaths paths, long offsetScale) throws SourceUnavailableException {
        CpuInfo cpu = readCpuInfo(paths.proc("cpuinfo"));
        if (!cpu.isIntel() && !cpu.isAmd()) {
            throw new SourceUnavailableException(NAME, "the CPU vendor " + cpu.vendorId() + " has no RAPL MSRs known "
                    + "to Ergometer (only GenuineIntel, AuthenticAMD and HygonGenuine have them)",
                    "use the powercap, hwmon or model source");
        }
        CpuTopology topology = readTopology(paths);
        MsrDeviceFiles files = new MsrDeviceFiles(paths, cpu, offsetScale);
        try {
            List<RaplProbe.MsrCounter> probed = cpu.isIntel()
                    ? RaplProbe.intel(cpu, topology, files)
                    : RaplProbe.amd(cpu, topology, files);
            if (probed.isEmpty()) {
                throw new SourceUnavailableException(NAME, "every RAPL energy status register of " + cpu.describe()
                        + " reads 0 or cannot be read (" + files.opened().getFirst().path() + ")"
                        + MsrDeviceFiles.vmNote(cpu),
                        cpu.hypervisor() ? "measure on the host, or use the model source" : "use the model source");
            }
            return new MsrSource(probed.stream()
                    .sorted(Comparator.comparing(c -> c.counter().domain()))
                    .toList(), files);
        } catch (IllegalArgumentException e) {
            files.close();
            throw new SourceUnavailableException(NAME, "unusable RAPL registers on " + cpu.describe() + ": "
                    + e.getMessage(), "", e);
        } catch (SourceUnavailableException | RuntimeException | Error e) {
            files.close();
            throw e;
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String method() {
        return "RAPL energy status registers read through /dev/cpu/N/msr";
    }

    @Override
    public List<DomainCounter> counters() {
        return counters;
    }

    @Override
    public void read(long[] microjoules) {
        for (int i = 0; i < registers.length; i++) {
            microjoules[i] = registers[i].readMicrojoules();
        }
    }

    @Override
    public boolean estimated() {
        return false;
    }

    @Override
    public void close() {
        files.close();
    }

    private static CpuInfo readCpuInfo(Path cpuinfo) throws SourceUnavailableException {
        try {
            return CpuInfo.read(cpuinfo);
        } catch (IOException e) {
            throw new SourceUnavailableException(NAME, "cannot read " + cpuinfo + " to learn the CPU vendor: " + e,
                    "mount procfs, or point --procfs / ERGOMETER_PROCFS at it", e);
        } catch (IllegalArgumentException e) {
            throw new SourceUnavailableException(NAME, e.getMessage(), "", e);
        }
    }

    private static CpuTopology readTopology(SystemPaths paths) throws SourceUnavailableException {
        try {
            CpuTopology topology = CpuTopology.read(paths);
            if (topology.cpus().isEmpty()) {
                throw new SourceUnavailableException(NAME,
                        paths.sys("devices/system/cpu/online") + " lists no online CPU", "");
            }
            return topology;
        } catch (IOException | IllegalArgumentException e) {
            throw new SourceUnavailableException(NAME, "cannot read the CPU topology under "
                    + paths.sys("devices/system/cpu") + ": " + e,
                    "mount sysfs, or point --sysfs / ERGOMETER_SYSFS at it", e);
        }
    }
}
