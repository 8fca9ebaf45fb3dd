package dev.ergometer.meter;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;

/**
 * An immutable list of {@link EnergySample}s taken by one meter (or joined from several), with the {@link EnergyOrigin}
 * of their numbers.
 *
 * <p>Samples are found by index or by tag (the first sample with that tag). The operations of pyJoules' trace
 * return new traces here: {@link #plus}, {@link #cleanData} and {@link #removeIdle}.
 *
 * <pre>{@code
 * EnergyTrace trace = meter.getTrace();
 * EnergyTrace net = trace.removeIdle(meter.genIdle(trace)).cleanData();
 * double fooMicrojoules = net.get("foo").energyMicrojoules("package_0");
 * }</pre>
 */
public final class EnergyTrace implements Iterable<EnergySample> {

    private final List<EnergySample> samples;
    private final EnergyOrigin origin;

    public EnergyTrace(List<EnergySample> samples, EnergyOrigin origin) {
        this.samples = List.copyOf(samples);
        this.origin = Objects.requireNonNull(origin, "origin");
    }

    /** A trace of samples whose origin was not recorded. */
    public static EnergyTrace of(List<EnergySample> samples) {
        return new EnergyTrace(samples, EnergyOrigin.UNRECORDED);
    }

    public List<EnergySample> samples() {
        return samples;
    }

    public EnergyOrigin origin() {
        return origin;
    }

    /** True when the numbers come from a model, not from hardware counters. */
    public boolean estimated() {
        return origin.estimated();
    }

    public int size() {
        return samples.size();
    }

    public boolean isEmpty() {
        return samples.isEmpty();
    }

    /** The sample at {@code index}, from 0. */
    public EnergySample get(int index) {
        if (index < 0 || index >= samples.size()) {
            throw new IndexOutOfBoundsException("no sample #" + index + ": the trace has " + samples.size()
                    + " samples");
        }
        return samples.get(index);
    }

    /**
     * The first sample tagged {@code tag}.
     *
     * @throws SampleNotFoundException when no sample has that tag
     */
    public EnergySample get(String tag) {
        Objects.requireNonNull(tag, "tag");
        for (EnergySample sample : samples) {
            if (sample.tag().equals(tag)) {
                return sample;
            }
        }
        throw new SampleNotFoundException(tag, tags());
    }

    /** True when some sample has this tag. */
    public boolean contains(String tag) {
        return samples.stream().anyMatch(s -> s.tag().equals(tag));
    }

    /** The distinct tags, in order of first appearance. */
    public List<String> tags() {
        return List.copyOf(new LinkedHashSet<>(samples.stream().map(EnergySample::tag).toList()));
    }

    /** The ids of the domains the samples measure, in order of first appearance. */
    public List<String> domains() {
        LinkedHashSet<String> domains = new LinkedHashSet<>();
        samples.forEach(s -> domains.addAll(s.energyMicrojoules().keySet()));
        return List.copyOf(domains);
    }

    /** This trace's samples followed by {@code other}'s; estimated if either is. */
    public EnergyTrace plus(EnergyTrace other) {
        List<EnergySample> joined = new ArrayList<>(samples);
        joined.addAll(other.samples);
        return new EnergyTrace(joined, origin.and(other.origin));
    }

    /**
     * This trace without the samples that have a negative energy value and without those a guard rejects.
     *
     * @param guards each returns true to keep a sample, false to drop it
     */
    @SafeVarargs
    public final EnergyTrace cleanData(Predicate<? super EnergySample>... guards) {
        List<EnergySample> kept = new ArrayList<>();
        for (EnergySample sample : samples) {
            boolean keep = !sample.hasNegativeEnergy();
            for (Predicate<? super EnergySample> guard : guards) {
                keep &= guard.test(sample);
            }
            if (keep) {
                kept.add(sample);
            }
        }
        return new EnergyTrace(kept, origin);
    }

    /**
     * This trace with idle energy subtracted: {@code idleMicrojoules.get(i)} from sample {@code i}, per domain.
     *
     * @param idleMicrojoules one map of domain id to idle energy in µJ per sample (see {@link EnergyMeter#genIdle})
     * @throws IllegalArgumentException when there are not as many idle values as samples, or a sample's domain has
     *     no idle value
     */
    public EnergyTrace removeIdle(List<Map<String, Double>> idleMicrojoules) {
        if (idleMicrojoules.size() != samples.size()) {
            throw new IllegalArgumentException("the idle list has " + idleMicrojoules.size()
                    + " values but the trace has " + samples.size()
                    + " samples: give one idle value per sample, as genIdle(trace) does");
        }
        List<EnergySample> net = new ArrayList<>(samples.size());
        for (int i = 0; i < samples.size(); i++) {
            net.add(samples.get(i).minus(idleMicrojoules.get(i), i));
        }
        return new EnergyTrace(net, origin);
    }

    @Override
    public Iterator<EnergySample> iterator() {
        return samples.iterator();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EnergyTrace other && samples.equals(other.samples) && origin.equals(other.origin);
    }

    @Override
    public int hashCode() {
        return samples.hashCode() * 31 + origin.hashCode();
    }

    @Override
    public String toString() {
        return "EnergyTrace" + samples + " from " + origin.source() + (origin.estimated() ? " (estimated)" : "");
    }
}
