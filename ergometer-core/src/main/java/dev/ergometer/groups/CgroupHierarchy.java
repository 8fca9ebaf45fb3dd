package dev.ergometer.groups;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;

/**
 * One mounted cgroup hierarchy: the cgroup2 (unified) tree, or a cgroup v1 tree with its controllers
 * ({@code cpuacct}, {@code cpu}, or both co-mounted as {@code cpu,cpuacct}).
 *
 * @param mountPoint where the hierarchy is mounted, resolved under {@link dev.ergometer.source.SystemPaths}
 * @param kernelRoot the cgroup shown at the mount point ({@code /} unless a sub-tree is bind-mounted, as in some
 *     containers); the cgroup paths of {@code /proc/PID/cgroup} start with it
 * @param unified true for cgroup2
 * @param controllers the v1 controllers of this hierarchy (and {@code name=...} for named ones); empty for cgroup2
 * @param readOnly true when the mount is read-only (usual inside containers)
 */
public record CgroupHierarchy(Path mountPoint, String kernelRoot, boolean unified, Set<String> controllers,
        boolean readOnly) {

    public CgroupHierarchy {
        Objects.requireNonNull(mountPoint, "mountPoint");
        Objects.requireNonNull(kernelRoot, "kernelRoot");
        controllers = Set.copyOf(controllers);
        if (!kernelRoot.startsWith("/")) {
            throw new IllegalArgumentException("a cgroup root is an absolute cgroup path, got '" + kernelRoot + "'");
        }
    }

    /** True when this is a v1 hierarchy holding {@code controller}. */
    public boolean has(String controller) {
        return !unified && controllers.contains(controller);
    }

    /**
     * The directory of a cgroup given by its kernel path (as in {@code /proc/PID/cgroup}, for example
     * {@code /ergometer.slice/build}).
     *
     * @throws IllegalArgumentException when the cgroup lies outside the part of the hierarchy mounted here
     */
    public Path directory(String cgroupPath) {
        String relative;
        if (kernelRoot.equals("/")) {
            relative = cgroupPath;
        } else if (cgroupPath.equals(kernelRoot) || cgroupPath.startsWith(kernelRoot + "/")) {
            relative = cgroupPath.substring(kernelRoot.length());
        } else {
            throw new IllegalArgumentException("cgroup " + cgroupPath + " is outside " + kernelRoot
                    + ", the part of the hierarchy mounted at " + mountPoint);
        }
        String stripped = relative.replaceAll("^/+", "");
        return stripped.isEmpty() ? mountPoint : mountPoint.resolve(stripped);
    }

    /** The kernel path of a cgroup given relative to the mounted root ({@code ergometer.slice/build}). */
    public String cgroupPath(String relative) {
        String base = kernelRoot.equals("/") ? "" : kernelRoot;
        return relative.isEmpty() ? (base.isEmpty() ? "/" : base) : base + "/" + relative;
    }

    /** How this hierarchy reads in messages: {@code cgroup2 at ...} or {@code cgroup v1 (cpu,cpuacct) at ...}. */
    public String label() {
        return unified ? "cgroup2 at " + mountPoint
                : "cgroup v1 (" + String.join(",", controllers.stream().sorted().toList()) + ") at " + mountPoint;
    }
}
