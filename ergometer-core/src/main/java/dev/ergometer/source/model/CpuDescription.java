package dev.ergometer.source.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * What {@code /proc/cpuinfo} says the CPU is, as the text that {@code cpu-power.csv} patterns are searched in: the
 * {@code model name} of the first processor on x86, and on ARM (which has no model name)
 * {@code "CPU implementer 0x41 CPU part 0xd0c"} built from the first processor block.
 *
 * @param text the description; empty when cpuinfo names neither
 */
record CpuDescription(String text) {

    /** No description: the DEFAULT row applies. */
    static final CpuDescription UNKNOWN = new CpuDescription("");

    /** Reads the description from a cpuinfo file. */
    static CpuDescription read(Path cpuinfo) throws IOException {
        return parse(Files.readAllLines(cpuinfo));
    }

    /** The description in the lines of a cpuinfo file. */
    static CpuDescription parse(List<String> lines) {
        String implementer = null;
        String part = null;
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                if (line.isBlank() && (implementer != null || part != null)) {
                    break;
                }
                continue;
            }
            String key = line.substring(0, colon).strip();
            String value = line.substring(colon + 1).strip();
            switch (key) {
                case "model name" -> {
                    return new CpuDescription(value);
                }
                case "CPU implementer" -> implementer = implementer == null ? value : implementer;
                case "CPU part" -> part = part == null ? value : part;
                default -> { }
            }
        }
        if (implementer != null && part != null) {
            return new CpuDescription("CPU implementer " + implementer + " CPU part " + part);
        }
        return UNKNOWN;
    }
}
