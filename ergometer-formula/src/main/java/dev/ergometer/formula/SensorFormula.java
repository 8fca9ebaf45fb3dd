package dev.ergometer.formula;

import dev.ergometer.fleet.HwpcReport;
import dev.ergometer.fleet.PowerReport;
import java.util.List;

/**
 * A formula's running state for one sensor (machine): it takes that sensor's HWPC reports in the order they were
 * published and gives the power reports of each tick as the tick completes.
 *
 * <p>It is deterministic: the same reports in the same order give the same power reports, and a formula restored
 * from {@link #stateJson()} continues exactly as the one that wrote it. That is what lets another worker take a
 * sensor over after a rebalance, and a replay give the same output.
 */
public interface SensorFormula {

    /** Takes one report of this sensor and returns the power reports of the ticks it completes. */
    List<PowerReport> accept(HwpcReport report);

    /** The whole state as one line of JSON, for {@link Formula#restore}. */
    String stateJson();
}
