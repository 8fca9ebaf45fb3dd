package dev.ergometer.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import dev.ergometer.otlp.OtlpReceiver.Reply;
import dev.ergometer.sink.Backoff;
import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sample;
import dev.ergometer.sink.SinkException;
import dev.ergometer.sink.SinkQueue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpSinkTest {

    private static final long T0_MILLIS = 1_700_000_000_123L;
    private static final long MS = 1_000_000L;

    private static OtlpSettings settings(OtlpReceiver receiver) {
        return OtlpSettings.to(receiver.endpoint()).withResourceAttribute("host.name", "test-host")
                .withTimeout(Duration.ofSeconds(5));
    }

    @Test
    void samplesArriveAsOtelMetricsWithTheirNamesUnitsAttributesAndResource() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver(); OtlpSink sink = new OtlpSink(settings(receiver))) {
            sink.accept(Batch.of(
                    Sample.of("ergometer_energy_joules_total", 12.5, T0_MILLIS,
                            "domain", "package_0", "socket", "0", "source", "powercap", "estimated", "false"),
                    Sample.of("ergometer_power_watts", 3.25, T0_MILLIS,
                            "domain", "package_0", "socket", "0", "source", "model", "estimated", "true"),
                    Sample.of("ergometer_consumer_power_watts", 0.75, T0_MILLIS, "consumer", "pid:1234",
                            "kind", "process", "name", "java", "domain", "package_0", "source", "model",
                            "estimated", "true"),
                    Sample.of("pyjoules_remote_write_energy_uj", 1_000_000, T0_MILLIS,
                            "component", "package_0", "source", "powercap")));

            assertThat(receiver.requests).hasSize(1);
            OtlpReceiver.Request request = receiver.requests.getFirst();
            assertThat(request.method()).isEqualTo("POST");
            assertThat(request.path()).isEqualTo("/v1/metrics");
            assertThat(request.headers().getFirst("Content-Type")).isEqualTo("application/x-protobuf");

            assertThat(request.body().getResourceMetricsList()).hasSize(1);
            ResourceMetrics resourceMetrics = request.body().getResourceMetrics(0);
            assertThat(attributes(resourceMetrics.getResource().getAttributesList()))
                    .containsExactlyInAnyOrderEntriesOf(Map.of("service.name", "ergometer", "host.name", "test-host"));
            assertThat(resourceMetrics.getScopeMetricsList()).hasSize(1);
            ScopeMetrics scope = resourceMetrics.getScopeMetrics(0);
            assertThat(scope.getScope().getName()).isEqualTo("dev.ergometer");
            assertThat(scope.getScope().getVersion()).isEqualTo(OtlpSink.VERSION).matches("\\d+\\.\\d+\\.\\d+.*");
            assertThat(scope.getMetricsList()).extracting(Metric::getName, Metric::getUnit).containsExactly(
                    tuple("ergometer_energy_joules_total", "J"),
                    tuple("ergometer_power_watts", "W"),
                    tuple("ergometer_consumer_power_watts", "W"),
                    tuple("pyjoules_remote_write_energy_uj", "uJ"));

            Metric energy = scope.getMetrics(0);
            assertThat(energy.hasSum()).isTrue();
            assertThat(energy.getSum().getIsMonotonic()).isTrue();
            assertThat(energy.getSum().getAggregationTemporality())
                    .isEqualTo(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
            NumberDataPoint energyPoint = energy.getSum().getDataPoints(0);
            assertThat(energyPoint.getAsDouble()).isEqualTo(12.5);
            assertThat(energyPoint.getTimeUnixNano()).isEqualTo(T0_MILLIS * MS);
            assertThat(energyPoint.getStartTimeUnixNano()).isEqualTo(T0_MILLIS * MS);
            assertThat(attributes(energyPoint.getAttributesList())).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "domain", "package_0", "socket", "0", "source", "powercap", "estimated", "false"));

            Metric power = scope.getMetrics(1);
            assertThat(power.hasGauge()).isTrue();
            NumberDataPoint powerPoint = power.getGauge().getDataPoints(0);
            assertThat(powerPoint.getAsDouble()).isEqualTo(3.25);
            assertThat(powerPoint.getTimeUnixNano()).isEqualTo(T0_MILLIS * MS);
            assertThat(powerPoint.getStartTimeUnixNano()).isZero();
            assertThat(attributes(powerPoint.getAttributesList())).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "domain", "package_0", "socket", "0", "source", "model", "estimated", "true"));

            NumberDataPoint consumerPoint = scope.getMetrics(2).getGauge().getDataPoints(0);
            assertThat(consumerPoint.getAsDouble()).isEqualTo(0.75);
            assertThat(attributes(consumerPoint.getAttributesList())).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "consumer", "pid:1234", "kind", "process", "name", "java", "domain", "package_0",
                    "source", "model", "estimated", "true"));

            NumberDataPoint pyJoulesPoint = scope.getMetrics(3).getGauge().getDataPoints(0);
            assertThat(pyJoulesPoint.getAsDouble()).isEqualTo(1_000_000);
            assertThat(attributes(pyJoulesPoint.getAttributesList())).containsExactlyInAnyOrderEntriesOf(Map.of(
                    "component", "package_0", "source", "powercap"));
        }
    }

    @Test
    void aCumulativeSeriesKeepsTheStartTimeOfItsFirstSightingAcrossBatches() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver(); OtlpSink sink = new OtlpSink(settings(receiver))) {
            sink.accept(Batch.of(energy("package_0", 10, T0_MILLIS), energy("package_0", 11, T0_MILLIS + 1000)));
            sink.accept(Batch.of(energy("package_0", 15, T0_MILLIS + 2000), energy("dram_0", 2, T0_MILLIS + 2000)));

            List<NumberDataPoint> first = sumPoints(receiver.requests.get(0));
            assertThat(first).extracting(NumberDataPoint::getStartTimeUnixNano, NumberDataPoint::getTimeUnixNano,
                    NumberDataPoint::getAsDouble).containsExactly(
                    tuple(T0_MILLIS * MS, T0_MILLIS * MS, 10.0),
                    tuple(T0_MILLIS * MS, (T0_MILLIS + 1000) * MS, 11.0));
            List<NumberDataPoint> second = sumPoints(receiver.requests.get(1));
            assertThat(second).extracting(NumberDataPoint::getStartTimeUnixNano, NumberDataPoint::getTimeUnixNano,
                    NumberDataPoint::getAsDouble).containsExactly(
                    tuple(T0_MILLIS * MS, (T0_MILLIS + 2000) * MS, 15.0),
                    tuple((T0_MILLIS + 2000) * MS, (T0_MILLIS + 2000) * MS, 2.0));
        }
    }

    @Test
    void aCounterThatDropsStartsANewRunAtThePreviousPoint() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver(); OtlpSink sink = new OtlpSink(settings(receiver))) {
            sink.accept(Batch.of(energy("package_0", 10, T0_MILLIS), energy("package_0", 12, T0_MILLIS + 1000)));
            sink.accept(Batch.of(energy("package_0", 1, T0_MILLIS + 2000), energy("package_0", 3, T0_MILLIS + 3000)));

            assertThat(sumPoints(receiver.requests.get(1))).extracting(NumberDataPoint::getStartTimeUnixNano)
                    .containsExactly((T0_MILLIS + 1000) * MS, (T0_MILLIS + 1000) * MS);
        }
    }

    @Test
    void aRetriedBatchIsSentExactlyAsTheFirstTime() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver(Reply.okAfter(0), Reply.status(503, 14, "collector busy"));
             OtlpSink sink = new OtlpSink(settings(receiver))) {
            sink.accept(Batch.of(energy("package_0", 10, T0_MILLIS), energy("package_0", 10.5, T0_MILLIS + 500)));
            // A counter reset inside the retried batch: both attempts must give it the same start.
            Batch batch = Batch.of(energy("package_0", 1, T0_MILLIS + 1000), energy("package_0", 2, T0_MILLIS + 2000));

            SinkException busy = catchThrowableOfType(SinkException.class, () -> sink.accept(batch));
            sink.accept(batch);

            assertThat(busy.retryable()).isTrue();
            assertThat(receiver.requests).hasSize(3);
            assertThat(receiver.requests.get(2).body()).isEqualTo(receiver.requests.get(1).body());
            assertThat(sumPoints(receiver.requests.get(2))).extracting(NumberDataPoint::getStartTimeUnixNano)
                    .containsExactly((T0_MILLIS + 500) * MS, (T0_MILLIS + 500) * MS);
        }
    }

    @Test
    void serverErrorsAndTooManyRequestsAreRetryableWithTheReceiversMessage() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver(Reply.status(500, 13, "internal: disk full"),
                Reply.status(503, 14, "unavailable"), Reply.status(429, 8, "slow down"),
                Reply.text(502, "<html>Bad Gateway</html>"));
             OtlpSink sink = new OtlpSink(settings(receiver))) {
            Batch batch = Batch.of(Sample.of("m", 1, T0_MILLIS));
            for (String expected : new String[] {"answered HTTP 500: internal: disk full",
                    "answered HTTP 503: unavailable", "answered HTTP 429: slow down",
                    "answered HTTP 502: <html>Bad Gateway</html>"}) {
                SinkException e = catchThrowableOfType(SinkException.class, () -> sink.accept(batch));
                assertThat(e.retryable()).as(expected).isTrue();
                assertThat(e).hasMessage("OTLP export to " + receiver.endpoint() + " " + expected);
            }
        }
    }

    @Test
    void clientErrorsArePermanentAndSayWhatToFix() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver(Reply.status(400, 3, "invalid metric"),
                Reply.text(401, "no token"), Reply.text(404, "not found"));
             OtlpSink sink = new OtlpSink(settings(receiver))) {
            Batch batch = Batch.of(Sample.of("m", 1, T0_MILLIS));

            SinkException badRequest = catchThrowableOfType(SinkException.class, () -> sink.accept(batch));
            assertThat(badRequest.retryable()).isFalse();
            assertThat(badRequest).hasMessageContaining("answered HTTP 400: invalid metric")
                    .hasMessageContaining("dropped, not retried");
            SinkException unauthorized = catchThrowableOfType(SinkException.class, () -> sink.accept(batch));
            assertThat(unauthorized.retryable()).isFalse();
            assertThat(unauthorized).hasMessageContaining("HTTP 401: no token").hasMessageContaining("credentials");
            SinkException notFound = catchThrowableOfType(SinkException.class, () -> sink.accept(batch));
            assertThat(notFound.retryable()).isFalse();
            assertThat(notFound).hasMessageContaining("HTTP 404").hasMessageContaining("/v1/metrics");
        }
    }

    @Test
    void nothingListeningIsRetryableAndNamesTheEndpoint() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        String endpoint = "http://127.0.0.1:" + port + "/v1/metrics";
        try (OtlpSink sink = new OtlpSink(OtlpSettings.to(endpoint))) {
            SinkException e = catchThrowableOfType(SinkException.class,
                    () -> sink.accept(Batch.of(Sample.of("m", 1, T0_MILLIS))));

            assertThat(e.retryable()).isTrue();
            assertThat(e).hasMessageStartingWith("OTLP export to " + endpoint + " failed: ConnectException")
                    .hasMessageEndingWith("is the receiver running and reachable?");
        }
    }

    @Test
    void aReceiverSlowerThanTheTimeoutIsRetryable() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver(Reply.okAfter(3_000));
             OtlpSink sink = new OtlpSink(settings(receiver).withTimeout(Duration.ofMillis(300)))) {
            long start = System.nanoTime();
            SinkException e = catchThrowableOfType(SinkException.class,
                    () -> sink.accept(Batch.of(Sample.of("m", 1, T0_MILLIS))));
            long tookMillis = (System.nanoTime() - start) / 1_000_000;

            assertThat(e.retryable()).isTrue();
            assertThat(e).hasMessageContaining("timed out after PT0.3S");
            assertThat(tookMillis).isBetween(250L, 2_500L);
        }
    }

    @Test
    void configuredHeadersAreSentAndNeverPrinted() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver();
             OtlpSink sink = new OtlpSink(settings(receiver).withHeader("Authorization", "Bearer s3cret")
                     .withHeader("X-Scope-OrgID", "lab"))) {
            sink.accept(Batch.of(Sample.of("m", 1, T0_MILLIS)));

            assertThat(receiver.requests.getFirst().headers().getFirst("Authorization")).isEqualTo("Bearer s3cret");
            assertThat(receiver.requests.getFirst().headers().getFirst("X-Scope-OrgID")).isEqualTo("lab");
            assertThat(sink.settings().toString()).contains("Authorization").doesNotContain("s3cret");
        }
    }

    @Test
    void anEmptyBatchSendsNothing() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver(); OtlpSink sink = new OtlpSink(settings(receiver))) {
            sink.accept(new Batch(List.of()));

            assertThat(receiver.requests).isEmpty();
            assertThat(sink.name()).isEqualTo("otlp");
        }
    }

    @Test
    void aSampleBefore1970IsRefusedPermanently() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver(); OtlpSink sink = new OtlpSink(settings(receiver))) {
            SinkException e = catchThrowableOfType(SinkException.class,
                    () -> sink.accept(Batch.of(Sample.of("m", 1, -1, "domain", "psys"))));

            assertThat(e.retryable()).isFalse();
            assertThat(e).hasMessageContaining("m{domain=psys} has timestamp -1 ms");
            assertThat(receiver.requests).isEmpty();
        }
    }

    @Test
    void aSinkQueueRetriesServerErrorsUntilTheBatchIsDelivered() throws Exception {
        try (OtlpReceiver receiver = new OtlpReceiver(Reply.text(500, "a"), Reply.text(503, "b"))) {
            SinkQueue queue = SinkQueue.start("otlp", new OtlpSink(settings(receiver)), 4,
                    new Backoff(Duration.ofMillis(10), Duration.ofMillis(50), 2, 0, 5), Duration.ofSeconds(5));
            try (queue) {
                queue.offer(Batch.of(energy("package_0", 4, T0_MILLIS)));
                assertThat(queue.awaitIdle(Duration.ofSeconds(10))).isTrue();
                assertThat(queue.counts().sentSamples()).isEqualTo(1);
                assertThat(queue.counts().retriedSamples()).isEqualTo(2);
            }
            assertThat(receiver.requests).extracting(OtlpReceiver.Request::answered).containsExactly(500, 503, 200);
        }
    }

    private static Sample energy(String domain, double joules, long timestampMillis) {
        return Sample.of("ergometer_energy_joules_total", joules, timestampMillis,
                "domain", domain, "source", "powercap", "estimated", "false");
    }

    private static List<NumberDataPoint> sumPoints(OtlpReceiver.Request request) {
        Metric metric = request.body().getResourceMetrics(0).getScopeMetrics(0).getMetrics(0);
        assertThat(metric.getName()).isEqualTo("ergometer_energy_joules_total");
        return metric.getSum().getDataPointsList();
    }

    private static Map<String, String> attributes(List<KeyValue> keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (KeyValue kv : keyValues) {
            assertThat(kv.getValue().hasStringValue()).as(kv.getKey()).isTrue();
            assertThat(map.put(kv.getKey(), kv.getValue().getStringValue())).as("duplicate " + kv.getKey()).isNull();
        }
        return map;
    }
}
