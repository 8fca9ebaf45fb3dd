/**
 * Kafka delivery: {@link dev.ergometer.kafka.KafkaSink} writes each sample as one JSON record keyed by host (driven by
 * a {@link dev.ergometer.sink.SinkQueue}, which owns retries and buffering), configured by
 * {@link dev.ergometer.kafka.KafkaSinkSettings}.
 */
package dev.ergometer.kafka;
