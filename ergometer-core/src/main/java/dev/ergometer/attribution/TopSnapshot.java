package dev.ergometer.attribution;

import dev.ergometer.model.Domain;
import dev.ergometer.model.Resource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What {@code erg top} shows of one attributed interval: the machine's power per domain split into idle, attributed
 * and unattributed, and the biggest consumers of one kind (processes, cgroups or containers) with their power per
 * domain, sorted by total power. Made in process from an {@link AttributedInterval} ({@link #of}) or read from an
 * agent's {@code /api/v1/top} ({@link TopSnapshotJson}), so both look the same. Immutable.
 *
 * <p>Domains overlap ({@code core_0} is part of {@code package_0}), so a row's total adds only the domains marked
 * {@link DomainPower#inTotal()}: packages, DRAM and GPUs; without a package domain, {@code psys} (else the
 * {@code machine} domain) instead of packages and DRAM; never cores or uncore.
 *
 * <pre>{@code
 * TopSnapshot top = TopSnapshot.of(sampler.tick(), Consumer.Kind.PROCESS, 20, source.name(), source.method(),
 *         source.estimated());
 * top.rows().forEach(row -> System.out.println(row.label() + " " + row.totalWatts() + " W"));
 * }</pre>
 *
 * @param source the energy source's name ({@code powercap})
 * @param method how the source measures, for people
 * @param estimated true when the numbers come from a model, not a hardware counter
 * @param kind what the rows are: {@link Consumer.Kind#PROCESS}, {@link Consumer.Kind#CGROUP} or
 *     {@link Consumer.Kind#CONTAINER}
 * @param durationNanos the length of the attributed interval
 * @param domains the machine's power per domain, in the source's domain order
 * @param nodeBusyNanos the node's busy CPU time over the interval, all CPUs
 * @param nodeTotalNanos the node's total CPU time over the interval, all CPUs
 * @param rows the biggest consumers, biggest total first
 * @param consumerCount how many consumers of this kind the interval had ({@code >= rows().size()})
 * @param warnings what went wrong in the interval, for people
 */
public record TopSnapshot(String source, String method, boolean estimated, Consumer.Kind kind, long durationNanos,
        List<DomainPower> domains, long nodeBusyNanos, long nodeTotalNanos, List<Row> rows, int consumerCount,
        List<String> warnings) {

    /**
     * One domain's power over the interval, in watts: the machine's, its idle part, the consumers' part and what no
     * one was given ({@code machine = idle + attributed + unattributed}).
     *
     * @param inTotal whether rows' totals add this domain (see {@link TopSnapshot})
     */
    public record DomainPower(String id, double machineWatts, double idleWatts, double attributedWatts,
            double unattributedWatts, boolean inTotal) {

        public DomainPower {
            Objects.requireNonNull(id, "id");
        }
    }

    /**
     * One consumer's power.
     *
     * @param id the consumer's stable id ({@code process/1234@5678})
     * @param label the consumer's description for people ({@code java (pid 1234)})
     * @param watts its power per domain, in the order of {@link TopSnapshot#domains()}
     * @param totalWatts its power summed over the domains {@link DomainPower#inTotal() in the total}
     * @param cpuPercent its CPU time as a percentage of one CPU, for processes; empty for groups
     */
    public record Row(String id, String label, Consumer.Kind kind, List<Double> watts, double totalWatts,
            OptionalDouble cpuPercent) {

        public Row {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(kind, "kind");
            watts = List.copyOf(watts);
            Objects.requireNonNull(cpuPercent, "cpuPercent");
        }
    }

    public TopSnapshot {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(method, "method");
        checkView(kind);
        domains = List.copyOf(domains);
        rows = List.copyOf(rows);
        warnings = List.copyOf(warnings);
        if (durationNanos < 0 || nodeBusyNanos < 0 || nodeTotalNanos < 0) {
            throw new IllegalArgumentException("durations are >= 0 ns: interval " + durationNanos + ", node busy "
                    + nodeBusyNanos + ", node total " + nodeTotalNanos);
        }
        if (consumerCount < rows.size()) {
            throw new IllegalArgumentException(rows.size() + " rows of only " + consumerCount + " consumers");
        }
        for (Row row : rows) {
            if (row.watts().size() != domains.size()) {
                throw new IllegalArgumentException("row " + row.label() + " has " + row.watts().size()
                        + " powers for " + domains.size() + " domains");
            }
        }
    }

    /**
     * The {@code limit} biggest consumers of {@code kind} in an attributed interval, with the machine's totals.
     *
     * @throws IllegalArgumentException when {@code kind} is not processes, cgroups or containers, or limit is < 0
     */
    public static TopSnapshot of(AttributedInterval interval, Consumer.Kind kind, int limit, String source,
            String method, boolean estimated) {
        checkView(kind);
        if (limit < 0) {
            throw new IllegalArgumentException("limit is >= 0, got " + limit);
        }
        List<Domain> domainList = interval.domains();
        int count = domainList.size();
        boolean[] inTotal = inTotal(domainList);
        List<DomainPower> domains = new ArrayList<>(count);
        for (int d = 0; d < count; d++) {
            DomainShare share = interval.share(d);
            domains.add(new DomainPower(domainList.get(d).id(), watts(share.energyMicrojoules(), interval),
                    watts(share.idleMicrojoules(), interval), watts(share.attributedMicrojoules(), interval),
                    watts(share.unattributedMicrojoules(), interval), inTotal[d]));
        }
        Map<Consumer, long[]> parts = new LinkedHashMap<>();
        for (int d = 0; d < count; d++) {
            int domain = d;
            interval.microjoulesBy(kind, d).forEach((consumer, microjoules) ->
                    parts.computeIfAbsent(consumer, c -> new long[count])[domain] = microjoules);
        }
        List<Row> rows = new ArrayList<>(parts.size());
        parts.forEach((consumer, microjoules) -> {
            List<Double> watts = new ArrayList<>(count);
            double total = 0;
            for (int d = 0; d < count; d++) {
                double w = watts(microjoules[d], interval);
                watts.add(w);
                total += inTotal[d] ? w : 0;
            }
            OptionalDouble cpuPercent = consumer instanceof Consumer.Process && interval.contains(consumer)
                    && interval.durationNanos() > 0
                    ? OptionalDouble.of(100.0 * interval.cpuNanos(consumer) / interval.durationNanos())
                    : OptionalDouble.empty();
            rows.add(new Row(consumer.id(), consumer.label(), consumer.kind(), watts, total, cpuPercent));
        });
        rows.sort(BIGGEST_FIRST);
        return new TopSnapshot(source, method, estimated, kind, interval.durationNanos(), domains,
                interval.nodeBusyNanos(), interval.nodeTotalNanos(), rows.subList(0, Math.min(limit, rows.size())),
                rows.size(), interval.warnings());
    }

    /** Biggest total first, then the busiest, then by label. */
    private static final Comparator<Row> BIGGEST_FIRST = Comparator.comparingDouble(Row::totalWatts).reversed()
            .thenComparing(Comparator.comparingDouble((Row r) -> r.cpuPercent().orElse(-1)).reversed())
            .thenComparing(Row::label);

    /** Which domains a total adds, in slot order (see the class comment). */
    static boolean[] inTotal(List<Domain> domains) {
        boolean packages = domains.stream().anyMatch(d -> d.resource() instanceof Resource.Package);
        boolean psys = domains.stream().anyMatch(d -> d.resource() instanceof Resource.Psys);
        boolean machine = domains.stream().anyMatch(d -> d.resource() instanceof Resource.Machine);
        boolean platform = !packages && (psys || machine);
        boolean[] in = new boolean[domains.size()];
        for (int d = 0; d < in.length; d++) {
            in[d] = switch (domains.get(d).resource()) {
                case Resource.Package p -> true;
                case Resource.Dram r -> !platform;
                case Resource.Psys p -> platform;
                case Resource.Machine m -> platform && !psys;
                case Resource.Gpu g -> true;
                default -> false;
            };
        }
        return in;
    }

    /** The view's name in {@code /api/v1/top?view=} and {@code erg top --view}: processes, cgroups or containers. */
    public static String viewName(Consumer.Kind kind) {
        return switch (checkView(kind)) {
            case PROCESS -> "processes";
            case CGROUP -> "cgroups";
            default -> "containers";
        };
    }

    /**
     * The kind of consumer a view name lists: {@code processes}, {@code cgroups}, {@code containers}, their singulars
     * or their first letters ({@code p}, {@code c}, {@code k}), in any case.
     *
     * @throws IllegalArgumentException naming the accepted names
     */
    public static Consumer.Kind view(String name) {
        return switch (name == null ? "" : name.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "p", "process", "processes" -> Consumer.Kind.PROCESS;
            case "c", "cgroup", "cgroups" -> Consumer.Kind.CGROUP;
            case "k", "container", "containers" -> Consumer.Kind.CONTAINER;
            default -> throw new IllegalArgumentException("the view is processes, cgroups or containers, got '"
                    + name + "'");
        };
    }

    private static Consumer.Kind checkView(Consumer.Kind kind) {
        if (kind != Consumer.Kind.PROCESS && kind != Consumer.Kind.CGROUP && kind != Consumer.Kind.CONTAINER) {
            throw new IllegalArgumentException("a top view lists processes, cgroups or containers, not " + kind);
        }
        return kind;
    }

    private static double watts(long microjoules, AttributedInterval interval) {
        return interval.durationNanos() == 0 ? 0 : microjoules * 1e3 / interval.durationNanos();
    }
}
