package dev.ergometer.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Fake cgroup trees under a fake sysfs, with the {@code self/mountinfo} of a fake procfs listing them, laid out like
 * the kernel's: a pure cgroup2 machine ({@code /sys/fs/cgroup} is cgroup2), a pure v1 machine (one folder per
 * controller, {@code cpu,cpuacct} co-mounted) or a hybrid one (v1 controllers and cgroup2 at
 * {@code /sys/fs/cgroup/unified}, as systemd's hybrid mode and this project's CI machine).
 *
 * <p>Each cgroup folder holds the interface files the code reads: {@code cgroup.procs}, and {@code cpu.stat},
 * {@code cgroup.controllers} and {@code cgroup.subtree_control} (cgroup2) or {@code cpuacct.usage} (v1). A folder
 * made with {@code mkdir} by the code under test stays empty, unlike in the kernel.
 *
 * <pre>{@code
 * FakeCgroupTree tree = FakeCgroupTree.hybrid(sysfs, procfs);
 * tree.group("app.slice/web").process(42, "/app.slice/web").cpuUsageMicros("app.slice/web", 1_500);
 * }</pre>
 */
public final class FakeCgroupTree {

    /** A hierarchy of the fake: its mount point below the sysfs root, type, and v1 controllers. */
    private record Mount(String underSysfs, boolean unified, String controllers) {
    }

    private final Path sysfs;
    private final Path procfs;
    private final List<Mount> mounts;
    private final boolean readOnly;

    private FakeCgroupTree(Path sysfs, Path procfs, List<Mount> mounts, boolean readOnly) {
        this.sysfs = Objects.requireNonNull(sysfs, "sysfs");
        this.procfs = Objects.requireNonNull(procfs, "procfs");
        this.mounts = List.copyOf(mounts);
        this.readOnly = readOnly;
        writeMountinfo();
        for (Mount mount : mounts) {
            makeCgroup(mount, "");
        }
    }

    /** A pure cgroup2 machine: cgroup2 at /sys/fs/cgroup, its root offering {@code controllers} ("cpu io memory"). */
    public static FakeCgroupTree unified(Path sysfs, Path procfs, String controllers) {
        FakeCgroupTree tree = new FakeCgroupTree(sysfs, procfs, List.of(new Mount("fs/cgroup", true, "")), false);
        tree.write(sysfs.resolve("fs/cgroup/cgroup.controllers"), controllers + "\n");
        return tree;
    }

    /** A pure v1 machine: cpu and cpuacct co-mounted at /sys/fs/cgroup/cpu,cpuacct, memory apart. */
    public static FakeCgroupTree legacy(Path sysfs, Path procfs) {
        return new FakeCgroupTree(sysfs, procfs, List.of(new Mount("fs/cgroup/cpu,cpuacct", false, "cpu,cpuacct"),
                new Mount("fs/cgroup/memory", false, "memory")), false);
    }

    /** A hybrid machine: v1 cpu, cpuacct and memory mounted apart, cgroup2 at /sys/fs/cgroup/unified. */
    public static FakeCgroupTree hybrid(Path sysfs, Path procfs) {
        return new FakeCgroupTree(sysfs, procfs, List.of(new Mount("fs/cgroup/cpu", false, "cpu"),
                new Mount("fs/cgroup/cpuacct", false, "cpuacct"), new Mount("fs/cgroup/memory", false, "memory"),
                new Mount("fs/cgroup/unified", true, "")), false);
    }

    /** The same hierarchies, listed as mounted read-only (as inside a container). */
    public FakeCgroupTree readOnly() {
        return new FakeCgroupTree(sysfs, procfs, mounts, true);
    }

    /** Makes a cgroup (relative to each root, {@code "app.slice/web"}) with its interface files in every hierarchy. */
    public FakeCgroupTree group(String relative) {
        for (Mount mount : mounts) {
            String[] parts = relative.split("/");
            StringBuilder path = new StringBuilder();
            for (String part : parts) {
                path.append(path.isEmpty() ? "" : "/").append(part);
                makeCgroup(mount, path.toString());
            }
        }
        return this;
    }

    /**
     * Writes {@code PID/cgroup} in the fake procfs (and {@code self/cgroup} when {@code pid} is "self") placing the
     * process in {@code cgroupPath} in every hierarchy, as the kernel formats it.
     */
    public FakeCgroupTree process(String pid, String cgroupPath) {
        StringBuilder text = new StringBuilder();
        int id = mounts.size();
        for (Mount mount : mounts) {
            if (!mount.unified()) {
                text.append(id--).append(':').append(mount.controllers()).append(':').append(cgroupPath).append('\n');
            }
        }
        if (mounts.stream().anyMatch(Mount::unified)) {
            text.append("0::").append(cgroupPath).append('\n');
        }
        write(procfs.resolve(pid).resolve("cgroup"), text.toString());
        return this;
    }

    /** Sets a group's CPU time: {@code usage_usec} in cgroup2's cpu.stat, the nanoseconds in v1's cpuacct.usage. */
    public FakeCgroupTree cpuUsageMicros(String relative, long usageMicros) {
        for (Mount mount : mounts) {
            Path directory = directory(mount, relative);
            if (mount.unified()) {
                write(directory.resolve("cpu.stat"), "usage_usec " + usageMicros + "\nuser_usec " + usageMicros
                        + "\nsystem_usec 0\nnice_usec 0\n");
            } else if (List.of(mount.controllers().split(",")).contains("cpuacct")) {
                write(directory.resolve("cpuacct.usage"), usageMicros * 1000 + "\n");
            }
        }
        return this;
    }

    /** The folder of a cgroup in the hierarchy mounted at {@code /sys/<underSysfs>}. */
    public Path directory(String underSysfs, String relative) {
        return relative.isEmpty() ? sysfs.resolve(underSysfs) : sysfs.resolve(underSysfs).resolve(relative);
    }

    private Path directory(Mount mount, String relative) {
        return directory(mount.underSysfs(), relative);
    }

    private void makeCgroup(Mount mount, String relative) {
        Path directory = directory(mount, relative);
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        writeIfAbsent(directory.resolve("cgroup.procs"), "");
        if (mount.unified()) {
            writeIfAbsent(directory.resolve("cpu.stat"), "usage_usec 0\nuser_usec 0\nsystem_usec 0\n");
            writeIfAbsent(directory.resolve("cgroup.controllers"), "\n");
            writeIfAbsent(directory.resolve("cgroup.subtree_control"), "\n");
        } else if (List.of(mount.controllers().split(",")).contains("cpuacct")) {
            writeIfAbsent(directory.resolve("cpuacct.usage"), "0\n");
        }
    }

    private void writeMountinfo() {
        StringBuilder text = new StringBuilder();
        text.append("22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw\n");
        text.append("23 1 0:22 / /sys rw,nosuid,nodev,noexec,relatime shared:7 - sysfs sysfs rw\n");
        int id = 30;
        String options = readOnly ? "ro,nosuid,nodev,noexec,relatime" : "rw,nosuid,nodev,noexec,relatime";
        for (Mount mount : mounts) {
            String mountPoint = "/sys/" + mount.underSysfs();
            if (mount.unified()) {
                text.append(id++).append(" 23 0:").append(id).append(" / ").append(mountPoint).append(' ')
                        .append(options).append(" shared:9 - cgroup2 cgroup2 rw,nsdelegate\n");
            } else {
                text.append(id++).append(" 23 0:").append(id).append(" / ").append(mountPoint).append(' ')
                        .append(options).append(" shared:10 - cgroup cgroup rw,").append(mount.controllers())
                        .append('\n');
            }
        }
        write(procfs.resolve("self/mountinfo"), text.toString());
    }

    private void writeIfAbsent(Path file, String text) {
        if (!Files.exists(file)) {
            write(file, text);
        }
    }

    private void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
