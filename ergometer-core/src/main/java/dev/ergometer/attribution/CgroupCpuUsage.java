package dev.ergometer.attribution;

import dev.ergometer.groups.CpuUsageCounter;
import dev.ergometer.source.EnergyReadException;
import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPU time a cgroup and its descendants have used, in nanoseconds, for a cgroup given by its path: finds the
 * cgroup's usage file and reads it through {@link CpuUsageCounter} (the one cgroup CPU-time reader, shared with
 * {@link dev.ergometer.groups.CgroupFs}).
 *
 * <p>The file is looked for, in this order, under {@code <sysfs>/fs/cgroup}: {@code <path>/cpu.stat} when that is a
 * v2 hierarchy (it has {@code cgroup.controllers}), {@code cpuacct/<path>/cpuacct.usage},
 * {@code cpu,cpuacct/<path>/cpuacct.usage}, then {@code unified/<path>/cpu.stat} (the v2 part of a hybrid setup).
 * Not thread-safe.
 */
final class CgroupCpuUsage implements AutoCloseable {

    private final Consumer.Cgroup cgroup;
    private final CpuUsageCounter counter;

    private CgroupCpuUsage(Consumer.Cgroup cgroup, CpuUsageCounter counter) {
        this.cgroup = cgroup;
        this.counter = counter;
    }

    /**
     * Opens the usage file of {@code cgroup}.
     *
     * @throws NoSuchFileException naming every place looked at, when the cgroup has none
     * @throws IOException when the file exists but cannot be opened
     */
    static CgroupCpuUsage open(SystemPaths paths, Consumer.Cgroup cgroup) throws IOException {
        String relative = cgroup.path().equals("/") ? "" : cgroup.path().substring(1) + "/";
        Path root = paths.sys("fs/cgroup");
        List<Path> tried = new ArrayList<>();
        if (Files.exists(root.resolve("cgroup.controllers"))) {
            Path stat = root.resolve(relative + "cpu.stat");
            tried.add(stat);
            if (Files.exists(stat)) {
                return new CgroupCpuUsage(cgroup, CpuUsageCounter.open(stat.getParent(), true));
            }
        }
        for (String hierarchy : List.of("cpuacct/", "cpu,cpuacct/")) {
            Path usage = root.resolve(hierarchy + relative + "cpuacct.usage");
            tried.add(usage);
            if (Files.exists(usage)) {
                return new CgroupCpuUsage(cgroup, CpuUsageCounter.open(usage.getParent(), false));
            }
        }
        Path hybrid = root.resolve("unified/" + relative + "cpu.stat");
        tried.add(hybrid);
        if (Files.exists(hybrid)) {
            return new CgroupCpuUsage(cgroup, CpuUsageCounter.open(hybrid.getParent(), true));
        }
        throw new NoSuchFileException(root.toString(), null, "cgroup " + cgroup.path()
                + " has no CPU usage file (looked for " + tried + "): check the path (as in /proc/PID/cgroup) and"
                + " that the cpuacct (v1) or cpu (v2) controller is mounted");
    }

    Consumer.Cgroup cgroup() {
        return cgroup;
    }

    /**
     * The cgroup's CPU time so far, in nanoseconds.
     *
     * @throws EnergyReadException when the file cannot be read (the cgroup was removed) or is malformed
     */
    long readNanos() {
        return counter.cpuNanos();
    }

    @Override
    public void close() {
        counter.close();
    }
}
