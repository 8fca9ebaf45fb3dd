package dev.ergometer.service;

import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a measurement report says about the machine: the CPU model (from {@code /proc/cpuinfo}) and a core's
 * frequency governor (from {@code /sys/devices/system/cpu/cpuN/cpufreq/scaling_governor}), both through
 * {@link SystemPaths}. Values the kernel does not offer (no cpufreq in most VMs) are empty, never guessed.
 */
public final class MachineDescription {

    private final SystemPaths paths;

    public MachineDescription(SystemPaths paths) {
        this.paths = paths;
    }

    /** The CPU's model name, as {@code model name} (x86) or {@code Hardware}/{@code cpu model} (others) give it. */
    public Optional<String> cpuModel() {
        List<String> lines;
        try {
            lines = Files.readAllLines(paths.proc("cpuinfo"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return Optional.empty();
        }
        for (String key : List.of("model name", "Hardware", "cpu model", "Model")) {
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).strip().equals(key)) {
                    String value = line.substring(colon + 1).strip();
                    if (!value.isEmpty()) {
                        return Optional.of(value);
                    }
                }
            }
        }
        return Optional.empty();
    }

    /** The frequency governor of {@code cpu} ({@code performance}, {@code powersave}, ...); cpu0's for -1. */
    public Optional<String> frequencyGovernor(int cpu) {
        return firstLine(paths.sys("devices/system/cpu/cpu" + Math.max(0, cpu) + "/cpufreq/scaling_governor"));
    }

    /** The cores online, as the kernel lists them ({@code 0-3,6}); empty when unknown. */
    public Optional<String> onlineCpus() {
        return firstLine(paths.sys("devices/system/cpu/online"));
    }

    private static Optional<String> firstLine(Path file) {
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            return text.isEmpty() ? Optional.empty() : Optional.of(text.lines().findFirst().orElse(text));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
