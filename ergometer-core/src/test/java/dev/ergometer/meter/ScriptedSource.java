package dev.ergometer.meter;

import dev.ergometer.model.Domain;
import dev.ergometer.source.DomainCounter;
import dev.ergometer.source.EnergySource;
import java.util.Arrays;
import java.util.List;

/** An energy source whose counters hold whatever the test last set: the raw readings a kernel file would give. */
final class ScriptedSource implements EnergySource {

    private final String name;
    private final boolean estimated;
    private final List<DomainCounter> counters;
    private final long[] values;
    boolean closed;

    ScriptedSource(String name, boolean estimated, long wrapMicrojoules, Domain... domains) {
        this.name = name;
        this.estimated = estimated;
        this.counters = Arrays.stream(domains)
                .map(d -> new DomainCounter(d, wrapMicrojoules, DomainCounter.DEFAULT_MAX_POWER_MICROWATTS, 1.0,
                        "scripted " + d.id()))
                .toList();
        this.values = new long[domains.length];
    }

    static ScriptedSource rapl(Domain... domains) {
        return new ScriptedSource("powercap", false, Long.MAX_VALUE, domains);
    }

    /** Sets the raw counter values, one per domain in order. */
    ScriptedSource set(long... microjoules) {
        System.arraycopy(microjoules, 0, values, 0, values.length);
        return this;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String method() {
        return estimated ? "scripted model" : "scripted counters";
    }

    @Override
    public List<DomainCounter> counters() {
        return counters;
    }

    @Override
    public void read(long[] microjoules) {
        System.arraycopy(values, 0, microjoules, 0, values.length);
    }

    @Override
    public boolean estimated() {
        return estimated;
    }

    @Override
    public void close() {
        closed = true;
    }
}
