/**
 * OpenTelemetry delivery: {@link dev.ergometer.otlp.OtlpSink} pushes batches as OTel metrics over OTLP/HTTP with the
 * OpenTelemetry SDK's exporter (driven by a {@link dev.ergometer.sink.SinkQueue}, which owns retries and buffering),
 * configured by {@link dev.ergometer.otlp.OtlpSettings}.
 */
package dev.ergometer.otlp;
