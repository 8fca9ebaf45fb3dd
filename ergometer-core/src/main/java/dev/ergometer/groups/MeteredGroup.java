package dev.ergometer.groups;

import java.util.Objects;

/**
 * A process group whose energy a {@link ProcessGroups} follows (vJoule's {@code ProcessGroup}): its consumption since
 * it was tracked, answered at once from the attribution state kept in this process or by the running agent.
 *
 * <p>Valid until its {@link ProcessGroups} is closed or {@linkplain ProcessGroups#remove removes} it.
 */
public final class MeteredGroup {

    private final GroupsBackend backend;
    private final ProcessGroup cgroup;
    private final boolean createdHere;

    MeteredGroup(GroupsBackend backend, ProcessGroup cgroup, boolean createdHere) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.cgroup = Objects.requireNonNull(cgroup, "cgroup");
        this.createdHere = createdHere;
    }

    /** How the group was asked for: {@code slice/group} or {@code ergometer.slice/NAME} ({@code this-PID}). */
    public String name() {
        return cgroup.name();
    }

    /** The cgroups behind the group. */
    public ProcessGroup cgroup() {
        return cgroup;
    }

    /** True when this {@link ProcessGroups} created the group (and removes it on close). */
    public boolean createdHere() {
        return createdHere;
    }

    /**
     * The group's energy since it was tracked, up to now (vJoule's {@code getCurrentConsumption}); through the agent,
     * since the agent began following it.
     *
     * @throws IllegalStateException when the group was removed, or the agent refused or could not be reached
     */
    public Consumption consumption() {
        return backend.consumption(this);
    }

    /** The CPU time the group's processes used since it was tracked, in ns, read from its cgroup just now. */
    public long cpuNanos() {
        return backend.cpuNanos(this);
    }

    GroupsBackend backend() {
        return backend;
    }

    @Override
    public String toString() {
        return "MeteredGroup[" + cgroup.name() + "]";
    }
}
