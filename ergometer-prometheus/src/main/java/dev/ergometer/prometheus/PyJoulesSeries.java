package dev.ergometer.prometheus;

import dev.ergometer.meter.EnergySample;
import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The seed-compatible series of cpu-pyjoules: each domain's energy over one interval as
 * {@code pyjoules_remote_write_energy_uj{component="package-0",source="cpu-pyjoules"}} in microjoules, stamped with
 * the interval's start, so dashboards and queries written for cpu-pyjoules keep working.
 *
 * <p>The {@code component} is the RAPL zone name cpu-pyjoules reports ({@code package-0}, {@code core},
 * {@code uncore}, {@code dram}, {@code psys}); {@code source} is {@code SERVICE_LABEL}. cpu-pyjoules ran on one
 * socket, where {@code core_0} is plain {@code core}; on socket {@code N > 0} the component is {@code core-N} so that
 * two sockets never merge into one series. Other domains (GPUs, {@code machine}) keep their Ergometer id.
 */
public final class PyJoulesSeries {

    /** The metric name cpu-pyjoules pushes. */
    public static final String METRIC = "pyjoules_remote_write_energy_uj";

    private static final Pattern SOCKET_DOMAIN = Pattern.compile("(package|core|uncore|dram)_(\\d+)");

    private PyJoulesSeries() {
    }

    /** The samples of one measured interval, one per domain, labelled with {@code source=serviceLabel}. */
    public static List<Sample> of(EnergySample interval, String serviceLabel) {
        Objects.requireNonNull(serviceLabel, "serviceLabel");
        long timestampMillis = Math.round(interval.timestampSeconds() * 1000);
        List<Sample> samples = new ArrayList<>(interval.energyMicrojoules().size());
        for (Map.Entry<String, Double> domain : interval.energyMicrojoules().entrySet()) {
            samples.add(Sample.of(METRIC, domain.getValue(), timestampMillis,
                    "component", component(domain.getKey()), "source", serviceLabel));
        }
        return samples;
    }

    /** All intervals as one batch, e.g. what accumulated during one {@code PUSH_INTERVAL_S}. */
    public static Batch batch(List<EnergySample> intervals, String serviceLabel) {
        List<Sample> samples = new ArrayList<>();
        for (EnergySample interval : intervals) {
            samples.addAll(of(interval, serviceLabel));
        }
        return new Batch(samples);
    }

    /** The cpu-pyjoules component name of an Ergometer domain id ({@code package_0} is {@code package-0}). */
    public static String component(String domainId) {
        if (domainId.equals("psys")) {
            return "psys";
        }
        Matcher m = SOCKET_DOMAIN.matcher(domainId);
        if (!m.matches()) {
            return domainId;
        }
        String zone = m.group(1);
        String socket = m.group(2);
        if (zone.equals("package")) {
            return "package-" + socket;
        }
        return socket.equals("0") ? zone : zone + "-" + socket;
    }
}
