package dev.ergometer.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.meter.EnergySample;
import dev.ergometer.prometheus.PrometheusServer.Point;
import dev.ergometer.sink.Backoff;
import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sample;
import dev.ergometer.sink.SinkQueue;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The remote-write sender against a real Prometheus (Debian's {@code prometheus}, started by the test on a free
 * loopback port with {@code --web.enable-remote-write-receiver}); values are read back through /api/v1/query and
 * must match exactly. Fails, never skips, without the binary: {@code apt-get install prometheus}.
 */
class RealPrometheusTest {

    private static final long BASE_MILLIS = System.currentTimeMillis() - 10 * 60_000;

    @Test
    void pushedValuesComeBackExactlyThroughTheQueryApi(@TempDir Path folder) throws Exception {
        double[] values = {0, 12.345678901234567, 1e-7, 123456789012.25, 0.1 + 0.2, -3.5};
        List<Sample> samples = new ArrayList<>();
        for (int i = values.length - 1; i >= 0; i--) {   // out of order on purpose: the sender sorts
            samples.add(Sample.of("ergometer_energy_joules_total", values[i], BASE_MILLIS + i * 1000L,
                    "socket", "0", "domain", "package_0", "empty", ""));
            samples.add(Sample.of("ergometer_energy_joules_total", values[i] * 2, BASE_MILLIS + i * 1000L,
                    "domain", "dram_0", "socket", "0"));
        }
        try (PrometheusServer prometheus = PrometheusServer.start(folder);
             RemoteWriteSink sink = RemoteWriteSink.to(prometheus.remoteWriteUri())) {
            sink.accept(new Batch(samples));

            List<Point> packageExpected = new ArrayList<>();
            List<Point> dramExpected = new ArrayList<>();
            for (int i = 0; i < values.length; i++) {
                packageExpected.add(new Point(BASE_MILLIS + i * 1000L, values[i]));
                dramExpected.add(new Point(BASE_MILLIS + i * 1000L, values[i] * 2));
            }
            assertThat(prometheus.rawSamples("ergometer_energy_joules_total{domain=\"package_0\",socket=\"0\"}"))
                    .containsExactlyElementsOf(packageExpected);
            assertThat(prometheus.rawSamples("ergometer_energy_joules_total{domain=\"dram_0\"}"))
                    .containsExactlyElementsOf(dramExpected);
        }
    }

    @Test
    void cpuPyjoulesSeriesArriveAsTheSeedNamesThem(@TempDir Path folder) throws Exception {
        Map<String, Double> energy = new LinkedHashMap<>();
        energy.put("package_0", 123456.0);
        energy.put("core_0", 3456.0);
        EnergySample interval = new EnergySample(BASE_MILLIS / 1000.0, "tick", 0.1, energy);
        try (PrometheusServer prometheus = PrometheusServer.start(folder);
             RemoteWriteSink sink = RemoteWriteSink.to(prometheus.remoteWriteUri())) {
            sink.accept(PyJoulesSeries.batch(List.of(interval), "cpu-pyjoules"));

            assertThat(prometheus.rawSamples(
                    "pyjoules_remote_write_energy_uj{component=\"package-0\",source=\"cpu-pyjoules\"}"))
                    .containsExactly(new Point(BASE_MILLIS, 123456.0));
            assertThat(prometheus.rawSamples(
                    "pyjoules_remote_write_energy_uj{component=\"core\",source=\"cpu-pyjoules\"}"))
                    .containsExactly(new Point(BASE_MILLIS, 3456.0));
        }
    }

    /**
     * The outage case, at the agent's own pace: a batch of 3 samples every second, Prometheus stopped for 30 s
     * and started again, Prometheus' default backoff (about 12 s of retries per batch) and a buffer of 5 batches.
     * Every batch either arrives whole and exactly once or is counted as dropped: nothing is lost silently and nothing
     * is counted twice. The batches from before the outage and the 5 newest (still buffered when Prometheus returns)
     * arrive; the outage outlasts the retry budget, so some batches in between are dropped.
     */
    @Test
    void thirtySecondOutageDeliversEverySampleWithinTheBudgetExactlyOnceAndCountsTheRest(@TempDir Path folder)
            throws Exception {
        int buffered = 5;
        long start = System.currentTimeMillis() - 60_000;
        List<Batch> offered = new ArrayList<>();
        try (PrometheusServer prometheus = PrometheusServer.start(folder);
             SinkQueue queue = SinkQueue.start("remote-write", RemoteWriteSink.to(prometheus.remoteWriteUri()),
                     buffered, Backoff.prometheusDefault(), Duration.ofSeconds(10))) {
            for (int id = 0; id < 3; id++) {
                offered.add(outageBatch(id, start));
                queue.offer(offered.getLast());
            }
            assertThat(queue.awaitIdle(Duration.ofSeconds(10))).as(prometheus.log()).isTrue();

            prometheus.stopProcess();
            long outageEnd = System.nanoTime() + 30_000_000_000L;
            for (int id = 3; System.nanoTime() < outageEnd; id++) {
                offered.add(outageBatch(id, start));
                queue.offer(offered.getLast());
                Thread.sleep(1_000);
            }
            prometheus.startProcess();
            assertThat(queue.awaitIdle(Duration.ofSeconds(60))).as(prometheus.log()).isTrue();

            List<Point> stored = prometheus.rawSamples("ergometer_outage_test");
            Map<Long, Double> byTimestamp = new LinkedHashMap<>();
            for (Point point : stored) {
                assertThat(byTimestamp.put(point.timestampMillis(), point.value()))
                        .as("sample at %d stored once", point.timestampMillis()).isNull();
            }
            List<Integer> arrived = new ArrayList<>();
            for (int id = 0; id < offered.size(); id++) {
                int present = 0;
                for (Sample sample : offered.get(id).samples()) {
                    Double value = byTimestamp.get(sample.timestampMillis());
                    if (value != null) {
                        assertThat(value).isEqualTo(sample.value());
                        present++;
                    }
                }
                assertThat(present).as("batch %d arrives whole or not at all", id).isIn(0, 3);
                if (present == 3) {
                    arrived.add(id);
                }
            }
            int total = offered.size();
            assertThat(arrived).as("the batches before the outage").contains(0, 1, 2);
            for (int id = total - buffered; id < total; id++) {
                assertThat(arrived).as("the %d newest batches, buffered when Prometheus came back", buffered)
                        .contains(id);
            }
            assertThat(queue.counts().sentSamples()).isEqualTo(3L * arrived.size()).isEqualTo(stored.size());
            assertThat(queue.counts().droppedSamples()).as("what did not arrive is counted")
                    .isEqualTo(3L * (total - arrived.size())).isPositive();
            assertThat(queue.counts().retriedSamples()).isPositive();
        }
    }

    private static Batch outageBatch(int id, long startMillis) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            samples.add(Sample.of("ergometer_outage_test", id * 10 + i, startMillis + id * 1000L + i * 100L));
        }
        return new Batch(samples);
    }
}
