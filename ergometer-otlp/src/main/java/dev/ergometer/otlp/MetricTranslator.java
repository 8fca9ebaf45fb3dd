package dev.ergometer.otlp;

import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sample;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.Data;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.GaugeData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;

/**
 * The translation of Ergometer samples (Prometheus-style series) into OpenTelemetry metrics, following the
 * "Prometheus metric points to OTLP" part of OpenTelemetry's Prometheus and OpenMetrics compatibility specification.
 *
 * <ul>
 *   <li>The metric name is kept unchanged (the specification's default), so that a receiver translating back to
 *       Prometheus (which adds a unit suffix only when the name lacks it, and {@code _total} only when the name lacks
 *       it) arrives at the same series name.</li>
 *   <li>A metric whose name ends in {@code _total} is a counter: a cumulative, monotonic Sum. Any other is a Gauge.</li>
 *   <li>The unit comes from the name's unit suffix (before {@code _total}), converted to the OTel/UCUM abbreviation:
 *       {@code _joules} J, {@code _watts} W, {@code _uj} and {@code _microjoules} uJ, {@code _seconds} s,
 *       {@code _bytes} By, {@code _ratio} 1; no recognised suffix, no unit.</li>
 *   <li>Every label becomes a string attribute of the point, {@code estimated} included.</li>
 *   <li>Point time is the sample's timestamp. A cumulative point's start time is the time this sink first saw the
 *       series, moved to the previous point's time when the value drops (a counter reset). Gauges carry no start
 *       time.</li>
 * </ul>
 *
 * <p>{@link #translate} does not change what the translator remembers; {@link #commit} does, once the receiver has
 * taken the batch. A retried batch therefore translates to exactly the same request. Series not delivered for
 * {@link #FORGET_AFTER_NANOS} are forgotten (and start anew if they come back), so that churning series (processes
 * that come and go) do not grow memory without bound. Not thread-safe: the sink calls it under its lock.
 */
final class MetricTranslator {

    /** How long a cumulative series may go undelivered before its start time is forgotten: one hour. */
    static final long FORGET_AFTER_NANOS = 3_600_000_000_000L;

    private static final long PRUNE_EVERY_NANOS = 60_000_000_000L;
    private static final String COUNTER_SUFFIX = "_total";

    private final Resource resource;
    private final InstrumentationScopeInfo scope;
    private final Map<SeriesKey, CounterState> counters = new HashMap<>();
    private long lastPruneNanos = Long.MIN_VALUE;

    MetricTranslator(Resource resource, InstrumentationScopeInfo scope) {
        this.resource = resource;
        this.scope = scope;
    }

    /** One series: metric name and labels. */
    record SeriesKey(String metric, SortedMap<String, String> labels) {
    }

    /** What is remembered of one cumulative series: its start, and its last delivered point. */
    record CounterState(long startNanos, double lastValue, long lastNanos) {
    }

    /** The metrics of one batch and the counter states to remember once it is delivered. */
    record Translation(List<MetricData> metrics, Map<SeriesKey, CounterState> counterUpdates, long newestNanos) {
    }

    /**
     * The metrics for {@code batch}, one per metric name in order of first appearance, points in batch order.
     *
     * @throws IllegalArgumentException when a sample has a negative timestamp, which OTLP cannot carry
     */
    Translation translate(Batch batch) {
        Map<String, List<DoublePointData>> pointsByMetric = new LinkedHashMap<>();
        Map<SeriesKey, CounterState> updates = new HashMap<>();
        long newestNanos = Long.MIN_VALUE;
        for (Sample sample : batch.samples()) {
            long epochNanos = epochNanos(sample);
            newestNanos = Math.max(newestNanos, epochNanos);
            long startNanos = 0;
            if (isCounter(sample.metric())) {
                SeriesKey key = new SeriesKey(sample.metric(), sample.labels());
                CounterState before = updates.containsKey(key) ? updates.get(key) : counters.get(key);
                CounterState after = advance(before, sample.value(), epochNanos);
                updates.put(key, after);
                startNanos = Math.min(after.startNanos(), epochNanos);
            }
            pointsByMetric.computeIfAbsent(sample.metric(), name -> new ArrayList<>())
                    .add(DoublePointData.create(startNanos, epochNanos, attributes(sample.labels()), sample.value(),
                            List.of()));
        }
        List<MetricData> metrics = new ArrayList<>(pointsByMetric.size());
        pointsByMetric.forEach((name, points) -> metrics.add(metric(name, points)));
        return new Translation(List.copyOf(metrics), updates, newestNanos);
    }

    /** Remembers the counter states of a delivered batch, and forgets series left undelivered for an hour. */
    void commit(Translation translation) {
        counters.putAll(translation.counterUpdates());
        long now = translation.newestNanos();
        if (lastPruneNanos == Long.MIN_VALUE || now - lastPruneNanos >= PRUNE_EVERY_NANOS) {
            lastPruneNanos = now;
            for (Iterator<CounterState> it = counters.values().iterator(); it.hasNext(); ) {
                if (now - it.next().lastNanos() > FORGET_AFTER_NANOS) {
                    it.remove();
                }
            }
        }
    }

    /** The number of cumulative series whose start time is remembered. */
    int rememberedSeries() {
        return counters.size();
    }

    /** The OTel unit for a Prometheus metric name, from its unit suffix; empty when it has none we know. */
    static String unit(String metric) {
        String base = isCounter(metric) ? metric.substring(0, metric.length() - COUNTER_SUFFIX.length()) : metric;
        int underscore = base.lastIndexOf('_');
        String suffix = underscore < 0 ? "" : base.substring(underscore + 1);
        return switch (suffix) {
            case "joules" -> "J";
            case "watts" -> "W";
            case "uj", "microjoules" -> "uJ";
            case "seconds" -> "s";
            case "bytes" -> "By";
            case "ratio" -> "1";
            default -> "";
        };
    }

    static boolean isCounter(String metric) {
        return metric.endsWith(COUNTER_SUFFIX) && metric.length() > COUNTER_SUFFIX.length();
    }

    private static CounterState advance(CounterState before, double value, long epochNanos) {
        if (before == null) {
            return new CounterState(epochNanos, value, epochNanos);
        }
        if (epochNanos <= before.lastNanos()) {
            return before;   // an older point than the last one delivered: it changes nothing
        }
        if (value < before.lastValue()) {
            // A reset happened after the previous point: the new run starts there.
            return new CounterState(before.lastNanos(), value, epochNanos);
        }
        return new CounterState(before.startNanos(), value, epochNanos);
    }

    private MetricData metric(String name, List<DoublePointData> points) {
        if (isCounter(name)) {
            return new SampleMetricData(resource, scope, name, unit(name), MetricDataType.DOUBLE_SUM,
                    SumData.createDoubleSumData(true, AggregationTemporality.CUMULATIVE, points));
        }
        return new SampleMetricData(resource, scope, name, unit(name), MetricDataType.DOUBLE_GAUGE,
                GaugeData.createDoubleGaugeData(points));
    }

    private static Attributes attributes(SortedMap<String, String> labels) {
        AttributesBuilder builder = Attributes.builder();
        labels.forEach(builder::put);
        return builder.build();
    }

    private static long epochNanos(Sample sample) {
        if (sample.timestampMillis() < 0) {
            throw new IllegalArgumentException("sample " + sample.metric() + sample.labels() + " has timestamp "
                    + sample.timestampMillis() + " ms, before 1970; OTLP carries unsigned nanoseconds since the epoch");
        }
        return Math.multiplyExact(sample.timestampMillis(), 1_000_000L);
    }

    /** One translated metric; MetricData has no public factory, only internal ones, so this implements it. */
    private record SampleMetricData(Resource resource, InstrumentationScopeInfo scope, String name, String unit,
                                    MetricDataType type, Data<?> data) implements MetricData {

        @Override
        public Resource getResource() {
            return resource;
        }

        @Override
        public InstrumentationScopeInfo getInstrumentationScopeInfo() {
            return scope;
        }

        @Override
        public String getName() {
            return name;
        }

        @Override
        public String getDescription() {
            return "";
        }

        @Override
        public String getUnit() {
            return unit;
        }

        @Override
        public MetricDataType getType() {
            return type;
        }

        @Override
        public Data<?> getData() {
            return data;
        }
    }
}
