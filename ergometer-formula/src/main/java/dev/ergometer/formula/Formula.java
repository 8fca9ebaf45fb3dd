package dev.ergometer.formula;

/**
 * A way of turning HWPC reports into power reports, for any number of sensors: {@link CpuShareFormula} (the default)
 * or {@link SmartWattsFormula}.
 */
public sealed interface Formula permits CpuShareFormula, SmartWattsFormula {

    /** The formula's name, as {@code FORMULA} names it: {@code cpu-share} or {@code smartwatts}. */
    String name();

    /** A fresh formula for one sensor. */
    SensorFormula start(String sensor);

    /**
     * A sensor's formula as it was when it wrote {@code stateJson} ({@link SensorFormula#stateJson()}).
     *
     * @throws IllegalArgumentException when the state is not one this formula wrote
     */
    SensorFormula restore(String sensor, String stateJson);
}
