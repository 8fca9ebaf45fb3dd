package dev.ergometer.groups;

import java.util.List;

/**
 * Where a {@link ProcessGroups} gets its answers: in this process ({@link LocalGroups}, over its own sampler and the
 * cgroup tree) or from a running {@code erg agent} over its Unix socket ({@link AgentGroups}).
 */
sealed interface GroupsBackend permits LocalGroups, AgentGroups {

    ProcessGroups.Backend kind();

    /** One line for people: which backend, where, and which source. */
    String describe();

    String sourceName();

    boolean estimated();

    Consumption machine();

    Consumption idle();

    Consumption unattributed();

    ProcessGroups.Balance balance();

    /** An existing cgroup by its path relative to the hierarchies' roots. */
    MeteredGroup find(String relativePath) throws CgroupException;

    /** The group {@code this} of process {@code pid}: {@code ergometer.slice/this-PID}, made when needed. */
    MeteredGroup thisGroup(long pid) throws CgroupException;

    MeteredGroup create(String name, long[] pids) throws CgroupException;

    /** Stops following a group; removes its cgroup when this backend created it. */
    void remove(MeteredGroup group) throws CgroupException;

    List<MeteredGroup> groups();

    Consumption consumption(MeteredGroup group);

    long cpuNanos(MeteredGroup group);

    /** Removes the groups this backend created and releases everything; throws when a group could not be removed. */
    void close();
}
