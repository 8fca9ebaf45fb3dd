package dev.ergometer.sink;

/**
 * What a {@link SinkQueue} has done with the samples it was given, counted in samples.
 *
 * @param sentSamples samples the sink accepted
 * @param retriedSamples samples sent again after a retryable failure, once per retry
 * @param droppedSamples samples given up: refused by the sink, out of attempts, pushed out of a full buffer, or
 *     still waiting when the queue closed
 * @param queuedBatches batches waiting for their turn now (the one being sent not included)
 */
public record SinkQueueCounts(long sentSamples, long retriedSamples, long droppedSamples, int queuedBatches) {
}
