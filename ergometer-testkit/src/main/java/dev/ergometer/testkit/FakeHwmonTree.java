package dev.ergometer.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;

/**
 * A fake {@code /sys/class/hwmon} tree in a folder, laid out like the kernel's: {@code class/hwmon/hwmonN} is a
 * symbolic link to {@code devices/platform/<chip>.<N>/hwmon/hwmonN}, which holds the chip's {@code name} and its
 * sensor files ({@code energyN_input}, {@code energyN_label}, {@code powerN_input}, {@code powerN_average},
 * {@code powerN_label}), and whose {@code device} link points back to the platform device.
 *
 * <p>Older drivers (the ACPI power meter before its conversion to the hwmon "with info" API) put {@code name} and
 * the sensor files in the parent device instead, reached as {@code hwmonN/device/}; {@link #legacyChip(String)}
 * builds that layout.
 *
 * <p>GPU chips ({@link #gpuChip(String, String, int)}) hang off their PCI device instead, as the kernel lays them out:
 * {@code devices/pci0000:00/<bus id>/hwmon/hwmonN}, whose {@code device} link points to the PCI device, which holds
 * the GPU's DRM nodes {@code drm/cardK} and {@code drm/renderD<128+K>}.
 *
 * <p>Values are rewritten in place (same inode), so a file opened once and read again with {@code pread} sees the
 * new value, as with sysfs.
 *
 * <pre>{@code
 * FakeHwmonTree tree = FakeHwmonTree.in(tempDir);
 * FakeHwmonTree.Chip amd = tree.chip("amd_energy").energy(1, "Esocket0", 1_000_000);
 * amd.setEnergy(1, 1_500_000);
 * }</pre>
 */
public final class FakeHwmonTree {

    private final Path sysfs;
    private int nextIndex;

    private FakeHwmonTree(Path sysfs) {
        this.sysfs = sysfs;
    }

    /** A new, empty tree under {@code sysfs} (the folder to use as the sysfs root); creates {@code class/hwmon}. */
    public static FakeHwmonTree in(Path sysfs) {
        Objects.requireNonNull(sysfs, "sysfs");
        createDirectories(sysfs.resolve("class/hwmon"));
        return new FakeHwmonTree(sysfs);
    }

    /** The sysfs root of this tree. */
    public Path sysfs() {
        return sysfs;
    }

    /** The {@code class/hwmon} folder. */
    public Path hwmonClass() {
        return sysfs.resolve("class/hwmon");
    }

    /** Adds the next {@code hwmonN} with the given chip name and the sensor files directly in it (current kernels). */
    public Chip chip(String name) {
        return addChip(name, false);
    }

    /** Adds the next {@code hwmonN} whose name and sensor files live in the parent device ({@code hwmonN/device/}). */
    public Chip legacyChip(String name) {
        return addChip(name, true);
    }

    /**
     * Adds the next {@code hwmonN} of a GPU driven by {@code name} ({@code amdgpu}, {@code i915}, {@code xe}) on the
     * PCI device {@code pciBusId} ({@code 0000:03:00.0}), whose DRM card is {@code cardK} with {@code K = card}.
     */
    public Chip gpuChip(String name, String pciBusId, int card) {
        if (card < 0) {
            throw new IllegalArgumentException("DRM card number must be >= 0, got " + card);
        }
        Chip chip = gpuChipWithoutCard(name, pciBusId);
        Path drm = sysfs.resolve("devices/pci0000:00/" + pciBusId + "/drm");
        createDirectories(drm.resolve("card" + card));
        createDirectories(drm.resolve("renderD" + (128 + card)));
        return chip;
    }

    /**
     * Adds the next {@code hwmonN} of a GPU on the PCI device {@code pciBusId} that has no {@code drm/cardK} folder
     * (a driver whose DRM device is not registered, or a kernel that lays it out differently).
     */
    public Chip gpuChipWithoutCard(String name, String pciBusId) {
        Objects.requireNonNull(pciBusId, "pciBusId");
        return addChip(name, false, sysfs.resolve("devices/pci0000:00/" + pciBusId));
    }

    private Chip addChip(String name, boolean legacy) {
        return addChip(name, legacy, sysfs.resolve("devices/platform/" + name + "." + nextIndex));
    }

    private Chip addChip(String name, boolean legacy, Path device) {
        int index = nextIndex++;
        Path hwmon = device.resolve("hwmon/hwmon" + index);
        Path link = hwmonClass().resolve("hwmon" + index);
        createDirectories(hwmon);
        try {
            Files.createSymbolicLink(hwmon.resolve("device"), hwmon.relativize(device));
            Files.createSymbolicLink(link, link.getParent().relativize(hwmon));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Chip chip = new Chip(index, hwmon, legacy ? device : hwmon, legacy ? link.resolve("device") : link);
        chip.file("name", name);
        return chip;
    }

    /** One {@code hwmonN} device: its index, its folders and setters for its sensor files. */
    public static final class Chip {

        private final int index;
        private final Path hwmonDirectory;
        private final Path attributeDirectory;
        private final Path classAttributeDirectory;

        private Chip(int index, Path hwmonDirectory, Path attributeDirectory, Path classAttributeDirectory) {
            this.index = index;
            this.hwmonDirectory = hwmonDirectory;
            this.attributeDirectory = attributeDirectory;
            this.classAttributeDirectory = classAttributeDirectory;
        }

        /** N in {@code hwmonN}. */
        public int index() {
            return index;
        }

        /** The real folder of {@code hwmonN} (what {@code class/hwmon/hwmonN} links to). */
        public Path hwmonDirectory() {
            return hwmonDirectory;
        }

        /** Where {@code name} and the sensor files are: {@code hwmonN}, or its parent device for a legacy chip. */
        public Path attributeDirectory() {
            return attributeDirectory;
        }

        /** A sensor file of this chip, for example {@code path("energy1_input")}. */
        public Path path(String fileName) {
            return attributeDirectory.resolve(fileName);
        }

        /**
         * A sensor file as a reader that starts from {@code class/hwmon} names it, through the links:
         * {@code class/hwmon/hwmonN/energy1_input}, or {@code class/hwmon/hwmonN/device/power1_average} for a legacy
         * chip.
         */
        public Path classPath(String fileName) {
            return classAttributeDirectory.resolve(fileName);
        }

        /** Adds an energy counter {@code energyN_input} in µJ with its {@code energyN_label}. */
        public Chip energy(int n, String label, long microjoules) {
            file("energy" + n + "_label", label);
            return setEnergy(n, microjoules);
        }

        /** Adds an energy counter {@code energyN_input} in µJ without a label. */
        public Chip energy(int n, long microjoules) {
            return setEnergy(n, microjoules);
        }

        /** Sets {@code energyN_input} (µJ). */
        public Chip setEnergy(int n, long microjoules) {
            return file("energy" + n + "_input", Long.toString(microjoules));
        }

        /** Adds an instantaneous power sensor {@code powerN_input} in µW with its {@code powerN_label}. */
        public Chip powerInput(int n, String label, long microwatts) {
            file("power" + n + "_label", label);
            return setPowerInput(n, microwatts);
        }

        /** Adds an instantaneous power sensor {@code powerN_input} in µW without a label. */
        public Chip powerInput(int n, long microwatts) {
            return setPowerInput(n, microwatts);
        }

        /** Sets {@code powerN_input} (µW). */
        public Chip setPowerInput(int n, long microwatts) {
            return file("power" + n + "_input", Long.toString(microwatts));
        }

        /** Adds an averaged power sensor {@code powerN_average} in µW without a label (as the ACPI power meter). */
        public Chip powerAverage(int n, long microwatts) {
            return setPowerAverage(n, microwatts);
        }

        /** Sets {@code powerN_average} (µW). */
        public Chip setPowerAverage(int n, long microwatts) {
            return file("power" + n + "_average", Long.toString(microwatts));
        }

        /** Writes any attribute file of this chip in place, with the trailing newline sysfs adds. */
        public Chip file(String fileName, String content) {
            Path file = path(fileName);
            try {
                Files.writeString(file, content + "\n", StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        /**
         * Removes a file of this chip as a device removal does in sysfs, where reads through a descriptor opened
         * before then fail. A deleted regular file stays readable through an open descriptor, so the file is first
         * emptied in place (a reader then finds nothing where a number was) and then deleted.
         */
        public Chip vanish(String fileName) {
            Path file = path(fileName);
            try {
                Files.write(file, new byte[0]);
                Files.delete(file);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return this;
        }

        /**
         * Makes a file of this chip readable by its owner only (mode 0400), as amd_energy's root-owned counters are.
         * The test's user owns the fake file and still reads it: use {@link #unreadable} to see a permission error.
         */
        public Chip rootOnly(String fileName) {
            setMode(fileName, "r--------");
            return this;
        }

        /** Makes a file of this chip unreadable except by root (mode 0000): how a non-root user meets amd_energy. */
        public Chip unreadable(String fileName) {
            setMode(fileName, "---------");
            return this;
        }

        private void setMode(String fileName, String mode) {
            try {
                Files.setPosixFilePermissions(path(fileName), PosixFilePermissions.fromString(mode));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void createDirectories(Path directory) {
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
