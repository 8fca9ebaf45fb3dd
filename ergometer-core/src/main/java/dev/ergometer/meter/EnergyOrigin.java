package dev.ergometer.meter;

import java.util.Objects;

/**
 * Where the numbers of a trace come from: the energy source, how it gets them, and whether they are estimated by a
 * model rather than read from a hardware counter.
 *
 * @param source the source's name ({@code powercap}, {@code perf}, {@code model}, ...)
 * @param method one sentence on how the source gets its numbers (names the model for an estimated source)
 * @param estimated true when the numbers come from a model
 */
public record EnergyOrigin(String source, String method, boolean estimated) {

    /** The origin of a trace built from samples whose source was not recorded. */
    public static final EnergyOrigin UNRECORDED = new EnergyOrigin("unrecorded", "not recorded", false);

    public EnergyOrigin {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(method, "method");
    }

    /** The origin of a trace made of samples from this origin and from {@code other}: estimated if either is. */
    public EnergyOrigin and(EnergyOrigin other) {
        if (equals(other)) {
            return this;
        }
        return new EnergyOrigin(source.equals(other.source) ? source : source + "+" + other.source,
                method.equals(other.method) ? method : method + "; " + other.method, estimated || other.estimated);
    }
}
