package dev.ergometer.attribution;

import dev.ergometer.sampler.EnergyInterval;
import dev.ergometer.sampler.EnergySnapshot;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.source.ProcessUtilizationSource;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.model.ProcStatCpuLine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Splits a {@link Sampler}'s energy among consumers, one interval per {@link #tick()}: reads the node's CPU time
 * ({@code /proc/stat}), the consumers' CPU time (every process, or the given cgroups) and the energy since the
 * previous tick, and applies the {@link Attribution} model to each domain but the GPUs.
 *
 * <p>A GPU's energy is split by {@link GpuAttribution}, from the per-process utilisation its source reports (a
 * {@link ProcessUtilizationSource}: {@code NvmlSource}, itself or a part of a {@code CompositeSource}); where no source
 * reports it, the GPU's energy is left unattributed and the interval says why ({@link AttributedInterval#warnings()}),
 * never shared by CPU time. Containers get their names from the Docker Engine API ({@link ContainerNames}).
 *
 * <pre>{@code
 * try (AttributionSampler attribution = AttributionSampler.processes(sampler, SystemPaths.real())) {
 *     Thread.sleep(1_000);
 *     AttributedInterval interval = attribution.tick();
 *     interval.microjoulesBy(Consumer.Kind.CONTAINER, 0).forEach((c, uj) -> System.out.println(c.label() + " " + uj));
 * }
 * }</pre>
 *
 * <p>Ticks are serialised. The sampler stays open (its owner closes it).
 */
public final class AttributionSampler implements AutoCloseable {

    private static final byte[] CGROUP = "cgroup".getBytes(StandardCharsets.US_ASCII);

    private final Sampler sampler;
    private final ProcStatCpuLine node;
    private final long nanosPerTick;
    private final ProcessTable processes;
    private final List<CgroupCpuUsage> cgroups;
    private final long[] previousCgroupNanos;
    private final Path procfs;
    private final GpuShares gpus;
    private final ContainerNames containerNames;
    private final Set<String> warnings = new LinkedHashSet<>();
    private ProcFileReader cgroupReader;
    private EnergySnapshot previousEnergy;
    private long previousBusyTicks;
    private long previousTotalTicks;

    private AttributionSampler(Sampler sampler, ProcStatCpuLine node, long clockTicksPerSecond,
            ProcessTable processes, List<CgroupCpuUsage> cgroups, Path procfs, ContainerNames containerNames) {
        this.sampler = sampler;
        this.procfs = procfs;
        this.gpus = GpuShares.of(sampler.source());
        this.containerNames = Objects.requireNonNull(containerNames, "containerNames");
        this.node = node;
        this.nanosPerTick = 1_000_000_000L / clockTicksPerSecond;
        this.processes = processes;
        this.cgroups = cgroups;
        this.previousCgroupNanos = new long[cgroups.size()];
        baseline();
    }

    /**
     * Attribution to every process of {@code paths.procfs()}, grouped on demand by cgroup, container and pod, with
     * container names from the Docker Engine API at {@code $DOCKER_HOST} or /var/run/docker.sock when there is one.
     *
     * @throws IOException when {@code /proc/stat} cannot be opened
     */
    public static AttributionSampler processes(Sampler sampler, SystemPaths paths) throws IOException {
        return processes(sampler, paths, ContainerNames.fromEnvironment());
    }

    /**
     * Attribution to every process of {@code paths.procfs()}, with container names from {@code containerNames}
     * ({@link ContainerNames#none()} for none).
     *
     * @throws IOException when {@code /proc/stat} cannot be opened
     */
    public static AttributionSampler processes(Sampler sampler, SystemPaths paths, ContainerNames containerNames)
            throws IOException {
        Objects.requireNonNull(sampler, "sampler");
        long ticks = ClockTicks.perSecond();
        ProcStatCpuLine node = ProcStatCpuLine.open(paths.proc("stat"));
        ProcessTable table = new ProcessTable(paths.procfs(), ticks);
        try {
            return new AttributionSampler(sampler, node, ticks, table, List.of(), paths.procfs(), containerNames);
        } catch (RuntimeException e) {
            table.close();
            node.close();
            throw e;
        }
    }

    /**
     * Attribution to the given cgroups (each with its descendants), read from their {@code cpu.stat} (v2) or
     * {@code cpuacct.usage} (v1).
     *
     * @throws IOException when {@code /proc/stat} or a cgroup's usage file cannot be opened; the message says which
     */
    public static AttributionSampler cgroups(Sampler sampler, SystemPaths paths, List<Consumer.Cgroup> groups)
            throws IOException {
        return cgroups(sampler, paths, groups, ContainerNames.fromEnvironment());
    }

    /**
     * Attribution to the given cgroups, with container names from {@code containerNames}.
     *
     * @throws IOException when {@code /proc/stat} or a cgroup's usage file cannot be opened; the message says which
     */
    public static AttributionSampler cgroups(Sampler sampler, SystemPaths paths, List<Consumer.Cgroup> groups,
            ContainerNames containerNames) throws IOException {
        List<CgroupCpuUsage> usages = new ArrayList<>();
        ProcStatCpuLine node = null;
        try {
            for (Consumer.Cgroup group : groups) {
                usages.add(CgroupCpuUsage.open(paths, group));
            }
            node = ProcStatCpuLine.open(paths.proc("stat"));
            return new AttributionSampler(Objects.requireNonNull(sampler, "sampler"), node, ClockTicks.perSecond(),
                    null, List.copyOf(usages), paths.procfs(), containerNames);
        } catch (IOException | RuntimeException e) {
            usages.forEach(CgroupCpuUsage::close);
            if (node != null) {
                node.close();
            }
            throw e;
        }
    }

    private void baseline() {
        node.read();
        previousBusyTicks = node.busyTicks();
        previousTotalTicks = node.totalTicks();
        if (processes != null) {
            processes.scan();
        }
        for (int i = 0; i < cgroups.size(); i++) {
            previousCgroupNanos[i] = cgroups.get(i).readNanos();
        }
        gpus.baseline();
        previousEnergy = sampler.sample();
    }

    /** Reads everything now and returns the interval since the previous tick (or since this sampler was made). */
    public synchronized AttributedInterval tick() {
        node.read();
        long busy = Math.max(0, node.busyTicks() - previousBusyTicks);
        long total = Math.max(busy, node.totalTicks() - previousTotalTicks);
        previousBusyTicks = node.busyTicks();
        previousTotalTicks = node.totalTicks();
        ConsumerCpu cpu = processes != null ? processes.scan() : readCgroups();
        EnergySnapshot now = sampler.sample();
        EnergyInterval energy = now.minus(previousEnergy);
        previousEnergy = now;
        long busyNanos = busy * nanosPerTick;
        long totalNanos = total * nanosPerTick;
        int domains = energy.domains().size();
        List<DomainShare> shares = new ArrayList<>(domains);
        List<AttributedInterval.SplitBasis> bases = new ArrayList<>(domains);
        List<String> intervalWarnings = new ArrayList<>();
        GpuShares.PidLookup pids = null;
        for (int d = 0; d < domains; d++) {
            if (gpus.isGpu(d)) {
                if (pids == null) {
                    pids = pidLookup(cpu);
                }
                GpuShares.Split split = gpus.split(d, energy.microjoules(d), cpu.consumers().size(), pids);
                shares.add(split.share());
                bases.add(split.basis());
                split.warning().ifPresent(intervalWarnings::add);
            } else {
                shares.add(Attribution.split(energy.microjoules(d), busyNanos, totalNanos, cpu.cpuNanos()));
                bases.add(AttributedInterval.SplitBasis.CPU_TIME);
            }
        }
        Map<String, String> names = containerNames(cpu.cgroupPaths(), intervalWarnings);
        warnings.addAll(intervalWarnings);
        return new AttributedInterval(energy, busyNanos, totalNanos, cpu.consumers(), cpu.cgroupPaths(),
                cpu.cpuNanos(), shares, bases, names, intervalWarnings);
    }

    /**
     * Problems met so far, each once, for people: GPUs whose energy could not be split and why, a container engine
     * that refused to name containers. Accumulates; never cleared.
     */
    public synchronized List<String> warnings() {
        return List.copyOf(warnings);
    }

    /** The names of the containers among the consumers' cgroups, when the container engine knows them. */
    private Map<String, String> containerNames(List<String> cgroupPaths, List<String> intervalWarnings) {
        Set<String> ids = new HashSet<>();
        for (String path : new HashSet<>(cgroupPaths)) {
            CgroupPaths.container(path).ifPresent(c -> ids.add(c.containerId()));
        }
        if (ids.isEmpty()) {
            return Map.of();
        }
        ContainerNames.Lookup lookup = containerNames.lookup(ids);
        lookup.warning().ifPresent(intervalWarnings::add);
        return lookup.namesById();
    }

    /**
     * Which consumer a GPU process is: the process itself (by pid, the living one first), or in cgroup mode the
     * followed cgroup that holds it (its own or the nearest followed ancestor of its cgroup).
     */
    private GpuShares.PidLookup pidLookup(ConsumerCpu cpu) {
        if (!gpus.reportsProcesses()) {
            return pid -> -1;
        }
        if (processes != null) {
            Map<Integer, Integer> byPid = new HashMap<>();
            for (int i = 0; i < cpu.consumers().size(); i++) {
                if (cpu.consumers().get(i) instanceof Consumer.Process p) {
                    byPid.putIfAbsent(p.pid(), i);
                }
            }
            return pid -> byPid.getOrDefault(pid, -1);
        }
        if (cgroupReader == null) {
            cgroupReader = new ProcFileReader(procfs);
        }
        Map<String, Integer> byPath = new HashMap<>();
        for (int i = 0; i < cpu.cgroupPaths().size(); i++) {
            byPath.putIfAbsent(cpu.cgroupPaths().get(i), i);
        }
        Map<Integer, Integer> seen = new HashMap<>(); // one read per pid, whatever the number of GPUs
        return pid -> seen.computeIfAbsent(pid, p -> followedCgroupOf(p, byPath));
    }

    /** The index of the followed cgroup that holds process {@code pid}, or -1. */
    private int followedCgroupOf(int pid, Map<String, Integer> byPath) {
        int n = cgroupReader.read(pid, CGROUP);
        if (n < 0) {
            return -1;
        }
        for (String path = ProcessCgroup.parse(cgroupReader, n); ; path = parent(path)) {
            Integer index = byPath.get(path);
            if (index != null) {
                return index;
            }
            if (path.equals("/")) {
                return -1;
            }
        }
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    private ConsumerCpu readCgroups() {
        List<Consumer> consumers = new ArrayList<>(cgroups.size());
        List<String> paths = new ArrayList<>(cgroups.size());
        long[] deltas = new long[cgroups.size()];
        for (int i = 0; i < cgroups.size(); i++) {
            long nanos = cgroups.get(i).readNanos();
            deltas[i] = Math.max(0, nanos - previousCgroupNanos[i]);
            previousCgroupNanos[i] = nanos;
            consumers.add(cgroups.get(i).cgroup());
            paths.add(cgroups.get(i).cgroup().path());
        }
        return new ConsumerCpu(consumers, deltas, paths);
    }

    /** Closes the files this sampler opened; the energy sampler stays open. */
    @Override
    public synchronized void close() {
        node.close();
        if (processes != null) {
            processes.close();
        }
        cgroups.forEach(CgroupCpuUsage::close);
        if (cgroupReader != null) {
            cgroupReader.close();
        }
    }
}
