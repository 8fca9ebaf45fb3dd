package dev.ergometer.source.msr;

import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The online CPUs and where each one sits (its physical package and its core), as sysfs describes them under
 * {@code devices/system/cpu}.
 *
 * <p>Sockets are numbered by the order of their {@code physical_package_id}: the lowest id is socket 0, the next one
 * socket 1, and so on. Package ids are dense (0, 1, ...) on nearly every machine, where this changes nothing; when
 * they are sparse (0 and 2, say, or a kernel that numbers packages by their APIC id) the domains are still
 * {@code package_0}, {@code package_1}, as pyJoules and the powercap source (whose {@code intel-rapl:N} zones are
 * numbered densely too) name them.
 *
 * @param cpus the online CPUs, ascending
 */
record CpuTopology(List<LogicalCpu> cpus) {

    /** One online CPU (a hardware thread). */
    record LogicalCpu(int cpu, int packageId, int coreId) {}

    CpuTopology {
        cpus = List.copyOf(cpus);
    }

    /** Reads {@code devices/system/cpu/online} and each online CPU's topology/physical_package_id and core_id. */
    static CpuTopology read(SystemPaths paths) throws IOException {
        Path onlineFile = paths.sys("devices/system/cpu/online");
        List<Integer> online = parseCpuList(Files.readString(onlineFile).strip(), onlineFile.toString());
        List<LogicalCpu> cpus = new ArrayList<>();
        for (int cpu : online) {
            Path topology = paths.sys("devices/system/cpu/cpu" + cpu + "/topology");
            cpus.add(new LogicalCpu(cpu, readInt(topology.resolve("physical_package_id")),
                    readInt(topology.resolve("core_id"))));
        }
        return new CpuTopology(cpus);
    }

    /**
     * Parses a kernel CPU list such as {@code 0-3,8-11} or {@code 0,2,4} into ascending CPU numbers.
     *
     * @throws IllegalArgumentException when the list is malformed
     */
    static List<Integer> parseCpuList(String text, String origin) {
        List<Integer> cpus = new ArrayList<>();
        if (text.isBlank()) {
            return cpus;
        }
        for (String part : text.strip().split(",")) {
            String range = part.strip();
            int dash = range.indexOf('-');
            try {
                int first = Integer.parseInt(dash < 0 ? range : range.substring(0, dash));
                int last = dash < 0 ? first : Integer.parseInt(range.substring(dash + 1));
                if (first < 0 || last < first) {
                    throw new IllegalArgumentException(origin + ": bad CPU range '" + range + "' in '" + text + "'");
                }
                for (int cpu = first; cpu <= last; cpu++) {
                    cpus.add(cpu);
                }
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(origin + ": bad CPU list '" + text + "'", e);
            }
        }
        return cpus.stream().distinct().sorted().toList();
    }

    /** The physical package ids, ascending: the socket index of a package is its position in this list. */
    List<Integer> packageIds() {
        return cpus.stream().map(LogicalCpu::packageId).distinct().sorted().toList();
    }

    /** The lowest-numbered online CPU of a package: where package-scoped registers are read. */
    int firstCpuOf(int packageId) {
        return cpus.stream().filter(c -> c.packageId() == packageId).mapToInt(LogicalCpu::cpu).min()
                .orElseThrow(() -> new IllegalArgumentException("no online CPU in package " + packageId));
    }

    /** The lowest-numbered online CPU of each core of a package, by core id: where core-scoped registers are read. */
    List<Integer> firstCpuOfEachCore(int packageId) {
        Map<Integer, Integer> firstCpuByCore = new TreeMap<>();
        for (LogicalCpu cpu : cpus) {
            if (cpu.packageId() == packageId) {
                firstCpuByCore.merge(cpu.coreId(), cpu.cpu(), Math::min);
            }
        }
        return List.copyOf(firstCpuByCore.values());
    }

    private static int readInt(Path file) throws IOException {
        String text = Files.readString(file).strip();
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw new IOException(file + " does not hold an integer: '" + text + "'", e);
        }
    }
}
