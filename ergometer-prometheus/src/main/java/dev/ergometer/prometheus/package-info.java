/**
 * Prometheus delivery: {@link dev.ergometer.prometheus.RemoteWriteSink} pushes batches with remote-write 1.0 (driven by
 * a {@link dev.ergometer.sink.SinkQueue}, which owns retries and buffering), {@link dev.ergometer.prometheus.PyJoulesSeries}
 * maps intervals to cpu-pyjoules' series, and {@link dev.ergometer.prometheus.PrometheusText} writes /metrics in the text
 * format and OpenMetrics.
 */
package dev.ergometer.prometheus;
