package dev.ergometer.agent;

import dev.ergometer.fleet.HwpcReport;
import dev.ergometer.kafka.HwpcReportPublisher;
import dev.ergometer.kafka.KafkaSinkSettings;
import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sample;
import dev.ergometer.sink.Sink;
import dev.ergometer.sink.SinkException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent in sensor mode (docs/fleet.md): publishes its intervals to Kafka as PowerAPI HWPC reports keyed by the
 * machine, for {@code erg formula} workers (or PowerAPI's own tools) to turn into power.
 *
 * <p>So that the sensor's reports get the same bounded queue, retries and counts as every other sink, the scheduler
 * hands them over as samples, one per report event ({@link #samples}), which this sink puts back together.
 */
final class SensorSink implements Sink {

    /** The metric of the samples that carry HWPC events to this sink (never sent to other sinks). */
    static final String EVENT_METRIC = "ergometer_hwpc_event";

    private static final String META = "meta_";

    private final HwpcReportPublisher publisher;

    SensorSink(KafkaSinkSettings settings) {
        this.publisher = new HwpcReportPublisher(settings);
    }

    /** The reports as samples: one per event, labelled with the report's sensor, target, group, socket, cpu, event. */
    static List<Sample> samples(List<HwpcReport> reports) {
        List<Sample> samples = new ArrayList<>();
        for (HwpcReport report : reports) {
            List<String> meta = new ArrayList<>();
            report.metadata().forEach((name, value) -> {
                meta.add(META + name);
                meta.add(String.valueOf(value));
            });
            report.groups().forEach((group, sockets) -> sockets.forEach((socket, cpus) -> cpus.forEach((cpu, events) ->
                    events.forEach((event, value) -> {
                        List<String> labels = new ArrayList<>(List.of("sensor", report.sensor(), "target",
                                report.target(), "group", group, "socket", socket, "cpu", cpu, "event", event));
                        labels.addAll(meta);
                        samples.add(Sample.of(EVENT_METRIC, value, report.timestampMillis(),
                                labels.toArray(String[]::new)));
                    }))));
        }
        return samples;
    }

    /** The reports the samples of {@link #samples} describe, in their order. */
    static List<HwpcReport> reports(List<Sample> samples) {
        Map<String, HwpcReport.Builder> builders = new LinkedHashMap<>();
        for (Sample sample : samples) {
            if (!sample.metric().equals(EVENT_METRIC)) {
                continue;
            }
            Map<String, String> labels = sample.labels();
            String key = sample.timestampMillis() + "\u0000" + labels.get("sensor") + "\u0000" + labels.get("target");
            HwpcReport.Builder report = builders.computeIfAbsent(key, k -> {
                HwpcReport.Builder b = HwpcReport.builder(sample.timestampMillis(), labels.get("sensor"),
                        labels.get("target"));
                labels.forEach((name, value) -> {
                    if (name.startsWith(META)) {
                        b.metadata(name.substring(META.length()), value);
                    }
                });
                return b;
            });
            report.event(labels.get("group"), labels.get("socket"), labels.get("cpu"), labels.get("event"),
                    sample.value());
        }
        List<HwpcReport> reports = new ArrayList<>(builders.size());
        builders.values().forEach(b -> reports.add(b.build()));
        return reports;
    }

    @Override
    public void accept(Batch batch) throws SinkException {
        List<HwpcReport> reports = reports(batch.samples());
        if (!reports.isEmpty()) {
            publisher.publish(reports);
        }
    }

    @Override
    public void close() {
        publisher.close();
    }
}
