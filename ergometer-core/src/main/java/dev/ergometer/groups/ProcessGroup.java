package dev.ergometer.groups;

import java.util.Map;
import java.util.Objects;

/**
 * A group of processes whose CPU usage can be read: a cgroup present in one or more of the hierarchies Ergometer
 * uses, either found (an existing cgroup, the cgroup of a process) or created by {@link CgroupFs#create}.
 *
 * @param name how the group was asked for: {@code this}, {@code slice/group}, or {@code ergometer.slice/NAME}
 * @param cgroupPaths the kernel path of the group in each hierarchy where it exists
 * @param createdByErgometer true only for groups {@link CgroupFs#create} made, the only ones
 *     {@link CgroupFs#remove} removes
 * @param origins for a created group, where each moved process came from (where {@link CgroupFs#remove} moves
 *     back the processes still in the group)
 * @param skippedPids for a created group, the pids that could not be moved in, each with the reason
 */
public record ProcessGroup(String name, Map<CgroupHierarchy, String> cgroupPaths, boolean createdByErgometer,
        Map<Long, CgroupMembership> origins, Map<Long, String> skippedPids) {

    public ProcessGroup {
        Objects.requireNonNull(name, "name");
        cgroupPaths = Map.copyOf(cgroupPaths);
        origins = Map.copyOf(origins);
        skippedPids = Map.copyOf(skippedPids);
        if (cgroupPaths.isEmpty()) {
            throw new IllegalArgumentException("process group " + name + " exists in no cgroup hierarchy");
        }
    }
}
