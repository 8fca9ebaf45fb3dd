package dev.ergometer.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A fake powercap tree laid out like the kernel's {@code /sys/class/powercap}, in a folder of the test's choosing.
 *
 * <p>Zones are directories named {@code intel-rapl:N} (and {@code intel-rapl:N:M} for subzones,
 * {@code intel-rapl-mmio:N} for the MMIO duplicates), each with {@code name}, {@code energy_uj} and
 * {@code max_energy_range_uj}, as the kernel lays them out. Point {@code --sysfs} (or a {@code SystemPaths}) at
 * {@link #sysfs()}.
 *
 * <pre>{@code
 * FakePowercapTree tree = FakePowercapTree.in(tempDir)
 *     .zone("intel-rapl:0", "package-0", 262_143_328_850L)
 *     .zone("intel-rapl:0:0", "core", 262_143_328_850L)
 *     .zone("intel-rapl:0:1", "dram", 65_712_999_613L);
 * tree.setEnergy("intel-rapl:0", 1_000_000);
 * }</pre>
 */
public final class FakePowercapTree {

    /** The range most Intel packages report in max_energy_range_uj (2^32 units of 61 µJ). */
    public static final long TYPICAL_RANGE_MICROJOULES = 262_143_328_850L;

    private final Path sysfs;
    private final Path powercap;
    private final List<String> zones = new ArrayList<>();

    private FakePowercapTree(Path sysfs) {
        this.sysfs = sysfs;
        this.powercap = sysfs.resolve("class/powercap");
    }

    /** Starts an empty powercap class folder under {@code root} (which plays the role of /sys). */
    public static FakePowercapTree in(Path root) {
        FakePowercapTree tree = new FakePowercapTree(root);
        try {
            Files.createDirectories(tree.powercap);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tree;
    }

    /** One socket with package, core, uncore and dram, like a desktop Intel part. */
    public static FakePowercapTree oneSocket(Path root) {
        return in(root)
                .zone("intel-rapl:0", "package-0", TYPICAL_RANGE_MICROJOULES)
                .zone("intel-rapl:0:0", "core", TYPICAL_RANGE_MICROJOULES)
                .zone("intel-rapl:0:1", "uncore", TYPICAL_RANGE_MICROJOULES)
                .zone("intel-rapl:0:2", "dram", TYPICAL_RANGE_MICROJOULES);
    }

    /** Two sockets with package, core, uncore and dram each: eight domains, like a two-socket server. */
    public static FakePowercapTree twoSockets(Path root) {
        FakePowercapTree tree = in(root);
        for (int s = 0; s < 2; s++) {
            tree.zone("intel-rapl:" + s, "package-" + s, TYPICAL_RANGE_MICROJOULES)
                    .zone("intel-rapl:" + s + ":0", "core", TYPICAL_RANGE_MICROJOULES)
                    .zone("intel-rapl:" + s + ":1", "uncore", TYPICAL_RANGE_MICROJOULES)
                    .zone("intel-rapl:" + s + ":2", "dram", TYPICAL_RANGE_MICROJOULES);
        }
        return tree;
    }

    /** Adds a zone folder with its name, an energy of 0 and the given range; the control type file too. */
    public FakePowercapTree zone(String zone, String name, long maxEnergyRangeMicrojoules) {
        Path dir = powercap.resolve(zone);
        try {
            Files.createDirectories(dir);
            Files.writeString(dir.resolve("name"), name + "\n");
            Files.writeString(dir.resolve("energy_uj"), "0\n");
            Files.writeString(dir.resolve("max_energy_range_uj"), maxEnergyRangeMicrojoules + "\n");
            Files.writeString(dir.resolve("enabled"), "1\n");
            String controlType = zone.substring(0, zone.indexOf(':'));
            Path control = powercap.resolve(controlType);
            Files.createDirectories(control);
            Files.writeString(control.resolve("enabled"), "1\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        zones.add(zone);
        return this;
    }

    /** Writes a zone's power limit ({@code constraint_0_max_power_uw}), which bounds plausible power. */
    public FakePowercapTree maxPower(String zone, long microwatts) {
        write(zone, "constraint_0_max_power_uw", microwatts);
        return this;
    }

    /** Sets a zone's {@code energy_uj}. */
    public void setEnergy(String zone, long microjoules) {
        write(zone, "energy_uj", microjoules);
    }

    /** Makes a zone's {@code energy_uj} unreadable by turning it into a folder (chmod does not stop root). */
    public void makeEnergyUnreadable(String zone) {
        Path file = powercap.resolve(zone).resolve("energy_uj");
        try {
            Files.deleteIfExists(file);
            Files.createDirectories(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The {@code energy_uj} file of a zone. */
    public Path energyFile(String zone) {
        return powercap.resolve(zone).resolve("energy_uj");
    }

    /** The folder playing /sys. */
    public Path sysfs() {
        return sysfs;
    }

    /** The zones added so far, in order. */
    public List<String> zones() {
        return List.copyOf(zones);
    }

    private void write(String zone, String file, long value) {
        try {
            Files.writeString(powercap.resolve(zone).resolve(file), value + "\n");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
