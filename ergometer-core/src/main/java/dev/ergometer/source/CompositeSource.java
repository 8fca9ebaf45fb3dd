package dev.ergometer.source;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Several energy sources read as one: the machine's source (RAPL, the model, ...) followed by the accelerators'
 * (GPUs), their domains side by side in that order. Named after its parts ({@code powercap+nvml}); estimated when any
 * part is.
 */
public final class CompositeSource implements EnergySource {

    private final List<EnergySource> parts;
    private final long[][] buffers;
    private final List<DomainCounter> counters;

    private CompositeSource(List<EnergySource> parts) {
        this.parts = List.copyOf(parts);
        this.buffers = new long[parts.size()][];
        List<DomainCounter> all = new ArrayList<>();
        for (int i = 0; i < parts.size(); i++) {
            buffers[i] = new long[parts.get(i).counters().size()];
            all.addAll(parts.get(i).counters());
        }
        this.counters = List.copyOf(all);
        long distinct = counters.stream().map(c -> c.domain().id()).distinct().count();
        if (distinct != counters.size()) {
            throw new IllegalArgumentException("sources " + name() + " measure the same domain twice: " + counters);
        }
    }

    /** One source as it is, or several read as one. */
    public static EnergySource of(List<EnergySource> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a composite source needs at least one source");
        }
        return parts.size() == 1 ? parts.getFirst() : new CompositeSource(parts);
    }

    /** The sources read, in domain order. */
    public List<EnergySource> parts() {
        return parts;
    }

    @Override
    public String name() {
        return parts.stream().map(EnergySource::name).collect(Collectors.joining("+"));
    }

    @Override
    public String method() {
        return parts.stream().map(p -> p.name() + ": " + p.method()).collect(Collectors.joining("; "));
    }

    @Override
    public List<DomainCounter> counters() {
        return counters;
    }

    @Override
    public void read(long[] microjoules) {
        int offset = 0;
        for (int i = 0; i < buffers.length; i++) {
            long[] buffer = buffers[i];
            parts.get(i).read(buffer);
            System.arraycopy(buffer, 0, microjoules, offset, buffer.length);
            offset += buffer.length;
        }
    }

    @Override
    public boolean estimated() {
        return parts.stream().anyMatch(EnergySource::estimated);
    }

    @Override
    public List<String> warnings() {
        return parts.stream().flatMap(p -> p.warnings().stream()).toList();
    }

    @Override
    public long maxReadIntervalNanos() {
        return parts.stream().mapToLong(EnergySource::maxReadIntervalNanos).min().orElseThrow();
    }

    @Override
    public void close() {
        RuntimeException first = null;
        for (EnergySource part : parts) {
            try {
                part.close();
            } catch (RuntimeException e) {
                first = first == null ? e : first;
            }
        }
        if (first != null) {
            throw first;
        }
    }
}
