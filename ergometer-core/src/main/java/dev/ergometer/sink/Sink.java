package dev.ergometer.sink;

/**
 * A destination for samples (Prometheus remote-write, files, MongoDB, Kafka, OTLP): it writes one batch per call and
 * nothing else.
 *
 * <p>A sink never loops, sleeps or retries by itself: {@link #accept} makes exactly one attempt and reports through
 * {@link SinkException#retryable()} whether another attempt may succeed. Scheduling belongs to the caller: a
 * {@link SinkQueue} per sink buffers batches, retries on its own thread with a {@link Backoff}, and drops (and
 * counts) what cannot be delivered, so that a slow or dead sink never delays sampling or the other sinks.
 */
public interface Sink extends AutoCloseable {

    /** Writes one batch, in one attempt. */
    void accept(Batch batch) throws SinkException;

    /** Releases the sink's connections and files; the default holds none. */
    @Override
    default void close() {
    }
}
