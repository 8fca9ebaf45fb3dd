package dev.ergometer.formula;

import dev.ergometer.fleet.HwpcReport;
import dev.ergometer.fleet.PowerReport;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A formula running for many sensors: each report goes to its sensor's {@link SensorFormula}, made on the sensor's
 * first report. Not thread-safe; a worker holds one per partition it owns.
 *
 * <pre>{@code
 * FormulaEngine engine = new FormulaEngine(new CpuShareFormula(1000));
 * List<PowerReport> power = engine.replay(Files.readAllLines(Path.of("reports.jsonl")));
 * }</pre>
 */
public final class FormulaEngine {

    private final Formula formula;
    private final Map<String, SensorFormula> sensors = new TreeMap<>();

    public FormulaEngine(Formula formula) {
        this.formula = formula;
    }

    public Formula formula() {
        return formula;
    }

    /** Takes one report and returns the power reports of the ticks it completes for its sensor. */
    public List<PowerReport> accept(HwpcReport report) {
        return sensors.computeIfAbsent(report.sensor(), formula::start).accept(report);
    }

    /** The sensors seen so far (or restored), sorted. */
    public Set<String> sensors() {
        return Collections.unmodifiableSet(sensors.keySet());
    }

    /** A sensor's state, for {@link #restore}; the state of a fresh formula when the sensor was never seen. */
    public String state(String sensor) {
        return sensors.computeIfAbsent(sensor, formula::start).stateJson();
    }

    /** Replaces a sensor's formula by the one {@code stateJson} describes. */
    public void restore(String sensor, String stateJson) {
        sensors.put(sensor, formula.restore(sensor, stateJson));
    }

    /** Forgets every sensor. */
    public void clear() {
        sensors.clear();
    }

    /**
     * Runs recorded reports (one JSON report per line, blank lines skipped) through this engine and returns every
     * power report, in order; the same lines always give the same list.
     *
     * @throws IllegalArgumentException naming the line number of a line that is not an HWPC report
     */
    public List<PowerReport> replay(List<String> jsonLines) {
        List<PowerReport> out = new ArrayList<>();
        for (int i = 0; i < jsonLines.size(); i++) {
            String line = jsonLines.get(i);
            if (line.isBlank()) {
                continue;
            }
            HwpcReport report;
            try {
                report = HwpcReport.fromJson(line);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("line " + (i + 1) + ": " + e.getMessage(), e);
            }
            out.addAll(accept(report));
        }
        return out;
    }
}
