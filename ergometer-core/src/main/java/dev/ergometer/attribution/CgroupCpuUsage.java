package dev.ergometer.attribution;

import dev.ergometer.source.EnergyReadException;
import dev.ergometer.source.NativeFile;
import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The CPU time a cgroup and its descendants have used, in nanoseconds: {@code usage_usec} of {@code cpu.stat} on
 * cgroup v2, {@code cpuacct.usage} (ns) on cgroup v1, read from a file opened once.
 *
 * <p>The file is looked for, in this order, under {@code <sysfs>/fs/cgroup}: {@code <path>/cpu.stat} when that is a
 * v2 hierarchy (it has {@code cgroup.controllers}), {@code cpuacct/<path>/cpuacct.usage},
 * {@code cpu,cpuacct/<path>/cpuacct.usage}, then {@code unified/<path>/cpu.stat} (the v2 part of a hybrid setup).
 * Not thread-safe.
 */
final class CgroupCpuUsage implements AutoCloseable {

    private static final int STAT_BYTES = 1024;

    private final Consumer.Cgroup cgroup;
    private final NativeFile file;
    private final boolean v2;
    private final Arena arena;
    private final MemorySegment buffer;

    private CgroupCpuUsage(Consumer.Cgroup cgroup, NativeFile file, boolean v2) {
        this.cgroup = cgroup;
        this.file = file;
        this.v2 = v2;
        this.arena = v2 ? Arena.ofShared() : null;
        this.buffer = v2 ? arena.allocate(STAT_BYTES) : null;
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
                return new CgroupCpuUsage(cgroup, NativeFile.open(stat), true);
            }
        }
        for (String hierarchy : List.of("cpuacct/", "cpu,cpuacct/")) {
            Path usage = root.resolve(hierarchy + relative + "cpuacct.usage");
            tried.add(usage);
            if (Files.exists(usage)) {
                return new CgroupCpuUsage(cgroup, NativeFile.open(usage), false);
            }
        }
        Path hybrid = root.resolve("unified/" + relative + "cpu.stat");
        tried.add(hybrid);
        if (Files.exists(hybrid)) {
            return new CgroupCpuUsage(cgroup, NativeFile.open(hybrid), true);
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
        if (!v2) {
            return file.readDecimal();
        }
        int n = file.readInto(buffer);
        // "usage_usec 12345\n" is the first line of cpu.stat; look for it anywhere to be safe
        int i = 0;
        while (i < n) {
            if (startsWith(i, n, "usage_usec ")) {
                long value = 0;
                int digits = 0;
                for (int j = i + "usage_usec ".length(); j < n; j++) {
                    byte b = buffer.get(ValueLayout.JAVA_BYTE, j);
                    if (b < '0' || b > '9') {
                        break;
                    }
                    value = value * 10 + (b - '0');
                    digits++;
                }
                if (digits == 0) {
                    break;
                }
                return Math.multiplyExact(value, 1_000L);
            }
            while (i < n && buffer.get(ValueLayout.JAVA_BYTE, i) != '\n') {
                i++;
            }
            i++;
        }
        throw new EnergyReadException(file.path() + " has no 'usage_usec' line; is it a cgroup v2 cpu.stat?");
    }

    private boolean startsWith(int at, int n, String prefix) {
        if (at + prefix.length() > n) {
            return false;
        }
        for (int k = 0; k < prefix.length(); k++) {
            if (buffer.get(ValueLayout.JAVA_BYTE, at + k) != prefix.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        file.close();
        if (arena != null) {
            arena.close();
        }
    }
}
