package dev.ergometer.source.hwmon;

import dev.ergometer.model.Domain;
import dev.ergometer.model.Resource;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the {@code hwmonN} folders of a sysfs offer the hwmon source: the sensors it reads, one per domain, and a
 * note for each chip with energy or power files that it leaves alone.
 *
 * <p>Read: {@code amd_energy} and {@code zenergy} (its successor) energy counters labelled {@code Esocket<N>}, as
 * {@code package_N}; the ACPI power meter ({@code power_meter}) {@code power1_average}, as {@code machine}. Left
 * alone: GPU chips ({@code amdgpu}, {@code i915}, {@code xe}, {@code nouveau}, {@code radeon}: GPUs are a GPU
 * source's job); the per-core {@code Ecore<NNN>} counters of amd_energy (they are per physical core, numbered by the
 * driver, and summing them into {@code core_N} needs the core-to-socket map: a possible later addition); a second
 * power meter (only the first is read, two meters may see the same power); and any other chip, whose sensors could
 * mean anything (a board's 12 V rail, a PSU, a fan).
 *
 * <p>Attributes are looked for in {@code hwmonN/} and, for drivers that register them on their parent device (the
 * ACPI power meter before Linux 6.x), in {@code hwmonN/device/}.
 */
record HwmonScan(List<HwmonSensor> sensors, List<String> skipped) {

    static final String ACPI_POWER_METER = "power_meter";
    private static final Set<String> ENERGY_CHIPS = Set.of("amd_energy", "zenergy");
    private static final Set<String> GPU_CHIPS = Set.of("amdgpu", "i915", "xe", "nouveau", "radeon");
    private static final Pattern HWMON = Pattern.compile("hwmon(\\d+)");
    static final Pattern ENERGY_INPUT = Pattern.compile("energy(\\d+)_input");
    static final Pattern POWER_INPUT = Pattern.compile("power(\\d+)_(input|average)");
    private static final Pattern SOCKET_LABEL = Pattern.compile("Esocket(\\d+)");

    HwmonScan {
        sensors = List.copyOf(sensors);
        skipped = List.copyOf(skipped);
    }

    /** Thrown when a file of the tree exists but cannot be read. */
    static final class UnreadableException extends Exception {
        private final Path path;

        UnreadableException(Path path, IOException cause) {
            super(path + ": " + cause, cause);
            this.path = path;
        }

        Path path() {
            return path;
        }

        boolean permissionDenied() {
            return getCause() instanceof AccessDeniedException;
        }
    }

    /** Scans {@code hwmonClass} (the {@code class/hwmon} folder); an absent folder has no sensors. */
    static HwmonScan of(Path hwmonClass) throws UnreadableException {
        List<HwmonSensor> sensors = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Set<Domain> taken = new HashSet<>();
        for (Path hwmon : hwmonDirectories(hwmonClass)) {
            Path attributes = attributeDirectory(hwmon);
            if (attributes == null) {
                continue;
            }
            String chip = readText(attributes.resolve("name"));
            TreeSet<String> files = list(attributes);
            List<String> energyFiles = matching(files, ENERGY_INPUT);
            List<String> powerFiles = matching(files, POWER_INPUT);
            if (energyFiles.isEmpty() && powerFiles.isEmpty()) {
                continue;
            }
            String where = chip + " (" + hwmon.getFileName() + ")";
            if (GPU_CHIPS.contains(chip)) {
                skipped.add(where + ": a GPU, left to a GPU source");
            } else if (ENERGY_CHIPS.contains(chip)) {
                int before = sensors.size();
                for (String file : energyFiles) {
                    Matcher index = ENERGY_INPUT.matcher(file);
                    index.matches();
                    Path labelFile = attributes.resolve("energy" + index.group(1) + "_label");
                    String label = Files.exists(labelFile) ? readText(labelFile) : "";
                    Matcher socket = SOCKET_LABEL.matcher(label);
                    if (socket.matches()) {
                        Domain domain = Domain.packageOf(Integer.parseInt(socket.group(1)));
                        if (taken.add(domain)) {
                            sensors.add(new HwmonSensor(domain, attributes.resolve(file), chip, label, false));
                        } else {
                            skipped.add(where + " " + label + ": " + domain + " is already read from another chip");
                        }
                    }
                }
                if (sensors.size() == before && !energyFiles.isEmpty()) {
                    skipped.add(where + ": no Esocket<N> counter (per-core Ecore counters are not offered)");
                }
            } else if (chip.equals(ACPI_POWER_METER)) {
                Domain machine = Domain.of(new Resource.Machine());
                if (powerFiles.isEmpty()) {
                    skipped.add(where + ": no power file");
                } else if (taken.add(machine)) {
                    String file = powerFiles.contains("power1_average") ? "power1_average" : powerFiles.getFirst();
                    sensors.add(new HwmonSensor(machine, attributes.resolve(file), chip, "", true));
                } else {
                    skipped.add(where + ": a second power meter; only the first one is read");
                }
            } else {
                skipped.add(where + ": energy or power sensors of unknown meaning");
            }
        }
        sensors.sort(Comparator.comparing(HwmonSensor::domain));
        return new HwmonScan(sensors, skipped);
    }

    static List<Path> hwmonDirectories(Path hwmonClass) throws UnreadableException {
        if (!Files.isDirectory(hwmonClass)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(hwmonClass)) {
            return entries.filter(p -> HWMON.matcher(p.getFileName().toString()).matches())
                    .filter(Files::isDirectory)
                    .sorted(Comparator.comparingInt(p -> Integer.parseInt(p.getFileName().toString().substring(5))))
                    .toList();
        } catch (IOException e) {
            throw new UnreadableException(hwmonClass, e);
        }
    }

    static Path attributeDirectory(Path hwmon) {
        if (Files.exists(hwmon.resolve("name"))) {
            return hwmon;
        }
        Path device = hwmon.resolve("device");
        return Files.exists(device.resolve("name")) ? device : null;
    }

    static TreeSet<String> list(Path directory) throws UnreadableException {
        try (Stream<Path> entries = Files.list(directory)) {
            return entries.map(p -> p.getFileName().toString()).collect(TreeSet::new, TreeSet::add, TreeSet::addAll);
        } catch (IOException e) {
            throw new UnreadableException(directory, e);
        }
    }

    static List<String> matching(TreeSet<String> files, Pattern pattern) {
        return files.stream()
                .filter(f -> pattern.matcher(f).matches())
                .sorted(Comparator.comparingInt(f -> Integer.parseInt(f.replaceAll("\\D", ""))))
                .toList();
    }

    static String readText(Path file) throws UnreadableException {
        try {
            return Files.readString(file).strip();
        } catch (NoSuchFileException e) {
            return "";
        } catch (IOException e) {
            throw new UnreadableException(file, e);
        }
    }
}
