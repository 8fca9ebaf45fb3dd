package dev.ergometer.tablesaw;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.meter.EnergyOrigin;
import dev.ergometer.meter.EnergySample;
import dev.ergometer.meter.EnergyTrace;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tech.tablesaw.api.ColumnType;
import tech.tablesaw.api.Row;
import tech.tablesaw.api.Table;

class DataFrameHandlerTest {

    private static Map<String, Double> energy(Object... domainsAndValues) {
        Map<String, Double> energy = new LinkedHashMap<>();
        for (int i = 0; i < domainsAndValues.length; i += 2) {
            energy.put((String) domainsAndValues[i], (Double) domainsAndValues[i + 1]);
        }
        return energy;
    }

    private static EnergyTrace fooBar() {
        return EnergyTrace.of(List.of(
                new EnergySample(1_700_000_001.5, "foo", 2.0, energy("package_0", 3000.0, "nvidia_gpu_0", 120.0)),
                new EnergySample(1_700_000_003.5, "bar", 0.25, energy("package_0", 512.5, "nvidia_gpu_0", 7.0))));
    }

    /** Each row as a list of its cells, for exact comparison. */
    private static List<List<Object>> rows(Table table) {
        List<List<Object>> rows = new ArrayList<>();
        for (Row row : table) {
            List<Object> cells = new ArrayList<>();
            for (String column : table.columnNames()) {
                cells.add(row.getObject(column));
            }
            rows.add(cells);
        }
        return rows;
    }

    @Test
    void samplesBecomeRowsWithPyJoulesColumnsInMicrojoules() {
        DataFrameHandler handler = new DataFrameHandler();

        handler.process(fooBar());

        Table table = handler.getDataFrame();
        assertThat(table.columnNames()).containsExactly("timestamp", "tag", "duration", "package_0", "nvidia_gpu_0");
        assertThat(table.types()).containsExactly(ColumnType.DOUBLE, ColumnType.STRING, ColumnType.DOUBLE,
                ColumnType.DOUBLE, ColumnType.DOUBLE);
        assertThat(rows(table)).containsExactly(
                List.of(1_700_000_001.5, "foo", 2.0, 3000.0, 120.0),
                List.of(1_700_000_003.5, "bar", 0.25, 512.5, 7.0));
    }

    @Test
    void laterTracesAreAppended() {
        DataFrameHandler handler = new DataFrameHandler();

        handler.process(fooBar());
        handler.process(EnergyTrace.of(List.of(
                new EnergySample(1_700_000_010.0, "baz", 1.0, energy("package_0", 42.0, "nvidia_gpu_0", 1.5)))));

        assertThat(rows(handler.getDataFrame())).containsExactly(
                List.of(1_700_000_001.5, "foo", 2.0, 3000.0, 120.0),
                List.of(1_700_000_003.5, "bar", 0.25, 512.5, 7.0),
                List.of(1_700_000_010.0, "baz", 1.0, 42.0, 1.5));
    }

    @Test
    void domainsInAnotherOrderGoToTheirColumns() {
        DataFrameHandler handler = new DataFrameHandler();

        handler.process(fooBar());
        handler.process(EnergyTrace.of(List.of(
                new EnergySample(1_700_000_010.0, "baz", 1.0, energy("nvidia_gpu_0", 1.5, "package_0", 42.0)))));

        assertThat(rows(handler.getDataFrame())).last().isEqualTo(List.of(1_700_000_010.0, "baz", 1.0, 42.0, 1.5));
    }

    @Test
    void estimatedTraceKeepsPyJoulesColumns() {
        DataFrameHandler handler = new DataFrameHandler();

        handler.process(new EnergyTrace(fooBar().samples(), new EnergyOrigin("model", "TDP x utilisation", true)));

        assertThat(handler.getDataFrame().columnNames())
                .containsExactly("timestamp", "tag", "duration", "package_0", "nvidia_gpu_0");
    }

    @Test
    void beforeAnySampleTheTableHasOnlyTheFixedColumns() {
        DataFrameHandler handler = new DataFrameHandler();
        handler.process(EnergyTrace.of(List.of()));

        Table table = handler.getDataFrame();
        assertThat(table.columnNames()).containsExactly("timestamp", "tag", "duration");
        assertThat(table.rowCount()).isZero();
    }

    @Test
    void sampleWithOtherDomainsIsRejectedNamingThemAndNothingIsAppended() {
        DataFrameHandler handler = new DataFrameHandler();
        handler.process(fooBar());
        EnergyTrace other = EnergyTrace.of(List.of(
                new EnergySample(1_700_000_010.0, "ok", 1.0, energy("package_0", 1.0, "nvidia_gpu_0", 1.0)),
                new EnergySample(1_700_000_011.0, "dram", 1.0, energy("package_0", 1.0, "dram_0", 2.0))));

        assertThatThrownBy(() -> handler.process(other))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("sample 'dram' measures [package_0, dram_0]")
                .hasMessageContaining("the table's domain columns are [package_0, nvidia_gpu_0] (from sample 'foo')")
                .hasMessageContaining("it lacks [nvidia_gpu_0]")
                .hasMessageContaining("it adds [dram_0]")
                .hasMessageContaining("different handlers");
        assertThat(handler.getDataFrame().rowCount()).isEqualTo(2);
    }

    @Test
    void firstTraceWithMixedDomainsIsRejectedAndAddsNoColumns() {
        DataFrameHandler handler = new DataFrameHandler();
        EnergyTrace mixed = EnergyTrace.of(List.of(
                new EnergySample(1.0, "foo", 1.0, energy("package_0", 1.0)),
                new EnergySample(2.0, "bar", 1.0, energy("package_0", 1.0, "dram_0", 2.0))));

        assertThatThrownBy(() -> handler.process(mixed))
                .hasMessageContaining("sample 'bar' measures [package_0, dram_0] but the table's domain columns are "
                        + "[package_0] (from sample 'foo'); it adds [dram_0]");
        assertThat(handler.getDataFrame().columnNames()).containsExactly("timestamp", "tag", "duration");
    }

    @Test
    void returnedTableIsACopy() {
        DataFrameHandler handler = new DataFrameHandler();
        handler.process(fooBar());

        Table returned = handler.getDataFrame();
        returned.doubleColumn("package_0").set(0, -1.0);
        returned.removeColumns("tag");

        assertThat(rows(handler.getDataFrame())).first().isEqualTo(List.of(1_700_000_001.5, "foo", 2.0, 3000.0, 120.0));
    }
}
