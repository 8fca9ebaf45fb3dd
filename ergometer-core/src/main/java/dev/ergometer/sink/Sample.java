package dev.ergometer.sink;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * One value of one time series, as every sink receives it: a metric name, its labels, a value and a timestamp.
 *
 * <p>Names follow Prometheus' rules, which every sink can live with: metric names match
 * {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, label names match {@code [a-zA-Z_][a-zA-Z0-9_]*} and must not be
 * {@code __name__} (that label is the metric name itself, see {@link #seriesLabels()}). A label with an empty value
 * is dropped: Prometheus treats an empty label value exactly like an absent label, and remote-write receivers refuse
 * empty values. Labels are kept sorted by name.
 *
 * <pre>{@code
 * Sample s = Sample.of("ergometer_energy_joules_total", 12.5, System.currentTimeMillis(),
 *         "domain", "package_0", "socket", "0");
 * }</pre>
 *
 * @param metric the metric name, e.g. {@code ergometer_energy_joules_total}
 * @param labels label name to value, sorted by name, without {@code __name__} and without empty values
 * @param value the value (NaN and infinities are allowed, as in Prometheus)
 * @param timestampMillis when the value was taken, in milliseconds since the Unix epoch
 */
public record Sample(String metric, SortedMap<String, String> labels, double value, long timestampMillis) {

    /** The label that carries the metric name in a series. */
    public static final String NAME_LABEL = "__name__";

    private static final Pattern METRIC_NAME = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    public Sample {
        if (metric == null || !METRIC_NAME.matcher(metric).matches()) {
            throw new IllegalArgumentException("metric name " + quoted(metric) + " is not a Prometheus metric name: "
                    + "it must match [a-zA-Z_:][a-zA-Z0-9_:]* (letters, digits, '_' and ':', not starting with a digit)");
        }
        Objects.requireNonNull(labels, "labels");
        TreeMap<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> label : labels.entrySet()) {
            checkLabelName(metric, label.getKey());
            String labelValue = Objects.requireNonNull(label.getValue(),
                    () -> "metric " + metric + ": label " + label.getKey() + " has a null value");
            if (!labelValue.isEmpty()) {
                copy.put(label.getKey(), labelValue);
            }
        }
        labels = Collections.unmodifiableSortedMap(copy);
    }

    /**
     * A sample with labels given as name, value pairs; refuses a name given twice, since a series cannot carry two
     * values for one label.
     */
    public static Sample of(String metric, double value, long timestampMillis, String... labelNamesAndValues) {
        if (labelNamesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("metric " + metric + ": labels must come as name, value pairs, got "
                    + labelNamesAndValues.length + " strings");
        }
        TreeMap<String, String> labels = new TreeMap<>();
        for (int i = 0; i < labelNamesAndValues.length; i += 2) {
            String name = labelNamesAndValues[i];
            checkLabelName(metric, name);
            if (labels.putIfAbsent(name, Objects.requireNonNull(labelNamesAndValues[i + 1],
                    "value of label " + name)) != null) {
                throw new IllegalArgumentException("metric " + metric + ": label " + name + " is given twice; "
                        + "a series has one value per label name");
            }
        }
        return new Sample(metric, labels, value, timestampMillis);
    }

    /** The labels that identify this sample's series: {@code __name__} (the metric) and the labels, sorted by name. */
    public SortedMap<String, String> seriesLabels() {
        TreeMap<String, String> series = new TreeMap<>(labels);
        series.put(NAME_LABEL, metric);
        return Collections.unmodifiableSortedMap(series);
    }

    private static void checkLabelName(String metric, String name) {
        if (name == null || !LABEL_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("metric " + metric + ": label name " + quoted(name)
                    + " is not a Prometheus label name: it must match [a-zA-Z_][a-zA-Z0-9_]*");
        }
        if (name.equals(NAME_LABEL)) {
            throw new IllegalArgumentException("metric " + metric + ": label __name__ is the metric name itself; "
                    + "give the name as the metric, not as a label");
        }
    }

    private static String quoted(String s) {
        return s == null ? "null" : "'" + s + "'";
    }
}
