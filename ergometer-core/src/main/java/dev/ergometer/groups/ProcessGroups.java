package dev.ergometer.groups;

import dev.ergometer.attribution.Attribution;
import dev.ergometer.attribution.ClockTicks;
import dev.ergometer.attribution.DomainShare;
import dev.ergometer.model.Domain;
import dev.ergometer.model.Resource;
import dev.ergometer.sampler.EnergyInterval;
import dev.ergometer.sampler.EnergySnapshot;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.EnergySources;
import dev.ergometer.source.SourceFactory;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.model.ProcStatCpuLine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * vJoule's process-group API, in process: the machine's energy and the energy of process groups (cgroups) since they
 * were tracked, per component (CPU, RAM, GPU), answered at once.
 *
 * <p>Opening starts a {@link Sampler} over the best energy source and an attribution loop that, every interval (and
 * at every query), splits each domain's energy with {@link Attribution#split}: an idle part, the groups' parts by
 * their cgroup CPU time over the node's busy time, and the rest (work outside the groups). Each group accumulates its
 * parts from the moment it is tracked, so {@code machine == idle + groups + unattributed} exactly, in microjoules,
 * at every moment. A process that ends keeps its energy: its CPU time stays in its cgroup's counter.
 *
 * <p>The model's limits: RAM and GPU energy are shared by CPU time too (per-process GPU utilisation from NVML is
 * later work); groups must not nest (a nested group's CPU time would be counted twice and every share scaled down);
 * see docs/attribution.md.
 *
 * <pre>{@code
 * try (ProcessGroups api = ProcessGroups.open()) {
 *     MeteredGroup self = api.group("this");
 *     Consumption machineBefore = api.machine();
 *     Consumption selfBefore = self.consumption();
 *     work();
 *     Consumption machineUsed = api.machine().minus(machineBefore);
 *     Consumption selfUsed = self.consumption().minus(selfBefore);
 *     System.out.println(selfUsed + " = " + selfUsed.percentOf(machineUsed).cpuPercent() + " % of " + machineUsed);
 * }
 * }</pre>
 *
 * <p>Creating groups (and {@code this}) needs write access to the cgroup tree: root, or later a running
 * {@code erg agent}. Thread-safe.
 */
public final class ProcessGroups implements AutoCloseable {

    /** The name of the group holding the current process. */
    public static final String THIS = "this";

    private static final int CPU = 0;
    private static final int RAM = 1;
    private static final int GPU = 2;
    private static final int NONE = -1;

    private final EnergySource source;
    private final Sampler sampler;
    private final CgroupFs cgroups;
    private final ProcStatCpuLine node;
    private final long nanosPerTick;
    private final int[] componentOfDomain;
    private final EnergySnapshot opened;
    private final long[] idleMicrojoules;
    private final long[] unattributedMicrojoules;
    private final Map<String, MeteredGroup> groups = new LinkedHashMap<>();
    private final long intervalNanos;
    private final Thread loop;
    private volatile boolean running = true;
    private EnergySnapshot previousEnergy;
    private long previousBusyTicks;
    private long previousTotalTicks;
    private RuntimeException failure;
    private boolean closed;

    private ProcessGroups(EnergySource source, Sampler sampler, CgroupFs cgroups, ProcStatCpuLine node,
            long intervalNanos) {
        this.source = source;
        this.sampler = sampler;
        this.cgroups = cgroups;
        this.node = node;
        this.nanosPerTick = 1_000_000_000L / ClockTicks.perSecond();
        this.intervalNanos = intervalNanos;
        List<Domain> domains = sampler.domains();
        this.componentOfDomain = components(domains);
        this.idleMicrojoules = new long[domains.size()];
        this.unattributedMicrojoules = new long[domains.size()];
        node.read();
        previousBusyTicks = node.busyTicks();
        previousTotalTicks = node.totalTicks();
        opened = sampler.sample();
        previousEnergy = opened;
        loop = Thread.ofPlatform().daemon().name("ergometer-process-groups").start(this::run);
    }

    /**
     * Opens the API on this machine: the best energy source ({@link EnergySources#openBest}) over
     * {@link SystemPaths#fromEnvironment()}, the cgroup trees, and an attribution interval of one second.
     *
     * @throws SourceUnavailableException when no energy source can be used (the message lists why for each)
     * @throws CgroupException when no usable cgroup tree is mounted
     * @throws IOException when {@code /proc/stat} cannot be opened
     */
    public static ProcessGroups open() throws SourceUnavailableException, CgroupException, IOException {
        return open(SystemPaths.fromEnvironment(), EnergySources.all(), Ticker.system());
    }

    /** Like {@link #open()}, over the given roots, choosing among the given source factories, on the given clock. */
    public static ProcessGroups open(SystemPaths paths, List<SourceFactory> factories, Ticker ticker)
            throws SourceUnavailableException, CgroupException, IOException {
        return open(paths, factories, ticker, Sampler.DEFAULT_INTERVAL_NANOS);
    }

    /**
     * Like {@link #open(SystemPaths, List, Ticker)}, attributing every {@code intervalNanos} in the background (and
     * at every query).
     */
    public static ProcessGroups open(SystemPaths paths, List<SourceFactory> factories, Ticker ticker,
            long intervalNanos) throws SourceUnavailableException, CgroupException, IOException {
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("the attribution interval must be > 0 ns, got " + intervalNanos);
        }
        CgroupFs cgroups = CgroupFs.discover(paths);
        EnergySource source = EnergySources.openBest(factories, paths, ticker).source();
        Sampler sampler = null;
        ProcStatCpuLine node = null;
        try {
            sampler = new Sampler(source, ticker, intervalNanos).start();
            node = ProcStatCpuLine.open(paths.proc("stat"));
            return new ProcessGroups(source, sampler, cgroups, node, intervalNanos);
        } catch (IOException | RuntimeException e) {
            if (node != null) {
                node.close();
            }
            if (sampler != null) {
                sampler.close();
            }
            source.close();
            throw e;
        }
    }

    /** The energy source measured (its name, whether it is estimated). */
    public EnergySource source() {
        return source;
    }

    /** The cgroup trees groups are found and created in. */
    public CgroupFs cgroups() {
        return cgroups;
    }

    /** The machine's energy since this API was opened (vJoule's {@code getCurrentMachineConsumption}). */
    public synchronized Consumption machine() {
        attribute();
        long[] total = new long[componentOfDomain.length];
        for (int d = 0; d < total.length; d++) {
            total[d] = previousEnergy.totalMicrojoules(d) - opened.totalMicrojoules(d);
        }
        return consumption(total);
    }

    /** The part of the machine's energy spent while the CPUs were idle, since this API was opened. */
    public synchronized Consumption idle() {
        attribute();
        return consumption(idleMicrojoules);
    }

    /**
     * The machine's active energy no group was given since this API was opened: work outside the groups, energy
     * from before a group was tracked, and rounding remainders. {@code machine = idle + groups + unattributed}.
     */
    public synchronized Consumption unattributed() {
        attribute();
        return consumption(unattributedMicrojoules);
    }

    /**
     * The machine's energy since this API was opened and how it splits, all at one moment:
     * {@code machine == idle + sum(groups) + unattributed}, exactly, component by component.
     */
    public synchronized Balance balance() {
        Consumption machine = machine();
        Map<String, Consumption> byGroup = new LinkedHashMap<>();
        groups.forEach((name, group) -> byGroup.put(name, consumption(group.microjoules)));
        return new Balance(machine, consumption(idleMicrojoules), consumption(unattributedMicrojoules), byGroup);
    }

    /**
     * How the machine's energy since a {@link ProcessGroups} was opened splits, at one moment.
     *
     * @param machine the machine's energy
     * @param idle the part spent while the CPUs were idle
     * @param unattributed the active part no group was given
     * @param groups each tracked group's part, by name, in the order they were asked for
     */
    public record Balance(Consumption machine, Consumption idle, Consumption unattributed,
            Map<String, Consumption> groups) {
        public Balance {
            groups = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(groups));
        }
    }

    /**
     * A group by name (vJoule's {@code getGroup}): {@value #THIS} for the current process, else an existing cgroup
     * by its path from the hierarchies' roots ({@code "slice/group"}). Its consumption counts from now; asking twice
     * for the same name gives the same group.
     *
     * <p>{@value #THIS} is a real group, as in vJoule: {@code ergometer.slice/this-PID}, created and this JVM moved
     * into it (and back on {@link #close()}). When another {@code ProcessGroups} of this JVM already made it, that
     * group is used (and left to its maker to remove).
     *
     * @throws CgroupException when the cgroup does not exist, or creating {@code this} is not permitted (run as root,
     *     or through {@code erg agent}, coming)
     */
    public synchronized MeteredGroup group(String name) throws CgroupException {
        ensureOpen();
        if (name.equals(THIS)) {
            long pid = ProcessHandle.current().pid();
            String relative = CgroupFs.SLICE + "/" + THIS + "-" + pid;
            MeteredGroup known = groups.get(relative);
            if (known != null) {
                return known;
            }
            boolean alreadyThere = cgroups.membership(pid).cgroupPaths().entrySet().stream()
                    .anyMatch(e -> e.getValue().equals(e.getKey().cgroupPath(relative)));
            return track(alreadyThere ? cgroups.find(relative) : cgroups.create(THIS + "-" + pid, List.of(pid)));
        }
        String relative = name.replaceAll("^/+|/+$", "");
        MeteredGroup known = groups.get(relative);
        return known != null ? known : track(cgroups.find(relative));
    }

    /**
     * Creates the group {@code ergometer.slice/NAME} with the given processes (vJoule's {@code createGroup}); its
     * consumption counts from now. {@link #close()} removes it and moves its processes back.
     *
     * @throws CgroupException when it exists already, no pid could be moved, or the tree is not writable by this
     *     user (run as root, or through {@code erg agent}, coming)
     * @throws IllegalArgumentException when the name is not a valid {@link GroupName}
     */
    public synchronized MeteredGroup createGroup(String name, long... pids) throws CgroupException {
        ensureOpen();
        List<Long> list = Arrays.stream(pids).boxed().toList();
        return track(cgroups.create(name, list));
    }

    /** The groups tracked, in the order they were asked for. */
    public synchronized List<MeteredGroup> groups() {
        return List.copyOf(groups.values());
    }

    private MeteredGroup track(ProcessGroup cgroup) throws CgroupException {
        CpuUsageCounter counter;
        try {
            counter = cgroups.openCpuUsage(cgroup);
        } catch (CgroupException e) {
            removeQuietly(cgroup);
            throw e;
        }
        try {
            attribute();
            MeteredGroup group = new MeteredGroup(this, cgroup, counter, componentOfDomain.length);
            groups.put(cgroup.name(), group);
            return group;
        } catch (RuntimeException e) {
            counter.close();
            removeQuietly(cgroup);
            throw e;
        }
    }

    synchronized Consumption consumptionOf(MeteredGroup group) {
        attribute();
        return consumption(group.microjoules);
    }

    synchronized long cpuNanosOf(MeteredGroup group) {
        attribute();
        return group.cpuNanos;
    }

    /** Splits the energy since the previous call among idle, the groups and the rest; accumulates the parts. */
    private void attribute() {
        ensureOpen();
        if (failure != null) {
            throw failure;
        }
        List<MeteredGroup> tracked = List.copyOf(groups.values());
        long[] cpu = new long[tracked.size()];
        for (int i = 0; i < cpu.length; i++) {
            MeteredGroup g = tracked.get(i);
            long now = g.counter.cpuNanos();
            cpu[i] = Math.max(0, now - g.previousCpuNanos);
            g.previousCpuNanos = now;
            g.cpuNanos += cpu[i];
        }
        node.read();
        long busyTicks = Math.max(0, node.busyTicks() - previousBusyTicks);
        long totalTicks = Math.max(busyTicks, node.totalTicks() - previousTotalTicks);
        previousBusyTicks = node.busyTicks();
        previousTotalTicks = node.totalTicks();
        EnergySnapshot now = sampler.sample();
        EnergyInterval energy = now.minus(previousEnergy);
        previousEnergy = now;
        for (int d = 0; d < componentOfDomain.length; d++) {
            DomainShare share = Attribution.split(energy.microjoules(d), busyTicks * nanosPerTick,
                    totalTicks * nanosPerTick, cpu);
            idleMicrojoules[d] += share.idleMicrojoules();
            unattributedMicrojoules[d] += share.unattributedMicrojoules();
            for (int i = 0; i < cpu.length; i++) {
                tracked.get(i).microjoules[d] += share.consumerMicrojoules(i);
            }
        }
    }

    private Consumption consumption(long[] perDomain) {
        long[] components = new long[3];
        for (int d = 0; d < perDomain.length; d++) {
            if (componentOfDomain[d] != NONE) {
                components[componentOfDomain[d]] += perDomain[d];
            }
        }
        return new Consumption(previousEnergy.timeNanos(), components[CPU], components[RAM], components[GPU],
                source.estimated());
    }

    /**
     * Which component each domain counts in: packages as CPU (or, without packages, psys, else the machine domain),
     * DRAM as RAM, GPUs as GPU; cores and uncore are parts of their package and count in none.
     */
    private static int[] components(List<Domain> domains) {
        boolean packages = domains.stream().anyMatch(d -> d.resource() instanceof Resource.Package);
        boolean psys = domains.stream().anyMatch(d -> d.resource() instanceof Resource.Psys);
        int[] components = new int[domains.size()];
        for (int d = 0; d < components.length; d++) {
            components[d] = switch (domains.get(d).resource()) {
                case Resource.Package p -> CPU;
                case Resource.Psys p -> packages ? NONE : CPU;
                case Resource.Machine m -> packages || psys ? NONE : CPU;
                case Resource.Dram r -> RAM;
                case Resource.Gpu g -> GPU;
                default -> NONE;
            };
        }
        return components;
    }

    private void run() {
        long next = System.nanoTime() + intervalNanos;
        while (running) {
            LockSupport.parkNanos(next - System.nanoTime());
            if (!running) {
                return;
            }
            synchronized (this) {
                if (closed) {
                    return;
                }
                try {
                    attribute();
                } catch (RuntimeException e) {
                    failure = e;
                    return;
                }
            }
            next += intervalNanos;
            long now = System.nanoTime();
            if (next < now) {
                next = now + intervalNanos;
            }
        }
    }

    private void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("this ProcessGroups is closed; open a new one");
        }
    }

    private void removeQuietly(ProcessGroup cgroup) {
        if (cgroup.createdByErgometer()) {
            try {
                cgroups.remove(cgroup);
            } catch (CgroupException ignored) {
                // the error being reported matters more; the group's path is in it
            }
        }
    }

    /**
     * Removes exactly the groups this object created (moving their processes back where they came from), and closes
     * the sampler and the source. Groups found, not created, are left alone.
     *
     * @throws IllegalStateException when a created group could not be removed; everything else is closed first
     */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(loop);
        try {
            loop.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<String> failures = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            for (MeteredGroup group : groups.values()) {
                group.counter.close();
                if (group.createdHere()) {
                    try {
                        cgroups.remove(group.cgroup());
                    } catch (CgroupException e) {
                        failures.add(e.getMessage());
                    }
                }
            }
            sampler.close();
            node.close();
            source.close();
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("could not remove every group this ProcessGroups created: "
                    + String.join("; ", failures));
        }
    }
}
