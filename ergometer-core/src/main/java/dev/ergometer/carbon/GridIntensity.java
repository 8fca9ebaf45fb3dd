package dev.ergometer.carbon;

import java.util.Objects;

/**
 * The carbon intensity of the electricity used: grams of CO2-equivalent emitted per kilowatt-hour.
 *
 * @param gramsPerKilowattHour gCO2e/kWh, finite and not negative
 * @param source where the figure comes from, for reports (the world average's source, {@code --grid-intensity},
 *     {@code ERGOMETER_GRID_INTENSITY})
 */
public record GridIntensity(double gramsPerKilowattHour, String source) {

    /**
     * The world average, 480 gCO2e/kWh: Ember's Global Electricity Review 2024, world electricity generation in 2023,
     * lifecycle emissions (upstream methane, supply chain and manufacturing included, all gases as CO2e over 100
     * years). See docs/carbon.md.
     */
    public static final GridIntensity WORLD_AVERAGE = new GridIntensity(480,
            "world average, Ember Global Electricity Review 2024 (2023 data)");

    public GridIntensity {
        Objects.requireNonNull(source, "source");
        if (!(gramsPerKilowattHour >= 0) || Double.isInfinite(gramsPerKilowattHour)) {
            throw new IllegalArgumentException("a grid carbon intensity is a finite number of gCO2e/kWh, 0 or more"
                    + " (the world average is about 480), got " + gramsPerKilowattHour);
        }
    }

    /** The grams of CO2e of {@code joules} of electricity (1 kWh = 3.6 MJ). */
    public double gramsCo2e(double joules) {
        return joules / CarbonSettings.JOULES_PER_KILOWATT_HOUR * gramsPerKilowattHour;
    }
}
