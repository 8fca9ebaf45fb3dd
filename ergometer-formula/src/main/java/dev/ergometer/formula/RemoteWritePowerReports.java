package dev.ergometer.formula;

import dev.ergometer.fleet.PowerReport;
import dev.ergometer.prometheus.RemoteWriteSink;
import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sample;
import dev.ergometer.sink.SinkException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Power reports pushed to a Prometheus remote-write receiver as the series {@value #METRIC}{sensor, target, domain,
 * formula}, one sample per report at the report's own timestamp.
 *
 * <p>A report written again (after a worker died) is the same sample at the same timestamp: Prometheus keeps a
 * repeated sample whose timestamp is its series' newest once, and refuses one older than the newest as out of order,
 * rolling back the whole request. So a push refused as out of order or duplicate is split into one push per sensor and
 * tick; each of those is either new and stored, or entirely written before (Prometheus stores a request whole or not at
 * all) and its refusal is expected and skipped.
 */
public final class RemoteWritePowerReports implements PowerReportOutput {

    /** The metric of every pushed series. */
    public static final String METRIC = "ergometer_fleet_power_watts";

    private final RemoteWriteSink sink;
    private final String formula;
    private long repeatsSkipped;

    /** Pushes through {@code sink}, labelling every series with {@code formula} ({@code cpu-share}, ...). */
    public RemoteWritePowerReports(RemoteWriteSink sink, String formula) {
        this.sink = sink;
        this.formula = formula;
    }

    @Override
    public String name() {
        return "remote-write";
    }

    /** Pushes of one sensor and tick that Prometheus had stored already. */
    public synchronized long repeatsSkipped() {
        return repeatsSkipped;
    }

    @Override
    public synchronized void write(List<PowerReport> reports) throws SinkException {
        if (reports.isEmpty()) {
            return;
        }
        try {
            sink.accept(batch(reports));
        } catch (SinkException e) {
            if (e.retryable() || !isRepeat(e)) {
                throw e;
            }
            Map<String, List<PowerReport>> byTick = new LinkedHashMap<>();
            for (PowerReport report : reports) {
                byTick.computeIfAbsent(report.sensor() + "\n" + report.timestampMillis(), k -> new ArrayList<>())
                        .add(report);
            }
            for (List<PowerReport> tick : byTick.values()) {
                try {
                    sink.accept(batch(tick));
                } catch (SinkException one) {
                    if (one.retryable() || !isRepeat(one)) {
                        throw one;
                    }
                    repeatsSkipped++;
                }
            }
        }
    }

    private static boolean isRepeat(SinkException e) {
        String message = e.getMessage().toLowerCase(Locale.ROOT);
        return message.contains("out of order") || message.contains("duplicate sample")
                || message.contains("out of bounds");
    }

    private Batch batch(List<PowerReport> reports) {
        List<Sample> samples = new ArrayList<>(reports.size());
        for (PowerReport r : reports) {
            samples.add(Sample.of(METRIC, r.powerWatts(), r.timestampMillis(), "sensor", r.sensor(), "target",
                    r.target(), "domain", r.domain(), "formula", formula));
        }
        return new Batch(samples);
    }

    @Override
    public String toString() {
        return "RemoteWritePowerReports[" + sink.endpoint() + "]";
    }
}
