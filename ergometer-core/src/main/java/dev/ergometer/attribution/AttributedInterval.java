package dev.ergometer.attribution;

import dev.ergometer.model.Domain;
import dev.ergometer.sampler.EnergyInterval;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;

/**
 * One interval's energy split among its consumers, per domain: the energy, the node's CPU time, each consumer's CPU
 * time, each domain's {@link DomainShare} and what it was split by, the names of the containers seen and what went
 * wrong. Immutable.
 *
 * <p>Domains overlap (core_0 is part of package_0), so parts are given per domain, never summed across domains.
 */
public final class AttributedInterval {

    /** What a domain's energy was split by. */
    public enum SplitBasis {
        /** The consumers' CPU time ({@link Attribution}): CPUs, memory, the machine. */
        CPU_TIME,
        /** The GPU's own per-process utilisation ({@link GpuAttribution}). */
        GPU_UTILIZATION,
        /** Nothing: the whole energy is unattributed, and {@link #warnings()} says why. */
        NONE
    }

    private final EnergyInterval energy;
    private final long nodeBusyNanos;
    private final long nodeTotalNanos;
    private final List<Consumer> consumers;
    private final List<String> cgroupPaths;
    private final long[] consumerCpuNanos;
    private final List<DomainShare> shares;
    private final List<SplitBasis> bases;
    private final Map<String, String> containerNames;
    private final List<String> warnings;
    private final Map<Consumer, Integer> index;

    /**
     * @param cgroupPaths the cgroup path of each consumer, in the order of {@code consumers}
     * @param shares one per domain of {@code energy}, in slot order, each with one part per consumer
     */
    public AttributedInterval(EnergyInterval energy, long nodeBusyNanos, long nodeTotalNanos,
            List<Consumer> consumers, List<String> cgroupPaths, long[] consumerCpuNanos, List<DomainShare> shares) {
        this(energy, nodeBusyNanos, nodeTotalNanos, consumers, cgroupPaths, consumerCpuNanos, shares,
                Collections.nCopies(shares.size(), SplitBasis.CPU_TIME), Map.of(), List.of());
    }

    /**
     * @param cgroupPaths the cgroup path of each consumer, in the order of {@code consumers}
     * @param shares one per domain of {@code energy}, in slot order, each with one part per consumer
     * @param bases what each domain's energy was split by, in slot order
     * @param containerNames container names by full container id, for the containers whose name is known
     * @param warnings what went wrong in this interval, for people (a GPU whose energy could not be split, ...)
     */
    public AttributedInterval(EnergyInterval energy, long nodeBusyNanos, long nodeTotalNanos,
            List<Consumer> consumers, List<String> cgroupPaths, long[] consumerCpuNanos, List<DomainShare> shares,
            List<SplitBasis> bases, Map<String, String> containerNames, List<String> warnings) {
        this.energy = energy;
        this.bases = List.copyOf(bases);
        this.containerNames = Map.copyOf(containerNames);
        this.warnings = List.copyOf(warnings);
        this.nodeBusyNanos = nodeBusyNanos;
        this.nodeTotalNanos = nodeTotalNanos;
        this.consumers = List.copyOf(consumers);
        this.cgroupPaths = List.copyOf(cgroupPaths);
        this.consumerCpuNanos = consumerCpuNanos.clone();
        this.shares = List.copyOf(shares);
        if (this.shares.size() != energy.domains().size()) {
            throw new IllegalArgumentException(shares.size() + " shares for " + energy.domains().size() + " domains");
        }
        for (int d = 0; d < this.shares.size(); d++) {
            DomainShare share = this.shares.get(d);
            if (share.consumers() != this.consumers.size() || share.energyMicrojoules() != energy.microjoules(d)) {
                throw new IllegalArgumentException("the share of " + energy.domains().get(d)
                        + " does not match the interval's energy or consumers");
            }
        }
        if (this.bases.size() != this.shares.size()) {
            throw new IllegalArgumentException(bases.size() + " split bases for " + shares.size() + " domains");
        }
        this.index = new HashMap<>(this.consumers.size() * 2);
        for (int i = 0; i < this.consumers.size(); i++) {
            index.put(this.consumers.get(i), i);
        }
    }

    /** The machine's energy over the interval, with its start and duration. */
    public EnergyInterval energy() {
        return energy;
    }

    public long durationNanos() {
        return energy.durationNanos();
    }

    public List<Domain> domains() {
        return energy.domains();
    }

    /** The node's busy CPU time over the interval, all CPUs, in ns. */
    public long nodeBusyNanos() {
        return nodeBusyNanos;
    }

    /** The node's total CPU time over the interval, all CPUs, in ns. */
    public long nodeTotalNanos() {
        return nodeTotalNanos;
    }

    /** The consumers of this interval, including processes that ended in it. */
    public List<Consumer> consumers() {
        return consumers;
    }

    /** How the energy of the domain in slot {@code domainIndex} was split. */
    public DomainShare share(int domainIndex) {
        return shares.get(domainIndex);
    }

    /** How the energy of a domain was split, by domain id ({@code package_0}). */
    public DomainShare share(String domainId) {
        for (int d = 0; d < energy.domains().size(); d++) {
            if (energy.domains().get(d).id().equals(domainId)) {
                return shares.get(d);
            }
        }
        throw new NoSuchElementException("no domain " + domainId + " in " + energy.domains());
    }

    /** What the energy of the domain in slot {@code domainIndex} was split by. */
    public SplitBasis splitBasis(int domainIndex) {
        return bases.get(domainIndex);
    }

    /**
     * The names of the containers seen in this interval, by full container id, as the container engine (Docker, or
     * Podman's Docker-compatible API) gave them; containers whose name is unknown are absent.
     */
    public Map<String, String> containerNames() {
        return containerNames;
    }

    /**
     * What went wrong in this interval, for people: a GPU whose energy was left unattributed and why, a container
     * engine that refused to give names. Empty when all went well.
     */
    public List<String> warnings() {
        return warnings;
    }

    /** The CPU time a consumer used over the interval, in ns. */
    public long cpuNanos(Consumer consumer) {
        return consumerCpuNanos[indexOf(consumer)];
    }

    /** The cgroup path of a consumer in this interval (its own path for a cgroup, its process's for a process). */
    public String cgroupPath(Consumer consumer) {
        return cgroupPaths.get(indexOf(consumer));
    }

    /** The container a consumer runs in, by its cgroup path, with its name when known. */
    public Optional<Consumer.Container> containerOf(Consumer consumer) {
        return CgroupPaths.container(cgroupPath(consumer)).map(this::named);
    }

    /** The Kubernetes pod a consumer runs in, by its cgroup path. */
    public Optional<Consumer.Pod> podOf(Consumer consumer) {
        return CgroupPaths.pod(cgroupPath(consumer));
    }

    /** A consumer's part of the domain in slot {@code domainIndex}, in µJ. */
    public long microjoules(Consumer consumer, int domainIndex) {
        return shares.get(domainIndex).consumerMicrojoules(indexOf(consumer));
    }

    /** Whether the consumer is in this interval. */
    public boolean contains(Consumer consumer) {
        return index.containsKey(consumer);
    }

    /**
     * The parts of the domain in slot {@code domainIndex} totalled by kind of consumer: per process, per cgroup, per
     * container or per pod (processes grouped by the container or pod their cgroup path names; consumers in none are
     * left out), or the whole domain for {@link Consumer.Kind#HOST}. Containers carry their name when it is known
     * ({@link #containerNames()}). Ordered by decreasing energy.
     */
    public Map<Consumer, Long> microjoulesBy(Consumer.Kind kind, int domainIndex) {
        DomainShare share = shares.get(domainIndex);
        if (kind == Consumer.Kind.HOST) {
            return Map.of(new Consumer.Host(), share.energyMicrojoules());
        }
        Map<String, Optional<? extends Consumer>> byPath = new HashMap<>();
        Map<Consumer, Long> totals = new HashMap<>();
        for (int i = 0; i < consumers.size(); i++) {
            Consumer consumer = consumers.get(i);
            Optional<? extends Consumer> group;
            if (consumer.kind() == kind) {
                group = Optional.of(consumer);
            } else if (kind == Consumer.Kind.PROCESS) {
                group = Optional.empty();
            } else {
                group = byPath.computeIfAbsent(cgroupPaths.get(i), path -> switch (kind) {
                    case CGROUP -> Optional.of(new Consumer.Cgroup(path));
                    case CONTAINER -> CgroupPaths.container(path).map(this::named);
                    case POD -> CgroupPaths.pod(path);
                    default -> Optional.empty();
                });
            }
            if (group.isPresent()) {
                totals.merge(group.get(), share.consumerMicrojoules(i), Long::sum);
            }
        }
        Map<Consumer, Long> sorted = new LinkedHashMap<>();
        totals.entrySet().stream()
                .sorted(Map.Entry.<Consumer, Long>comparingByValue().reversed())
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return sorted;
    }

    private Consumer.Container named(Consumer.Container container) {
        String name = containerNames.get(container.containerId());
        return name == null ? container : container.withName(name);
    }

    private int indexOf(Consumer consumer) {
        Integer i = index.get(consumer);
        if (i == null) {
            throw new NoSuchElementException(consumer.label() + " is not a consumer of this interval");
        }
        return i;
    }
}
