package dev.ergometer.attribution;

import dev.ergometer.sampler.EnergyInterval;
import dev.ergometer.sampler.EnergySnapshot;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.model.ProcStatCpuLine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Splits a {@link Sampler}'s energy among consumers, one interval per {@link #tick()}: reads the node's CPU time
 * ({@code /proc/stat}), the consumers' CPU time (every process, or the given cgroups) and the energy since the
 * previous tick, and applies the {@link Attribution} model to each domain.
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

    private final Sampler sampler;
    private final ProcStatCpuLine node;
    private final long nanosPerTick;
    private final ProcessTable processes;
    private final List<CgroupCpuUsage> cgroups;
    private final long[] previousCgroupNanos;
    private EnergySnapshot previousEnergy;
    private long previousBusyTicks;
    private long previousTotalTicks;

    private AttributionSampler(Sampler sampler, ProcStatCpuLine node, long clockTicksPerSecond,
            ProcessTable processes, List<CgroupCpuUsage> cgroups) {
        this.sampler = sampler;
        this.node = node;
        this.nanosPerTick = 1_000_000_000L / clockTicksPerSecond;
        this.processes = processes;
        this.cgroups = cgroups;
        this.previousCgroupNanos = new long[cgroups.size()];
        baseline();
    }

    /**
     * Attribution to every process of {@code paths.procfs()}, grouped on demand by cgroup, container and pod.
     *
     * @throws IOException when {@code /proc/stat} cannot be opened
     */
    public static AttributionSampler processes(Sampler sampler, SystemPaths paths) throws IOException {
        long ticks = ClockTicks.perSecond();
        ProcStatCpuLine node = ProcStatCpuLine.open(paths.proc("stat"));
        return new AttributionSampler(Objects.requireNonNull(sampler, "sampler"), node, ticks,
                new ProcessTable(paths.procfs(), ticks), List.of());
    }

    /**
     * Attribution to the given cgroups (each with its descendants), read from their {@code cpu.stat} (v2) or
     * {@code cpuacct.usage} (v1).
     *
     * @throws IOException when {@code /proc/stat} or a cgroup's usage file cannot be opened; the message says which
     */
    public static AttributionSampler cgroups(Sampler sampler, SystemPaths paths, List<Consumer.Cgroup> groups)
            throws IOException {
        List<CgroupCpuUsage> usages = new ArrayList<>();
        ProcStatCpuLine node = null;
        try {
            for (Consumer.Cgroup group : groups) {
                usages.add(CgroupCpuUsage.open(paths, group));
            }
            node = ProcStatCpuLine.open(paths.proc("stat"));
            return new AttributionSampler(Objects.requireNonNull(sampler, "sampler"), node, ClockTicks.perSecond(),
                    null, List.copyOf(usages));
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
        List<DomainShare> shares = new ArrayList<>(energy.domains().size());
        for (int d = 0; d < energy.domains().size(); d++) {
            shares.add(Attribution.split(energy.microjoules(d), busyNanos, totalNanos, cpu.cpuNanos()));
        }
        return new AttributedInterval(energy, busyNanos, totalNanos, cpu.consumers(), cpu.cgroupPaths(),
                cpu.cpuNanos(), shares);
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
    }
}
