package dev.ergometer.formula;

import dev.ergometer.fleet.PowerReport;
import dev.ergometer.sink.SinkException;
import java.util.List;

/**
 * A store the formula workers write power reports to besides Kafka (MongoDB, Prometheus remote-write). A write must
 * be idempotent: after a worker dies, its successor writes the same reports again (same identity, same values), and
 * the store must keep them once.
 */
public interface PowerReportOutput extends AutoCloseable {

    /** A short name for logs: {@code mongodb}, {@code remote-write}. */
    String name();

    /** Writes the reports, in one attempt; a report already stored is not stored twice. */
    void write(List<PowerReport> reports) throws SinkException;

    @Override
    default void close() {
    }
}
