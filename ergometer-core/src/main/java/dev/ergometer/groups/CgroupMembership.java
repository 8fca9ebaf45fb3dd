package dev.ergometer.groups;

import java.util.Map;

/**
 * The cgroups a process belongs to in the hierarchies Ergometer uses, as read from {@code /proc/PID/cgroup}.
 *
 * @param pid the process
 * @param cgroupPaths the kernel path of its cgroup in each hierarchy ({@code /} for the root)
 */
public record CgroupMembership(long pid, Map<CgroupHierarchy, String> cgroupPaths) {

    public CgroupMembership {
        cgroupPaths = Map.copyOf(cgroupPaths);
    }
}
