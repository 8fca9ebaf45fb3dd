package dev.ergometer.prometheus;

import dev.ergometer.sink.Sample;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One metric as /metrics shows it: a name, a type, a unit, a help text and its current samples.
 *
 * <p>The name is the family name without suffix ({@code ergometer_energy_joules}); a counter's samples are named
 * {@code <name>_total} ({@code ergometer_energy_joules_total}) and a gauge's samples carry the name itself. When a
 * unit is given, OpenMetrics requires the name to end with it ({@code _joules}, {@code _watts}).
 *
 * @param name the family name, without {@code _total}
 * @param type counter or gauge
 * @param unit the unit ({@code joules}, {@code watts}, {@code samples}), or empty for none
 * @param help one line that says what the metric is
 * @param samples the samples, each named as the type requires
 */
public record MetricFamily(String name, Type type, String unit, String help, List<Sample> samples) {

    /** The metric types Ergometer exposes. */
    public enum Type {
        /** A value that only goes up (energy used, samples sent); its samples end with {@code _total}. */
        COUNTER,
        /** A value that goes up and down (power). */
        GAUGE
    }

    private static final Pattern NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern UNIT = Pattern.compile("[a-zA-Z0-9_]*");

    public MetricFamily {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(unit, "unit");
        Objects.requireNonNull(help, "help");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric family name " + name
                    + " must match [a-zA-Z_:][a-zA-Z0-9_:]*");
        }
        if (type == Type.COUNTER && name.endsWith("_total")) {
            throw new IllegalArgumentException("counter family " + name + ": give the name without _total; "
                    + "its samples are named " + name);
        }
        if (!UNIT.matcher(unit).matches()) {
            throw new IllegalArgumentException("metric " + name + ": unit '" + unit
                    + "' must be letters, digits and '_'");
        }
        if (!unit.isEmpty() && !name.endsWith("_" + unit)) {
            throw new IllegalArgumentException("metric " + name + " has unit " + unit + " but its name does not end "
                    + "with _" + unit + " as OpenMetrics requires; name it " + name + "_" + unit);
        }
        samples = List.copyOf(samples);
        String sampleName = sampleName(name, type);
        for (Sample sample : samples) {
            if (!sample.metric().equals(sampleName)) {
                throw new IllegalArgumentException("a sample of " + type.name().toLowerCase(java.util.Locale.ROOT)
                        + " " + name + " must be named " + sampleName + ", got " + sample.metric());
            }
        }
    }

    /** A counter family; its samples are named {@code <name>_total}. */
    public static MetricFamily counter(String name, String unit, String help, List<Sample> samples) {
        return new MetricFamily(name, Type.COUNTER, unit, help, samples);
    }

    /** A gauge family; its samples are named {@code <name>}. */
    public static MetricFamily gauge(String name, String unit, String help, List<Sample> samples) {
        return new MetricFamily(name, Type.GAUGE, unit, help, samples);
    }

    /** The name every sample of this family carries. */
    public String sampleName() {
        return sampleName(name, type);
    }

    private static String sampleName(String name, Type type) {
        return type == Type.COUNTER ? name + "_total" : name;
    }
}
