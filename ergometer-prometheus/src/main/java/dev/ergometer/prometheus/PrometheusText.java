package dev.ergometer.prometheus;

import dev.ergometer.sink.Sample;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The writer of /metrics: metric families in Prometheus' text format 0.0.4 or in OpenMetrics 1.0.
 *
 * <pre>
 * # HELP ergometer_energy_joules_total Energy used since the agent started.
 * # TYPE ergometer_energy_joules_total counter
 * ergometer_energy_joules_total{domain="package_0",socket="0"} 12.5
 * </pre>
 *
 * <p>Samples are written without timestamps (the scraper stamps them); label values escape {@code \}, {@code "} and
 * line feeds; NaN and infinities are written {@code NaN}, {@code +Inf} and {@code -Inf}.
 */
public final class PrometheusText {

    private PrometheusText() {
    }

    /** The exposition of {@code families} in {@code format}, as a string. */
    public static String write(List<MetricFamily> families, ExpositionFormat format) {
        StringBuilder out = new StringBuilder(256 * Math.max(1, families.size()));
        write(families, format, out);
        return out.toString();
    }

    /** Writes the exposition of {@code families} in {@code format} to {@code out}. */
    public static void write(List<MetricFamily> families, ExpositionFormat format, Appendable out) {
        try {
            for (MetricFamily family : families) {
                if (format == ExpositionFormat.OPENMETRICS) {
                    writeOpenMetricsHeader(family, out);
                } else {
                    writeTextHeader(family, out);
                }
                for (Sample sample : family.samples()) {
                    writeSample(sample, out);
                }
            }
            if (format == ExpositionFormat.OPENMETRICS) {
                out.append("# EOF\n");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("writing the metrics exposition failed", e);
        }
    }

    private static void writeTextHeader(MetricFamily family, Appendable out) throws IOException {
        String name = family.sampleName();
        if (!family.help().isEmpty()) {
            out.append("# HELP ").append(name).append(' ').append(escapeHelp(family.help(), false)).append('\n');
        }
        out.append("# TYPE ").append(name).append(' ').append(typeName(family)).append('\n');
    }

    private static void writeOpenMetricsHeader(MetricFamily family, Appendable out) throws IOException {
        String name = family.name();
        out.append("# TYPE ").append(name).append(' ').append(typeName(family)).append('\n');
        if (!family.unit().isEmpty()) {
            out.append("# UNIT ").append(name).append(' ').append(family.unit()).append('\n');
        }
        if (!family.help().isEmpty()) {
            out.append("# HELP ").append(name).append(' ').append(escapeHelp(family.help(), true)).append('\n');
        }
    }

    private static void writeSample(Sample sample, Appendable out) throws IOException {
        out.append(sample.metric());
        if (!sample.labels().isEmpty()) {
            out.append('{');
            boolean first = true;
            for (Map.Entry<String, String> label : sample.labels().entrySet()) {
                if (!first) {
                    out.append(',');
                }
                first = false;
                out.append(label.getKey()).append("=\"").append(escapeLabelValue(label.getValue())).append('"');
            }
            out.append('}');
        }
        out.append(' ').append(formatValue(sample.value())).append('\n');
    }

    private static String typeName(MetricFamily family) {
        return family.type().name().toLowerCase(Locale.ROOT);
    }

    /** A number as both formats write it: {@code NaN}, {@code +Inf}, {@code -Inf}, or Java's shortest decimal. */
    static String formatValue(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        return Double.toString(value);
    }

    static String escapeLabelValue(String value) {
        StringBuilder escaped = null;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            String replacement = switch (c) {
                case '\\' -> "\\\\";
                case '"' -> "\\\"";
                case '\n' -> "\\n";
                default -> null;
            };
            if (replacement != null && escaped == null) {
                escaped = new StringBuilder(value.length() + 8).append(value, 0, i);
            }
            if (escaped != null) {
                if (replacement != null) {
                    escaped.append(replacement);
                } else {
                    escaped.append(c);
                }
            }
        }
        return escaped == null ? value : escaped.toString();
    }

    private static String escapeHelp(String help, boolean quotes) {
        String escaped = help.replace("\\", "\\\\").replace("\n", "\\n");
        return quotes ? escaped.replace("\"", "\\\"") : escaped;
    }
}
