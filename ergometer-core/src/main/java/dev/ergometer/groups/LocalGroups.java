package dev.ergometer.groups;

import dev.ergometer.attribution.Attribution;
import dev.ergometer.attribution.ClockTicks;
import dev.ergometer.attribution.DomainShare;
import dev.ergometer.attribution.GpuShares;
import dev.ergometer.model.Domain;
import dev.ergometer.model.Resource;
import dev.ergometer.sampler.EnergyInterval;
import dev.ergometer.sampler.EnergySnapshot;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.model.ProcStatCpuLine;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * The process-group engine in this process: a {@link Sampler}, the node's CPU time from {@code /proc/stat}, the
 * groups' cgroup CPU time, and an attribution loop that, every interval (and at every query), splits each domain's
 * energy with {@link Attribution#split} into idle, the groups' parts and the rest. GPU energy is split by the groups'
 * processes' GPU utilisation ({@link GpuShares}, from NVML), never by CPU time: without per-process utilisation it stays
 * unattributed. Thread-safe.
 */
final class LocalGroups implements GroupsBackend {

    private static final int CPU = 0;
    private static final int RAM = 1;
    private static final int GPU = 2;
    private static final int NONE = -1;

    private final EnergySource source;
    private final Sampler sampler;
    private final boolean ownsSampler;
    private final CgroupFs cgroups;
    private final ProcStatCpuLine node;
    private final long nanosPerTick;
    private final int[] componentOfDomain;
    private final GpuShares gpus;
    private final EnergySnapshot opened;
    private final long[] idleMicrojoules;
    private final long[] unattributedMicrojoules;
    private final long[] removedMicrojoules;
    private final Map<String, Account> accounts = new LinkedHashMap<>();
    private final long intervalNanos;
    private final Thread loop;
    private volatile boolean running = true;
    private EnergySnapshot previousEnergy;
    private long previousBusyTicks;
    private long previousTotalTicks;
    private RuntimeException failure;
    private boolean closed;

    /** One followed group and what it has been given so far. */
    private static final class Account {
        final MeteredGroup group;
        final CpuUsageCounter counter;
        final long[] microjoules;
        long previousCpuNanos;
        long cpuNanos;

        Account(MeteredGroup group, CpuUsageCounter counter, int domains) {
            this.group = group;
            this.counter = counter;
            this.microjoules = new long[domains];
            this.previousCpuNanos = counter.cpuNanos();
        }
    }

    /**
     * Starts the engine; {@code ownsSampler} says whether {@link #close()} closes the sampler and its source (false
     * when they are shared with the caller, as the agent shares its own).
     */
    LocalGroups(Sampler sampler, boolean ownsSampler, CgroupFs cgroups, ProcStatCpuLine node, long intervalNanos) {
        this.source = sampler.source();
        this.sampler = sampler;
        this.ownsSampler = ownsSampler;
        this.cgroups = cgroups;
        this.node = node;
        this.nanosPerTick = 1_000_000_000L / ClockTicks.perSecond();
        this.intervalNanos = intervalNanos;
        List<Domain> domains = sampler.domains();
        this.componentOfDomain = components(domains);
        this.gpus = GpuShares.of(source);
        this.idleMicrojoules = new long[domains.size()];
        this.unattributedMicrojoules = new long[domains.size()];
        this.removedMicrojoules = new long[domains.size()];
        node.read();
        previousBusyTicks = node.busyTicks();
        previousTotalTicks = node.totalTicks();
        gpus.baseline();
        opened = sampler.sample();
        previousEnergy = opened;
        loop = Thread.ofPlatform().daemon().name("ergometer-process-groups").start(this::run);
    }

    @Override
    public ProcessGroups.Backend kind() {
        return ProcessGroups.Backend.IN_PROCESS;
    }

    @Override
    public String describe() {
        return "in-process, source " + source.name() + (source.estimated() ? " (estimated)" : "") + ", "
                + cgroups.layout().name().toLowerCase(java.util.Locale.ROOT) + " cgroups";
    }

    EnergySource source() {
        return source;
    }

    CgroupFs cgroups() {
        return cgroups;
    }

    @Override
    public String sourceName() {
        return source.name();
    }

    @Override
    public boolean estimated() {
        return source.estimated();
    }

    @Override
    public synchronized Consumption machine() {
        attribute();
        long[] total = new long[componentOfDomain.length];
        for (int d = 0; d < total.length; d++) {
            total[d] = previousEnergy.totalMicrojoules(d) - opened.totalMicrojoules(d);
        }
        return consumption(total);
    }

    @Override
    public synchronized Consumption idle() {
        attribute();
        return consumption(idleMicrojoules);
    }

    @Override
    public synchronized Consumption unattributed() {
        attribute();
        return consumption(unattributedMicrojoules);
    }

    @Override
    public synchronized ProcessGroups.Balance balance() {
        Consumption machine = machine();
        Map<String, Consumption> byGroup = new LinkedHashMap<>();
        accounts.forEach((name, account) -> byGroup.put(name, consumption(account.microjoules)));
        return new ProcessGroups.Balance(machine, consumption(idleMicrojoules), consumption(unattributedMicrojoules),
                byGroup, consumption(removedMicrojoules));
    }

    @Override
    public synchronized MeteredGroup find(String relativePath) throws CgroupException {
        ensureOpen();
        String relative = relativePath.replaceAll("^/+|/+$", "");
        Account known = accounts.get(relative);
        return known != null ? known.group : track(cgroups.find(relative));
    }

    @Override
    public synchronized MeteredGroup thisGroup(long pid) throws CgroupException {
        ensureOpen();
        String relative = CgroupFs.SLICE + "/" + ProcessGroups.THIS + "-" + pid;
        Account known = accounts.get(relative);
        if (known != null) {
            return known.group;
        }
        boolean alreadyThere = cgroups.membership(pid).cgroupPaths().entrySet().stream()
                .anyMatch(e -> e.getValue().equals(e.getKey().cgroupPath(relative)));
        return track(alreadyThere ? cgroups.find(relative)
                : cgroups.create(ProcessGroups.THIS + "-" + pid, List.of(pid)));
    }

    @Override
    public synchronized MeteredGroup create(String name, long[] pids) throws CgroupException {
        ensureOpen();
        return track(cgroups.create(name, Arrays.stream(pids).boxed().toList()));
    }

    @Override
    public synchronized void remove(MeteredGroup group) throws CgroupException {
        ensureOpen();
        Account account = accounts.get(group.name());
        if (account == null || account.group != group) {
            throw new IllegalArgumentException(group + " is not followed by this ProcessGroups (removed already, or"
                    + " from another one)");
        }
        attribute();
        accounts.remove(group.name());
        for (int d = 0; d < removedMicrojoules.length; d++) {
            removedMicrojoules[d] += account.microjoules[d];
        }
        account.counter.close();
        if (group.createdHere()) {
            cgroups.remove(group.cgroup());
        }
    }

    @Override
    public synchronized List<MeteredGroup> groups() {
        return accounts.values().stream().map(a -> a.group).toList();
    }

    @Override
    public synchronized Consumption consumption(MeteredGroup group) {
        Account account = account(group);
        attribute();
        return consumption(account.microjoules);
    }

    @Override
    public synchronized long cpuNanos(MeteredGroup group) {
        Account account = account(group);
        attribute();
        return account.cpuNanos;
    }

    private Account account(MeteredGroup group) {
        ensureOpen();
        Account account = accounts.get(group.name());
        if (account == null || account.group != group) {
            throw new IllegalStateException(group + " is no longer followed: it was removed; ask for the group again");
        }
        return account;
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
            MeteredGroup group = new MeteredGroup(this, cgroup, cgroup.createdByErgometer());
            accounts.put(cgroup.name(), new Account(group, counter, componentOfDomain.length));
            return group;
        } catch (RuntimeException e) {
            counter.close();
            removeQuietly(cgroup);
            throw e;
        }
    }

    /** Splits the energy since the previous call among idle, the groups and the rest; accumulates the parts. */
    private void attribute() {
        ensureOpen();
        if (failure != null) {
            throw failure;
        }
        List<Account> tracked = List.copyOf(accounts.values());
        long[] cpu = new long[tracked.size()];
        for (int i = 0; i < cpu.length; i++) {
            Account a = tracked.get(i);
            long now = a.counter.cpuNanos();
            cpu[i] = Math.max(0, now - a.previousCpuNanos);
            a.previousCpuNanos = now;
            a.cpuNanos += cpu[i];
        }
        node.read();
        long busyTicks = Math.max(0, node.busyTicks() - previousBusyTicks);
        long totalTicks = Math.max(busyTicks, node.totalTicks() - previousTotalTicks);
        previousBusyTicks = node.busyTicks();
        previousTotalTicks = node.totalTicks();
        EnergySnapshot now = sampler.sample();
        EnergyInterval energy = now.minus(previousEnergy);
        previousEnergy = now;
        GpuShares.PidLookup pids = null;
        for (int d = 0; d < componentOfDomain.length; d++) {
            DomainShare share;
            if (gpus.isGpu(d)) {
                if (pids == null) {
                    pids = gpus.reportsProcesses() ? groupOfPid(tracked) : pid -> -1;
                }
                share = gpus.split(d, energy.microjoules(d), tracked.size(), pids).share();
            } else {
                share = Attribution.split(energy.microjoules(d), busyTicks * nanosPerTick, totalTicks * nanosPerTick,
                        cpu);
            }
            idleMicrojoules[d] += share.idleMicrojoules();
            unattributedMicrojoules[d] += share.unattributedMicrojoules();
            for (int i = 0; i < cpu.length; i++) {
                tracked.get(i).microjoules[d] += share.consumerMicrojoules(i);
            }
        }
    }

    /**
     * Which tracked group holds a process: the one whose cgroup is the process's own or its nearest ancestor (one
     * read of /proc/PID/cgroup per pid and interval); -1 for none.
     */
    private GpuShares.PidLookup groupOfPid(List<Account> tracked) {
        Map<Integer, Integer> seen = new HashMap<>();
        return pid -> seen.computeIfAbsent(pid, p -> {
            ProcessGroup process;
            try {
                process = cgroups.groupOf(p);
            } catch (CgroupException gone) {
                return -1;
            }
            int best = -1;
            int bestLength = -1;
            for (int i = 0; i < tracked.size(); i++) {
                for (Map.Entry<CgroupHierarchy, String> path : tracked.get(i).group.cgroup().cgroupPaths().entrySet()) {
                    String own = process.cgroupPaths().get(path.getKey());
                    String group = path.getValue();
                    if (own != null && (own.equals(group) || own.startsWith(group.endsWith("/") ? group : group + "/"))
                            && group.length() > bestLength) {
                        best = i;
                        bestLength = group.length();
                    }
                }
            }
            return best;
        });
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
            for (Account account : accounts.values()) {
                account.counter.close();
                if (account.group.createdHere()) {
                    try {
                        cgroups.remove(account.group.cgroup());
                    } catch (CgroupException e) {
                        failures.add(e.getMessage());
                    }
                }
            }
            node.close();
            if (ownsSampler) {
                sampler.close();
                source.close();
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("could not remove every group this ProcessGroups created: "
                    + String.join("; ", failures));
        }
    }
}
