package dev.ergometer.tablesaw;

import dev.ergometer.meter.EnergySample;
import dev.ergometer.meter.EnergyTrace;
import dev.ergometer.meter.handler.EnergyHandler;
import java.util.List;
import java.util.Objects;
import tech.tablesaw.api.DoubleColumn;
import tech.tablesaw.api.StringColumn;
import tech.tablesaw.api.Table;

/**
 * Collects the samples of every processed trace in one Tablesaw table, as pyJoules' {@code PandasHandler} collects
 * them in a pandas DataFrame:
 * <pre>
 *      timestamp  |  tag  |  duration  |  package_0  |  nvidia_gpu_0  |
 *  1700000001.5   |  foo  |         2  |       3000  |           120  |
 *  1700000003.5   |  bar  |      0.25  |      512.5  |             7  |
 * </pre>
 * One row per sample, in the order processed: {@code timestamp} (epoch seconds), {@code tag}, {@code duration}
 * (seconds), then one column per domain id holding its energy in µJ, all numbers as doubles. The domain columns are
 * those of the first sample processed; every later sample must measure the same domains, in any order.
 *
 * <p>The table keeps pyJoules' columns even when the numbers are estimated by a model; the traces' origin is not in
 * it (see {@link EnergyTrace#origin()}).
 *
 * <pre>{@code
 * DataFrameHandler frame = new DataFrameHandler();
 * try (EnergyContext ctx = EnergyContext.open(frame, DomainSelection.of(RaplDomains.packageOf(0)), "foo")) {
 *     foo();
 *     ctx.record("bar");
 *     bar();
 * }
 * Table table = frame.getDataFrame();
 * }</pre>
 */
public final class DataFrameHandler implements EnergyHandler {

    /** The name of the table {@link #getDataFrame()} returns. */
    public static final String TABLE_NAME = "energy";

    private final Table table = Table.create(TABLE_NAME,
            DoubleColumn.create("timestamp"), StringColumn.create("tag"), DoubleColumn.create("duration"));
    private List<String> domains;
    private String firstTag;

    /**
     * Appends one row per sample of the trace. Nothing is appended when a sample does not fit the columns.
     *
     * @throws IllegalArgumentException when a sample measures other domains than the first sample processed
     */
    @Override
    public synchronized void process(EnergyTrace trace) {
        Objects.requireNonNull(trace, "trace");
        if (trace.isEmpty()) {
            return;
        }
        List<String> columns = domains != null ? domains : trace.get(0).domains();
        String columnsTag = domains != null ? firstTag : trace.get(0).tag();
        for (EnergySample sample : trace) {
            requireDomains(sample, columns, columnsTag);
        }
        if (domains == null) {
            domains = columns;
            firstTag = columnsTag;
            for (String domain : domains) {
                table.addColumns(DoubleColumn.create(domain));
            }
        }
        for (EnergySample sample : trace) {
            table.doubleColumn("timestamp").append(sample.timestampSeconds());
            table.stringColumn("tag").append(sample.tag());
            table.doubleColumn("duration").append(sample.durationSeconds());
            for (String domain : domains) {
                table.doubleColumn(domain).append(sample.energyMicrojoules(domain));
            }
        }
    }

    /**
     * A copy of the table of all the samples processed so far (pyJoules' {@code get_dataframe()}); before any sample,
     * a table with the columns timestamp, tag and duration only.
     */
    public synchronized Table getDataFrame() {
        return table.copy();
    }

    private static void requireDomains(EnergySample sample, List<String> columns, String columnsTag) {
        if (sample.domains().size() == columns.size() && columns.containsAll(sample.domains())) {
            return;
        }
        List<String> missing = columns.stream().filter(d -> !sample.domains().contains(d)).toList();
        List<String> extra = sample.domains().stream().filter(d -> !columns.contains(d)).toList();
        throw new IllegalArgumentException("sample '" + sample.tag() + "' measures " + sample.domains()
                + " but the table's domain columns are " + columns + " (from sample '" + columnsTag + "')"
                + (missing.isEmpty() ? "" : "; it lacks " + missing)
                + (extra.isEmpty() ? "" : "; it adds " + extra)
                + ": a table has one set of columns, so collect traces of different domains in different handlers");
    }
}
