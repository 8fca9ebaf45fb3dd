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
     * The outage case, shortened to a 3 s outage so the suite stays fast: the retry budget (100 ms doubling
     * to 1 s, 20 attempts, about 16 s) outlasts it; the buffer holds 2 batches, so of the 5 batches offered while
     * Prometheus is down the one being retried and the 2 newest arrive, and the 2 pushed out are counted dropped.
     */
    @Test
    void aShortOutageLosesNothingWithinTheRetryBudgetAndCountsWhatItDrops(@TempDir Path folder) throws Exception {
        Backoff backoff = new Backoff(Duration.ofMillis(100), Duration.ofSeconds(1), 2, 0.2, 20);
        try (PrometheusServer prometheus = PrometheusServer.start(folder);
             SinkQueue queue = SinkQueue.start("remote-write", RemoteWriteSink.to(prometheus.remoteWriteUri()), 2,
                     backoff, Duration.ofSeconds(10))) {
            queue.offer(batch(1));
            assertThat(queue.awaitIdle(Duration.ofSeconds(10))).isTrue();

            prometheus.stopProcess();
            queue.offer(batch(2));
            while (queue.counts().retriedSamples() == 0) {
                Thread.sleep(10);   // batch 2 is being retried
            }
            for (int id = 3; id <= 6; id++) {
                queue.offer(batch(id));
            }
            Thread.sleep(3000);
            prometheus.startProcess();
            assertThat(queue.awaitIdle(Duration.ofSeconds(30))).as(prometheus.log()).isTrue();

            List<Point> expected = new ArrayList<>();
            for (int id : new int[] {1, 2, 5, 6}) {
                for (Sample sample : batch(id).samples()) {
                    expected.add(new Point(sample.timestampMillis(), sample.value()));
                }
            }
            assertThat(prometheus.rawSamples("ergometer_outage_test")).containsExactlyElementsOf(expected);
            assertThat(queue.counts().sentSamples()).isEqualTo(4 * 3);
            assertThat(queue.counts().droppedSamples()).isEqualTo(2 * 3);
            assertThat(queue.counts().retriedSamples()).isPositive();
        }
    }

    private static Batch batch(int id) {
        List<Sample> samples = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            samples.add(Sample.of("ergometer_outage_test", id * 10 + i, BASE_MILLIS + id * 10_000L + i * 1000L));
        }
        return new Batch(samples);
    }
}
