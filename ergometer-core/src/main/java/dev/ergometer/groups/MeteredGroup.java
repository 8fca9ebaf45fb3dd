package dev.ergometer.groups;

/**
 * A process group whose energy a {@link ProcessGroups} follows (vJoule's {@code ProcessGroup}): its consumption since
 * it was tracked, answered at once from the attribution state kept by its {@link ProcessGroups}.
 *
 * <p>Valid until its {@link ProcessGroups} is closed.
 */
public final class MeteredGroup {

    private final ProcessGroups owner;
    private final ProcessGroup cgroup;
    final CpuUsageCounter counter;
    final long[] microjoules;
    long previousCpuNanos;
    long cpuNanos;

    MeteredGroup(ProcessGroups owner, ProcessGroup cgroup, CpuUsageCounter counter, int domains) {
        this.owner = owner;
        this.cgroup = cgroup;
        this.counter = counter;
        this.microjoules = new long[domains];
        this.previousCpuNanos = counter.cpuNanos();
    }

    /** How the group was asked for: {@code this}, {@code slice/group} or {@code ergometer.slice/NAME}. */
    public String name() {
        return cgroup.name();
    }

    /** The cgroups behind the group. */
    public ProcessGroup cgroup() {
        return cgroup;
    }

    /** True when {@link ProcessGroups} created the group (and removes it on close). */
    public boolean createdHere() {
        return cgroup.createdByErgometer();
    }

    /** The group's energy since it was tracked, up to now (vJoule's {@code getCurrentConsumption}). */
    public Consumption consumption() {
        return owner.consumptionOf(this);
    }

    /** The CPU time the group's processes used since it was tracked, in ns, read from its cgroup just now. */
    public long cpuNanos() {
        return owner.cpuNanosOf(this);
    }

    @Override
    public String toString() {
        return "MeteredGroup[" + cgroup.name() + "]";
    }
}
