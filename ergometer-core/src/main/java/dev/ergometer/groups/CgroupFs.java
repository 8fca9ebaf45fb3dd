package dev.ergometer.groups;

import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The cgroup trees of a machine as Ergometer uses them for process groups: finds the cgroup of a process, looks up
 * existing groups, creates groups under {@value #SLICE}, moves processes into them, reads their CPU time and
 * removes them.
 *
 * <p>The hierarchies are discovered from {@code /proc/self/mountinfo} (see {@link CgroupMounts} for how mount
 * points map to {@link SystemPaths}). Ergometer uses the cgroup2 tree when one is mounted, the v1 tree holding
 * {@code cpuacct}, and the v1 tree holding {@code cpu} when that one is mounted apart from {@code cpuacct}. Three
 * layouts follow: pure cgroup2, pure v1, and hybrid (both, as systemd's "hybrid" mode mounts them). A group Ergometer
 * creates is made in every hierarchy it uses, so CPU accounting works whichever of them is read; a group's CPU time
 * is read from cgroup2 ({@code cpu.stat}, present without enabling any controller) unless the group is cgroup2's root
 * (whose {@code cpu.stat} is the whole machine's) and a v1 {@code cpuacct} tree is there to read instead.
 *
 * <p>A group that already exists is refused by {@link #create}, never adopted: {@link #remove} removes only groups
 * made by {@code create}, and removing a group someone else made (and may still be using) would be a surprise.
 *
 * <pre>{@code
 * CgroupFs cgroups = CgroupFs.discover(SystemPaths.real());
 * ProcessGroup build = cgroups.create("build", List.of(pid));
 * try (CpuUsageCounter cpu = cgroups.openCpuUsage(build)) {
 *     long before = cpu.cpuNanos();
 *     ...
 * } finally {
 *     cgroups.remove(build);
 * }
 * }</pre>
 */
public final class CgroupFs {

    /** The cgroup under each hierarchy's root that holds the groups Ergometer creates. */
    public static final String SLICE = "ergometer.slice";

    /** How the machine mounts its cgroups. */
    public enum Layout {
        /** Only cgroup2. */
        UNIFIED,
        /** Only cgroup v1 hierarchies. */
        LEGACY,
        /** cgroup v1 controllers next to a cgroup2 tree (systemd's hybrid mode). */
        HYBRID
    }

    private static final long REMOVE_RETRY_NANOS = 2_000_000_000L;
    private static final long RETRY_SLEEP_MILLIS = 10;
    private static final String READ_ONLY_FIX = "the cgroup tree is mounted read-only, as inside most containers: run"
            + " on the host, or give the container a writable cgroup tree (a delegated cgroup2 sub-tree, or"
            + " --privileged)";

    private final SystemPaths paths;
    private final List<CgroupHierarchy> discovered;
    private final CgroupHierarchy unified;
    private final CgroupHierarchy cpuacct;
    private final List<CgroupHierarchy> used;

    private CgroupFs(SystemPaths paths, List<CgroupHierarchy> discovered) {
        this.paths = paths;
        this.discovered = discovered;
        this.unified = discovered.stream().filter(CgroupHierarchy::unified).findFirst().orElse(null);
        this.cpuacct = discovered.stream().filter(h -> h.has("cpuacct")).findFirst().orElse(null);
        CgroupHierarchy cpu = discovered.stream().filter(h -> h.has("cpu")).findFirst().orElse(null);
        List<CgroupHierarchy> inUse = new ArrayList<>();
        if (unified != null) {
            inUse.add(unified);
        }
        if (cpuacct != null) {
            inUse.add(cpuacct);
        }
        if (cpu != null && cpu != cpuacct) {
            inUse.add(cpu);
        }
        this.used = List.copyOf(inUse);
    }

    /**
     * Discovers the cgroup hierarchies from {@code paths.proc("self/mountinfo")}.
     *
     * @throws CgroupException when mountinfo cannot be read, or no cgroup2 and no v1 cpuacct tree is mounted
     */
    public static CgroupFs discover(SystemPaths paths) throws CgroupException {
        Path mountinfo = paths.proc("self/mountinfo");
        String text;
        try {
            text = Files.readString(mountinfo);
        } catch (IOException e) {
            throw new CgroupException("cannot discover the cgroup hierarchies", "cannot read " + mountinfo + ": " + e,
                    "mount procfs, or point --procfs (ERGOMETER_PROCFS) at it");
        }
        CgroupFs cgroups = new CgroupFs(paths, CgroupMounts.parse(text, paths));
        if (cgroups.used.isEmpty()) {
            throw new CgroupException("cannot use cgroups", mountinfo + " lists no cgroup2 mount and no cgroup v1 mount"
                    + " with the cpuacct controller", "mount one: mount -t cgroup2 none /sys/fs/cgroup (or"
                    + " mount -t cgroup -o cpu,cpuacct none /sys/fs/cgroup/cpu,cpuacct)");
        }
        return cgroups;
    }

    /** The roots this instance was discovered under. */
    public SystemPaths paths() {
        return paths;
    }

    /** Every cgroup hierarchy mounted, in mountinfo order. */
    public List<CgroupHierarchy> discovered() {
        return discovered;
    }

    /** The hierarchies Ergometer reads and creates groups in: cgroup2, v1 cpuacct and v1 cpu, those mounted. */
    public List<CgroupHierarchy> used() {
        return used;
    }

    /** How this machine mounts its cgroups. */
    public Layout layout() {
        boolean v1 = used.stream().anyMatch(h -> !h.unified());
        return unified == null ? Layout.LEGACY : v1 ? Layout.HYBRID : Layout.UNIFIED;
    }

    /**
     * The cgroups of process {@code pid} in the hierarchies Ergometer uses, from {@code paths.proc(PID + "/cgroup")}.
     *
     * @throws CgroupException when the process does not exist or its cgroup file cannot be read
     */
    public CgroupMembership membership(long pid) throws CgroupException {
        return membership(Long.toString(pid), pid);
    }

    /** The group of process {@code pid}: the cgroups it is in now. */
    public ProcessGroup groupOf(long pid) throws CgroupException {
        return new ProcessGroup("pid " + pid, membership(pid).cgroupPaths(), false, Map.of(), Map.of());
    }

    /** The group {@code this}: the cgroups of the current process, from {@code paths.proc("self/cgroup")}. */
    public ProcessGroup thisProcess() throws CgroupException {
        return new ProcessGroup("this", membership("self", ProcessHandle.current().pid()).cgroupPaths(), false,
                Map.of(), Map.of());
    }

    /**
     * An existing cgroup by its path relative to the hierarchies' roots ({@code "slice/group"}), in every hierarchy
     * Ergometer uses where it exists.
     *
     * @throws CgroupException when it exists in none of them; the message lists the groups that exist
     * @throws IllegalArgumentException when a part of the path is not a valid name
     */
    public ProcessGroup find(String relativePath) throws CgroupException {
        String relative = validRelativePath(relativePath);
        Map<CgroupHierarchy, String> found = new LinkedHashMap<>();
        for (CgroupHierarchy h : used) {
            String cgroupPath = h.cgroupPath(relative);
            if (Files.isDirectory(h.directory(cgroupPath))) {
                found.put(h, cgroupPath);
            }
        }
        if (found.isEmpty()) {
            throw new CgroupException("no cgroup '" + relative + "'", "it exists in none of "
                    + used.stream().map(CgroupHierarchy::label).toList() + "; groups that exist: "
                    + existingGroups(), "create it first, or pass one of the groups that exist");
        }
        return new ProcessGroup(relative, found, false, Map.of(), Map.of());
    }

    /**
     * Creates the group {@code ergometer.slice/NAME} in every hierarchy Ergometer uses and moves the processes into
     * it (each pid's whole thread group). A pid that cannot be moved (ended, not permitted) is left out and listed in
     * {@link ProcessGroup#skippedPids()}; when no pid at all could be moved, the group is removed again and this
     * throws. An empty list of pids makes an empty group.
     *
     * @throws CgroupException when the group already exists (it is not adopted: pick another name), the tree is
     *     read-only or not writable by this user, cgroup2 does not delegate CPU accounting, or no pid could be moved
     * @throws IllegalArgumentException when the name is not a valid {@link GroupName}
     */
    public ProcessGroup create(String name, List<Long> pids) throws CgroupException {
        GroupName groupName = new GroupName(name);
        String relative = SLICE + "/" + groupName.value();
        String what = "cannot create process group " + relative;
        for (CgroupHierarchy h : used) {
            if (h.readOnly()) {
                throw new CgroupException(what, h.label() + " is mounted read-only", READ_ONLY_FIX);
            }
            if (Files.exists(h.directory(h.cgroupPath(relative)))) {
                throw new CgroupException(what, h.directory(h.cgroupPath(relative)) + " already exists",
                        "pick another name, or read the existing group with find(\"" + relative + "\") (Ergometer"
                                + " does not adopt groups it did not create, as it removes the groups it creates)");
            }
        }
        Map<Long, CgroupMembership> origins = new LinkedHashMap<>();
        Map<Long, String> skipped = new LinkedHashMap<>();
        for (long pid : pids) {
            try {
                origins.put(pid, membership(pid));
            } catch (CgroupException e) {
                skipped.put(pid, e.reason());
            }
        }
        Map<CgroupHierarchy, String> made = new LinkedHashMap<>();
        try {
            for (CgroupHierarchy h : used) {
                makeDirectory(what, h.directory(h.cgroupPath(SLICE)), true);
                makeDirectory(what, h.directory(h.cgroupPath(relative)), false);
                made.put(h, h.cgroupPath(relative));
                if (h.unified()) {
                    ensureCpuStat(what, h, relative);
                }
            }
        } catch (CgroupException | RuntimeException e) {
            removeDirectories(made);
            throw e;
        }
        Map<Long, CgroupMembership> moved = new LinkedHashMap<>();
        boolean permissionDenied = false;
        for (Map.Entry<Long, CgroupMembership> entry : origins.entrySet()) {
            String failure = move(entry.getKey(), made, entry.getValue());
            if (failure == null) {
                moved.put(entry.getKey(), entry.getValue());
            } else {
                skipped.put(entry.getKey(), failure);
                permissionDenied |= failure.contains("EACCES") || failure.contains("EPERM");
            }
        }
        if (moved.isEmpty() && !pids.isEmpty()) {
            removeDirectories(made);
            throw new CgroupException(what, "no process could be moved into it: " + describe(skipped),
                    permissionDenied ? CgroupException.NEEDS_WRITE_ACCESS : "pass the pids of running processes");
        }
        return new ProcessGroup(relative, made, true, moved, skipped);
    }

    /**
     * Opens the CPU-time counter of a group: cgroup2's {@code cpu.stat} unless the group is cgroup2's root and a v1
     * cpuacct tree holds it, else v1's {@code cpuacct.usage}.
     *
     * @throws CgroupException when the group is in neither, or the file cannot be opened
     */
    public CpuUsageCounter openCpuUsage(ProcessGroup group) throws CgroupException {
        String v2 = unified == null ? null : group.cgroupPaths().get(unified);
        String v1 = cpuacct == null ? null : group.cgroupPaths().get(cpuacct);
        boolean useV2 = v2 != null && (v1 == null || !v2.equals(unified.kernelRoot()));
        if (!useV2 && v1 == null) {
            throw new CgroupException("cannot read the CPU time of group " + group.name(), "it is in no cgroup2 tree"
                    + " and no v1 cpuacct tree (only in " + group.cgroupPaths().keySet().stream()
                    .map(CgroupHierarchy::label).toList() + ")", "mount the cpuacct controller or cgroup2");
        }
        Path directory = useV2 ? unified.directory(v2) : cpuacct.directory(v1);
        try {
            return CpuUsageCounter.open(directory, useV2);
        } catch (AccessDeniedException e) {
            throw new CgroupException("cannot read the CPU time of group " + group.name(), e.getFile()
                    + " is not readable by this user", "run as root, or through a running `erg agent`");
        } catch (NoSuchFileException e) {
            throw new CgroupException("cannot read the CPU time of group " + group.name(), e.getFile()
                    + " does not exist (the group was removed, or this kernel's cgroup2 has cpu.stat only with the"
                    + " cpu controller enabled)", "check that the group exists; on cgroup2 enable the cpu"
                    + " controller in the parent's cgroup.subtree_control");
        } catch (IOException e) {
            throw new CgroupException("cannot read the CPU time of group " + group.name(), e.toString(), "");
        }
    }

    /** The cumulative CPU time of a group in nanoseconds (opens, reads and closes its counter). */
    public long cpuNanos(ProcessGroup group) throws CgroupException {
        try (CpuUsageCounter counter = openCpuUsage(group)) {
            return counter.cpuNanos();
        }
    }

    /**
     * Removes a group {@link #create} made: moves the processes still in it back to where they came from (to the
     * hierarchy's root when that cgroup is gone or the process was not moved in by Ergometer, such as a child forked
     * inside the group; not to {@value #SLICE}, where a process would keep the slice from being removed), then
     * removes its directory in every hierarchy, retrying for up to 2 s while the kernel says it is busy, and removes
     * {@value #SLICE} once it is empty.
     *
     * @throws IllegalArgumentException when the group was not created by Ergometer
     * @throws CgroupException when a directory could not be removed; the message names each one and why
     */
    public void remove(ProcessGroup group) throws CgroupException {
        if (!group.createdByErgometer()) {
            throw new IllegalArgumentException("group " + group.name() + " was not created by Ergometer; only groups"
                    + " made by create() are removed");
        }
        List<String> failures = removeDirectories(group.cgroupPaths(), group.origins());
        if (!failures.isEmpty()) {
            throw new CgroupException("cannot remove process group " + group.name(), String.join("; ", failures),
                    failures.stream().anyMatch(f -> f.contains("EACCES") || f.contains("EPERM"))
                            ? CgroupException.NEEDS_WRITE_ACCESS
                            : "move the processes out of it and rmdir it (it holds no files of its own)");
        }
    }

    private CgroupMembership membership(String procEntry, long pid) throws CgroupException {
        Path file = paths.proc(procEntry + "/cgroup");
        List<String> lines;
        try {
            lines = Files.readAllLines(file);
        } catch (NoSuchFileException e) {
            throw new CgroupException("cannot read the cgroups of process " + pid, "process " + pid
                    + " does not exist (" + file + " is absent: it ended, or lives in another pid namespace)",
                    "pass the pid of a running process");
        } catch (IOException e) {
            throw new CgroupException("cannot read the cgroups of process " + pid, "cannot read " + file + ": " + e,
                    "run as root, or as the process's owner");
        }
        Map<CgroupHierarchy, String> result = new LinkedHashMap<>();
        for (String line : lines) {
            String[] fields = line.split(":", 3);
            if (fields.length < 3) {
                continue;
            }
            Set<String> controllers = fields[1].isEmpty() ? Set.of() : Set.of(fields[1].split(","));
            for (CgroupHierarchy h : used) {
                boolean matches = h.unified() ? fields[0].equals("0") && controllers.isEmpty()
                        : controllers.stream().anyMatch(h.controllers()::contains);
                if (matches) {
                    result.put(h, fields[2]);
                }
            }
        }
        if (result.isEmpty()) {
            throw new CgroupException("cannot read the cgroups of process " + pid, file + " names none of "
                    + used.stream().map(CgroupHierarchy::label).toList(), "");
        }
        return new CgroupMembership(pid, result);
    }

    private static void makeDirectory(String what, Path directory, boolean existingIsFine) throws CgroupException {
        int errno = CgroupSyscalls.mkdir(directory);
        if (errno == 0 || (errno == CgroupSyscalls.EEXIST && existingIsFine)) {
            return;
        }
        String reason = "mkdir " + directory + " failed with " + CgroupSyscalls.errnoName(errno);
        throw switch (errno) {
            case CgroupSyscalls.EACCES, CgroupSyscalls.EPERM ->
                    new CgroupException(what, reason + " (permission denied)", CgroupException.NEEDS_WRITE_ACCESS);
            case CgroupSyscalls.EROFS -> new CgroupException(what, reason + " (read-only file system)", READ_ONLY_FIX);
            case CgroupSyscalls.EEXIST -> new CgroupException(what, reason + " (it was created meanwhile)",
                    "pick another name");
            default -> new CgroupException(what, reason, "");
        };
    }

    /**
     * Makes sure a new cgroup2 group has {@code cpu.stat}: present without any controller since Linux 4.15 (the
     * usual case); on older kernels enables {@code +cpu} in the {@code cgroup.subtree_control} of each ancestor that
     * does not pass it on yet, when the ancestor has the cpu controller.
     */
    private static void ensureCpuStat(String what, CgroupHierarchy h, String relative) throws CgroupException {
        if (Files.exists(h.directory(h.cgroupPath(relative)).resolve("cpu.stat"))) {
            return;
        }
        String[] parts = relative.split("/");
        StringBuilder ancestor = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            Path directory = h.directory(h.cgroupPath(ancestor.toString()));
            List<String> controllers = words(directory.resolve("cgroup.controllers"));
            if (!controllers.contains("cpu")) {
                throw new CgroupException(what, "cgroup2 has no cpu.stat in the new group and the cpu controller is"
                        + " not available in " + directory + " (not delegated to it, or bound to a v1 hierarchy)",
                        "delegate the cpu controller: echo +cpu > cgroup.subtree_control of each ancestor (systemd:"
                                + " Delegate=yes), or unbind cpu from cgroup v1");
            }
            if (!words(directory.resolve("cgroup.subtree_control")).contains("cpu")) {
                int errno = CgroupSyscalls.write(directory.resolve("cgroup.subtree_control"), "+cpu");
                if (errno != 0) {
                    throw new CgroupException(what, "enabling the cpu controller in " + directory
                            + "/cgroup.subtree_control failed with " + CgroupSyscalls.errnoName(errno)
                            + (errno == CgroupSyscalls.EBUSY ? " (that cgroup holds processes itself)" : ""),
                            errno == CgroupSyscalls.EACCES || errno == CgroupSyscalls.EPERM
                                    ? CgroupException.NEEDS_WRITE_ACCESS
                                    : "delegate the cpu controller to " + directory + " (systemd: Delegate=yes)");
                }
            }
            ancestor.append(i == 0 ? "" : "/").append(parts[i]);
        }
    }

    /** Moves one pid into the group in every hierarchy; on failure moves it back and returns why, else null. */
    private String move(long pid, Map<CgroupHierarchy, String> group, CgroupMembership origin) {
        List<CgroupHierarchy> done = new ArrayList<>();
        for (Map.Entry<CgroupHierarchy, String> entry : group.entrySet()) {
            CgroupHierarchy h = entry.getKey();
            Path procs = h.directory(entry.getValue()).resolve("cgroup.procs");
            int errno = CgroupSyscalls.write(procs, Long.toString(pid));
            if (errno != 0) {
                for (CgroupHierarchy back : done) {
                    CgroupSyscalls.write(returnDirectory(back, origin).resolve("cgroup.procs"), Long.toString(pid));
                }
                return switch (errno) {
                    case CgroupSyscalls.ESRCH -> "process " + pid + " does not exist (it ended)";
                    case CgroupSyscalls.EACCES, CgroupSyscalls.EPERM -> "not allowed to move process " + pid
                            + " (writing " + procs + " failed with " + CgroupSyscalls.errnoName(errno) + ")";
                    case CgroupSyscalls.EROFS -> procs + " is on a read-only file system";
                    default -> "moving process " + pid + " into " + procs + " failed with "
                            + CgroupSyscalls.errnoName(errno);
                };
            }
            done.add(h);
        }
        return null;
    }

    private Path returnDirectory(CgroupHierarchy h, CgroupMembership origin) {
        if (origin != null) {
            String path = origin.cgroupPaths().get(h);
            if (path != null) {
                try {
                    Path directory = h.directory(path);
                    if (Files.isDirectory(directory)) {
                        return directory;
                    }
                } catch (IllegalArgumentException outsideMount) {
                    // fall through to the root
                }
            }
        }
        return h.directory(h.kernelRoot());
    }

    private void removeDirectories(Map<CgroupHierarchy, String> group) {
        removeDirectories(group, Map.of());
    }

    private List<String> removeDirectories(Map<CgroupHierarchy, String> group, Map<Long, CgroupMembership> origins) {
        List<String> failures = new ArrayList<>();
        for (Map.Entry<CgroupHierarchy, String> entry : group.entrySet()) {
            CgroupHierarchy h = entry.getKey();
            Path directory = h.directory(entry.getValue());
            long deadline = System.nanoTime() + REMOVE_RETRY_NANOS;
            while (true) {
                List<String> moveFailures = moveOut(h, directory, origins);
                int errno = CgroupSyscalls.rmdir(directory);
                if (errno == 0 || errno == CgroupSyscalls.ENOENT) {
                    break;
                }
                if (errno != CgroupSyscalls.EBUSY || System.nanoTime() > deadline) {
                    failures.add("rmdir " + directory + " failed with " + CgroupSyscalls.errnoName(errno)
                            + (moveFailures.isEmpty() ? "" : " after " + String.join(", ", moveFailures)));
                    break;
                }
                sleepBriefly();
            }
            CgroupSyscalls.rmdir(h.directory(h.cgroupPath(SLICE)));
        }
        return failures;
    }

    /** Moves every process listed in a group's cgroup.procs back where it came from; returns what failed. */
    private List<String> moveOut(CgroupHierarchy h, Path directory, Map<Long, CgroupMembership> origins) {
        List<String> failures = new ArrayList<>();
        for (String word : words(directory.resolve("cgroup.procs"))) {
            long pid = Long.parseLong(word);
            Path target = returnDirectory(h, origins.get(pid)).resolve("cgroup.procs");
            int errno = CgroupSyscalls.write(target, word);
            if (errno != 0 && errno != CgroupSyscalls.ESRCH) {
                failures.add("moving process " + pid + " to " + target + " failed with "
                        + CgroupSyscalls.errnoName(errno));
            }
        }
        return failures;
    }

    private String existingGroups() {
        Path root = used.getFirst().directory(used.getFirst().kernelRoot());
        List<String> groups = new ArrayList<>();
        try (Stream<Path> slices = Files.list(root)) {
            for (Path slice : slices.filter(Files::isDirectory).sorted().toList()) {
                groups.add(root.relativize(slice).toString());
                try (Stream<Path> children = Files.list(slice)) {
                    children.filter(Files::isDirectory).sorted()
                            .forEach(child -> groups.add(root.relativize(child).toString()));
                }
            }
        } catch (IOException e) {
            return "(cannot list " + root + ": " + e + ")";
        }
        if (groups.isEmpty()) {
            return "none under " + root;
        }
        return groups.size() > 40 ? String.join(", ", groups.subList(0, 40)) + ", ... (" + groups.size() + " in all)"
                : String.join(", ", groups);
    }

    private static String validRelativePath(String relativePath) {
        String trimmed = relativePath.replaceAll("^/+|/+$", "");
        if (trimmed.isEmpty()) {
            throw new IllegalArgumentException("a group path names at least one cgroup (\"slice/group\"), got '"
                    + relativePath + "'");
        }
        for (String part : trimmed.split("/")) {
            try {
                new GroupName(part);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("invalid group path '" + relativePath + "': " + e.getMessage(), e);
            }
        }
        return trimmed;
    }

    private static String describe(Map<Long, String> skipped) {
        return String.join("; ", skipped.values());
    }

    private static List<String> words(Path file) {
        try {
            String text = Files.readString(file).strip();
            return text.isEmpty() ? List.of() : List.of(text.split("\\s+"));
        } catch (IOException e) {
            return List.of();
        }
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(RETRY_SLEEP_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
