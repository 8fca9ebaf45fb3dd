package dev.ergometer.source;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the kernel says about running under a hypervisor, for the messages of sources that VMs do not offer. */
public final class VirtualMachine {

    private VirtualMachine() {
    }

    /** True when {@code /proc/cpuinfo} lists the {@code hypervisor} CPU flag. */
    public static boolean detected(SystemPaths paths) {
        Path cpuinfo = paths.proc("cpuinfo");
        try (var lines = Files.lines(cpuinfo)) {
            return lines.filter(line -> line.startsWith("flags"))
                    .findFirst()
                    .map(line -> (" " + line.substring(line.indexOf(':') + 1) + " ").contains(" hypervisor "))
                    .orElse(false);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * A clause to append to a reason when this is a VM ("; this is a virtual machine ..."), or an empty string.
     */
    public static String hint(SystemPaths paths) {
        return detected(paths)
                ? "; this is a virtual machine (the CPU has the hypervisor flag), and hypervisors do not expose"
                        + " RAPL to guests"
                : "";
    }
}
