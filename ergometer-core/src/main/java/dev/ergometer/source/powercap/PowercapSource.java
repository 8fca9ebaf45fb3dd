package dev.ergometer.source.powercap;

import dev.ergometer.model.Domain;
import dev.ergometer.model.Resource;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.DomainCounter;
import dev.ergometer.source.EnergyReadException;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.NativeFile;
import dev.ergometer.source.SourceFactory;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.VirtualMachine;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The energy source that reads RAPL counters from the kernel's powercap sysfs tree ({@code /sys/class/powercap}).
 *
 * <p>Reads every {@code intel-rapl:N} zone (package or psys, by its {@code name} file) and its subzones (core,
 * uncore, dram), Intel's and AMD's alike (AMD's RAPL driver uses the same control type). The
 * {@code intel-rapl-mmio} zones report the same package through another interface and are skipped when the MSR zone
 * of that package is there, so nothing is counted twice. Each counter wraps at its {@code max_energy_range_uj}.
 */
public final class PowercapSource implements EnergySource {

    /** The factory {@code erg} uses: name {@code powercap}. */
    public static final SourceFactory FACTORY = new SourceFactory() {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String summary() {
            return "RAPL counters from the powercap sysfs tree (/sys/class/powercap/intel-rapl:*)";
        }

        @Override
        public EnergySource open(SystemPaths paths, Ticker ticker) throws SourceUnavailableException {
            return PowercapSource.open(paths);
        }
    };

    static final String NAME = "powercap";

    private final List<DomainCounter> counters;
    private final NativeFile[] files;

    private PowercapSource(List<DomainCounter> counters, NativeFile[] files) {
        this.counters = List.copyOf(counters);
        this.files = files;
    }

    /** Opens every RAPL zone under {@code paths}' powercap folder. */
    public static PowercapSource open(SystemPaths paths) throws SourceUnavailableException {
        Path root = paths.sys("class/powercap");
        if (!Files.isDirectory(root)) {
            throw new SourceUnavailableException(NAME,
                    root + " is absent: the kernel has no powercap RAPL driver loaded"
                            + VirtualMachine.hint(paths),
                    "on Intel or AMD hardware load it with `sudo modprobe intel_rapl_common intel_rapl_msr`"
                            + " (Linux 5.x+); otherwise use another source (`erg domains` lists them)");
        }
        List<PowercapZone> zones = PowercapZone.discover(root);
        if (zones.isEmpty()) {
            throw new SourceUnavailableException(NAME,
                    root + " has no intel-rapl zone: this CPU or kernel exposes no RAPL domain"
                            + VirtualMachine.hint(paths),
                    "load the RAPL driver (`sudo modprobe intel_rapl_msr`), or use another source");
        }
        List<DomainCounter> counters = new ArrayList<>();
        NativeFile[] files = new NativeFile[zones.size()];
        int opened = 0;
        try {
            for (PowercapZone zone : zones) {
                files[opened] = openEnergyFile(zone.energyFile());
                opened++;
                counters.add(zone.counter());
            }
        } catch (SourceUnavailableException | RuntimeException e) {
            for (int i = 0; i < opened; i++) {
                files[i].close();
            }
            throw e;
        }
        return new PowercapSource(counters, files);
    }

    private static NativeFile openEnergyFile(Path file) throws SourceUnavailableException {
        NativeFile opened = null;
        try {
            opened = NativeFile.open(file);
            opened.readDecimal();
            return opened;
        } catch (AccessDeniedException e) {
            throw permissionDenied(file, e);
        } catch (IOException e) {
            throw new SourceUnavailableException(NAME, "cannot open " + file + ": " + e.getMessage(),
                    "check that the powercap driver is loaded and the file exists", e);
        } catch (EnergyReadException e) {
            opened.close();
            throw new SourceUnavailableException(NAME, e.getMessage(),
                    "check that the file holds the counter in µJ", e);
        }
    }

    /** The message for an {@code energy_uj} that this user may not read. */
    static SourceUnavailableException permissionDenied(Path file, Exception cause) {
        return new SourceUnavailableException(NAME,
                file + " is readable by root only since Linux 5.10 (CVE-2020-8694, the PLATYPUS attack)",
                "run as root, or grant read access: `sudo chmod o+r /sys/class/powercap/intel-rapl:*/energy_uj"
                        + " /sys/class/powercap/intel-rapl:*/*/energy_uj` (lost at reboot; a udev rule or"
                        + " systemd-tmpfiles makes it permanent, see docs/permissions.md)",
                cause);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String method() {
        return "RAPL energy counters read from the powercap sysfs tree (energy_uj, wrapping at max_energy_range_uj)";
    }

    @Override
    public List<DomainCounter> counters() {
        return counters;
    }

    @Override
    public void read(long[] microjoules) {
        for (int i = 0; i < files.length; i++) {
            microjoules[i] = files[i].readDecimal();
        }
    }

    @Override
    public boolean estimated() {
        return false;
    }

    @Override
    public void close() {
        for (NativeFile file : files) {
            file.close();
        }
    }

    /** One powercap zone found on disk, with the domain it measures. */
    record PowercapZone(Path dir, Domain domain, long wrapMicrojoules, long maxPowerMicrowatts) {

        Path energyFile() {
            return dir.resolve("energy_uj");
        }

        DomainCounter counter() {
            return new DomainCounter(domain, wrapMicrojoules, maxPowerMicrowatts, 1.0, energyFile().toString());
        }

        /**
         * Finds the zones to read, in pyJoules' order, skipping intel-rapl-mmio duplicates. The class folder lists
         * every zone by name ({@code intel-rapl:0}, {@code intel-rapl:0:1}, ...); a subzone belongs to the package of
         * the zone whose name it extends.
         */
        static List<PowercapZone> discover(Path root) throws SourceUnavailableException {
            List<PowercapZone> found = new ArrayList<>();
            List<PowercapZone> mmio = new ArrayList<>();
            for (Path top : list(root)) {
                String dirName = top.getFileName().toString();
                boolean isMmio = dirName.matches("intel-rapl-mmio:\\d+");
                if (!isMmio && !dirName.matches("intel-rapl:\\d+")) {
                    continue;
                }
                Optional<PowercapZone> zone = topZone(top);
                if (zone.isEmpty()) {
                    continue;
                }
                (isMmio ? mmio : found).add(zone.get());
                if (zone.get().domain().resource() instanceof Resource.Package(int socket)) {
                    for (Path sub : list(root)) {
                        if (sub.getFileName().toString().matches(Pattern.quote(dirName) + ":\\d+")) {
                            subZone(sub, socket).ifPresent(isMmio ? mmio::add : found::add);
                        }
                    }
                }
            }
            for (PowercapZone zone : mmio) {
                if (found.stream().noneMatch(z -> z.domain().equals(zone.domain()))) {
                    found.add(zone);
                }
            }
            found.sort((a, b) -> a.domain().compareTo(b.domain()));
            return found;
        }

        private static Optional<PowercapZone> topZone(Path dir) throws SourceUnavailableException {
            String name = readName(dir);
            if (name.matches("package-\\d+")) {
                int socket = Integer.parseInt(name.substring("package-".length()));
                return Optional.of(zone(dir, Domain.packageOf(socket)));
            }
            if (name.equals("psys")) {
                return Optional.of(zone(dir, Domain.psys(0)));
            }
            if (name.equals("dram")) {
                return Optional.of(zone(dir, Domain.dramOf(0)));
            }
            return Optional.empty();
        }

        private static Optional<PowercapZone> subZone(Path dir, int socket) throws SourceUnavailableException {
            return switch (readName(dir)) {
                case "core" -> Optional.of(zone(dir, Domain.coreOf(socket)));
                case "uncore" -> Optional.of(zone(dir, Domain.uncoreOf(socket)));
                case "dram" -> Optional.of(zone(dir, Domain.dramOf(socket)));
                default -> Optional.empty();
            };
        }

        private static PowercapZone zone(Path dir, Domain domain) throws SourceUnavailableException {
            long range = readLong(dir.resolve("max_energy_range_uj"));
            Path maxPowerFile = dir.resolve("constraint_0_max_power_uw");
            long maxPower = DomainCounter.DEFAULT_MAX_POWER_MICROWATTS;
            if (Files.isReadable(maxPowerFile)) {
                long limit = readLong(maxPowerFile);
                // The platform's limit, with headroom: turbo can exceed PL1 for short bursts.
                maxPower = limit > 0 ? Math.min(DomainCounter.DEFAULT_MAX_POWER_MICROWATTS, limit * 4) : maxPower;
            }
            if (range <= 0) {
                throw new SourceUnavailableException(NAME, dir.resolve("max_energy_range_uj") + " holds " + range
                        + ", not a counter range", "check the powercap driver");
            }
            return new PowercapZone(dir, domain, range, maxPower);
        }

        private static String readName(Path dir) throws SourceUnavailableException {
            try {
                return Files.readString(dir.resolve("name")).strip();
            } catch (IOException e) {
                throw new SourceUnavailableException(NAME, "cannot read " + dir.resolve("name") + ": " + e,
                        "check the powercap tree", e);
            }
        }

        private static long readLong(Path file) throws SourceUnavailableException {
            try {
                return Long.parseLong(Files.readString(file).strip());
            } catch (AccessDeniedException e) {
                throw permissionDenied(file, e);
            } catch (IOException | NumberFormatException e) {
                throw new SourceUnavailableException(NAME, "cannot read " + file + " as a number: " + e,
                        "check the powercap tree", e);
            }
        }

        private static List<Path> list(Path dir) throws SourceUnavailableException {
            try (Stream<Path> entries = Files.list(dir)) {
                return entries.filter(Files::isDirectory).sorted().toList();
            } catch (IOException e) {
                throw new SourceUnavailableException(NAME, "cannot list " + dir + ": " + e,
                        "check the powercap tree", e);
            }
        }
    }
}
