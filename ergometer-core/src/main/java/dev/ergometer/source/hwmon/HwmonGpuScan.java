package dev.ergometer.source.hwmon;

import dev.ergometer.model.Domain;
import dev.ergometer.model.Resource;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What the {@code hwmonN} folders of a sysfs offer the GPU hwmon source: one sensor per AMD or Intel GPU, numbered
 * per vendor, and a note for each GPU chip it cannot read.
 *
 * <p>Read: {@code amdgpu}'s {@code energy1_input} (µJ) when the chip has one, else its {@code power1_average} or, on
 * kernels that name it so, {@code power1_input} (µW, integrated), as {@code amd_gpu_N}; the {@code energy1_input}
 * (µJ) of {@code i915} and {@code xe}, as {@code intel_gpu_N}. {@code xe} may offer two energy counters, labelled
 * {@code card} (the whole board) and {@code pkg} (the GPU package): the {@code card} one is read, else an unlabelled
 * one, else the first. Left alone: {@code nouveau} and {@code radeon} (NVIDIA GPUs are read through NVML; radeon's
 * hwmon gives no power), and GPU chips with no energy or power file (integrated Intel GPUs under i915 have none: their
 * energy is in RAPL's uncore domain).
 *
 * <p>Numbering: the GPUs of a vendor are numbered 0, 1, ... in the order of their DRM card ({@code cardK} in the
 * {@code drm} folder of the PCI device that {@code hwmonN/device} links to), so {@code amd_gpu_0} is the AMD GPU with
 * the lowest card number. A GPU whose device has no {@code drm/cardK} comes after those that have one, in the order of
 * discovery ({@code hwmonN} order).
 */
record HwmonGpuScan(List<Gpu> gpus, List<String> skipped) {

    private static final Map<String, String> VENDORS = Map.of("amdgpu", "amd", "i915", "intel", "xe", "intel");
    private static final Pattern CARD = Pattern.compile("card(\\d+)");
    private static final Pattern SENSOR_INPUT = Pattern.compile("([a-z]+\\d+)_(input|average)");

    HwmonGpuScan {
        gpus = List.copyOf(gpus);
        skipped = List.copyOf(skipped);
    }

    /**
     * One GPU found in hwmon and the sensor read for it.
     *
     * @param sensor the sensor file and the domain it measures
     * @param description the GPU for people: {@code amdgpu, hwmon3, card0}
     */
    record Gpu(HwmonSensor sensor, String description) {}

    private record Candidate(String vendor, String chip, String hwmon, int card, int discovery, Path file,
            String label, boolean power) {}

    /** Scans {@code hwmonClass} (the {@code class/hwmon} folder); an absent folder has no GPU. */
    static HwmonGpuScan of(Path hwmonClass) throws HwmonScan.UnreadableException {
        List<Candidate> candidates = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        for (Path hwmon : HwmonScan.hwmonDirectories(hwmonClass)) {
            Path attributes = HwmonScan.attributeDirectory(hwmon);
            if (attributes == null) {
                continue;
            }
            String chip = HwmonScan.readText(attributes.resolve("name"));
            String where = chip + " (" + hwmon.getFileName() + ")";
            if (chip.equals("nouveau") || chip.equals("radeon")) {
                skipped.add(where + ": not read here (NVIDIA GPUs are read through NVML; radeon gives no power)");
                continue;
            }
            String vendor = VENDORS.get(chip);
            if (vendor == null) {
                continue;
            }
            TreeSet<String> files = HwmonScan.list(attributes);
            Candidate candidate = vendor.equals("amd")
                    ? amd(chip, hwmon, candidates.size(), attributes, files)
                    : intel(chip, hwmon, candidates.size(), attributes, files);
            if (candidate == null) {
                skipped.add(where + ": no " + (vendor.equals("amd") ? "energy1_input, power1_average or power1_input"
                        : "energy1_input") + " file");
            } else {
                candidates.add(candidate);
            }
        }
        return new HwmonGpuScan(number(candidates), skipped);
    }

    private static Candidate amd(String chip, Path hwmon, int discovery, Path attributes, TreeSet<String> files)
            throws HwmonScan.UnreadableException {
        int card = card(hwmon);
        for (String name : List.of("energy1_input", "power1_average", "power1_input")) {
            if (files.contains(name)) {
                return new Candidate("amd", chip, hwmon.getFileName().toString(), card, discovery,
                        attributes.resolve(name), label(attributes, name), name.startsWith("power"));
            }
        }
        return null;
    }

    private static Candidate intel(String chip, Path hwmon, int discovery, Path attributes, TreeSet<String> files)
            throws HwmonScan.UnreadableException {
        List<String> energyFiles = HwmonScan.matching(files, HwmonScan.ENERGY_INPUT);
        if (energyFiles.isEmpty()) {
            return null;
        }
        String chosen = null;
        String unlabelled = null;
        for (String name : energyFiles) {
            String label = label(attributes, name);
            if (label.equals("card")) {
                chosen = name;
                break;
            }
            if (label.isEmpty() && unlabelled == null) {
                unlabelled = name;
            }
        }
        if (chosen == null) {
            chosen = unlabelled != null ? unlabelled : energyFiles.getFirst();
        }
        return new Candidate("intel", chip, hwmon.getFileName().toString(), card(hwmon), discovery,
                attributes.resolve(chosen), label(attributes, chosen), false);
    }

    /** The label of a sensor file ({@code energy2_input} -> content of {@code energy2_label}), or empty. */
    private static String label(Path attributes, String inputFile) throws HwmonScan.UnreadableException {
        Matcher m = SENSOR_INPUT.matcher(inputFile);
        if (!m.matches()) {
            return "";
        }
        Path labelFile = attributes.resolve(m.group(1) + "_label");
        return Files.exists(labelFile) ? HwmonScan.readText(labelFile) : "";
    }

    /** K of the lowest {@code cardK} in {@code hwmonN/device/drm}, or -1 when there is none. */
    private static int card(Path hwmon) {
        Path drm = hwmon.resolve("device/drm");
        if (!Files.isDirectory(drm)) {
            return -1;
        }
        try (Stream<Path> entries = Files.list(drm)) {
            return entries.map(p -> CARD.matcher(p.getFileName().toString()))
                    .filter(Matcher::matches)
                    .mapToInt(m -> Integer.parseInt(m.group(1)))
                    .min()
                    .orElse(-1);
        } catch (IOException e) {
            return -1; // an unreadable drm folder only costs the card order: discovery order is used
        }
    }

    private static List<Gpu> number(List<Candidate> candidates) {
        List<Candidate> ordered = candidates.stream()
                .sorted(Comparator.comparing(Candidate::vendor)
                        .thenComparingInt(c -> c.card() < 0 ? Integer.MAX_VALUE : c.card())
                        .thenComparingInt(Candidate::discovery))
                .toList();
        List<Gpu> gpus = new ArrayList<>();
        String vendor = "";
        int index = 0;
        for (Candidate c : ordered) {
            index = c.vendor().equals(vendor) ? index + 1 : 0;
            vendor = c.vendor();
            Domain domain = Domain.of(new Resource.Gpu(c.vendor(), index));
            String description = c.chip() + ", " + c.hwmon() + (c.card() < 0 ? "" : ", card" + c.card());
            gpus.add(new Gpu(new HwmonSensor(domain, c.file(), c.chip(), c.label(), c.power()), description));
        }
        gpus.sort(Comparator.comparing(g -> g.sensor().domain()));
        return gpus;
    }
}
