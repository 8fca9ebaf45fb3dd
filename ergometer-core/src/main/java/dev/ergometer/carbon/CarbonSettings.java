package dev.ergometer.carbon;

import java.util.Map;
import java.util.Objects;

/**
 * How energy becomes grams of CO2e and money: the grid's carbon intensity and the electricity price. Defaults are
 * the world averages ({@link GridIntensity#WORLD_AVERAGE}, {@link ElectricityPrice#WORLD_AVERAGE}); the environment
 * ({@value #INTENSITY_VARIABLE}, {@value #PRICE_VARIABLE}, {@value #CURRENCY_VARIABLE}) and then the command line
 * override them.
 *
 * <pre>{@code
 * CarbonSettings carbon = CarbonSettings.fromEnvironment(System.getenv()).withGridIntensity(56, "--grid-intensity");
 * double grams = carbon.gramsCo2e(3_600_000);   // 1 kWh: 56 g
 * }</pre>
 *
 * @param grid the carbon intensity
 * @param price the electricity price
 */
public record CarbonSettings(GridIntensity grid, ElectricityPrice price) {

    /** Joules in one kilowatt-hour. */
    public static final double JOULES_PER_KILOWATT_HOUR = 3.6e6;
    /** The environment variable holding the grid intensity, gCO2e/kWh. */
    public static final String INTENSITY_VARIABLE = "ERGOMETER_GRID_INTENSITY";
    /** The environment variable holding the electricity price per kWh. */
    public static final String PRICE_VARIABLE = "ERGOMETER_PRICE";
    /** The environment variable holding the price's currency. */
    public static final String CURRENCY_VARIABLE = "ERGOMETER_CURRENCY";

    /** The world averages. */
    public static final CarbonSettings WORLD_AVERAGE = new CarbonSettings(GridIntensity.WORLD_AVERAGE,
            ElectricityPrice.WORLD_AVERAGE);

    public CarbonSettings {
        Objects.requireNonNull(grid, "grid");
        Objects.requireNonNull(price, "price");
    }

    /**
     * The world averages overridden by the variables that are set in {@code environment}.
     *
     * @throws IllegalArgumentException naming the variable when one holds no valid number or currency
     */
    public static CarbonSettings fromEnvironment(Map<String, String> environment) {
        CarbonSettings settings = WORLD_AVERAGE;
        String intensity = blankToNull(environment.get(INTENSITY_VARIABLE));
        String price = blankToNull(environment.get(PRICE_VARIABLE));
        String currency = blankToNull(environment.get(CURRENCY_VARIABLE));
        try {
            if (intensity != null) {
                settings = settings.withGridIntensity(number(INTENSITY_VARIABLE, intensity), INTENSITY_VARIABLE);
            }
            if (price != null) {
                settings = settings.withPrice(number(PRICE_VARIABLE, price),
                        currency == null ? settings.currency() : currency, PRICE_VARIABLE);
            } else if (currency != null) {
                throw new IllegalArgumentException(CURRENCY_VARIABLE + " is set but " + PRICE_VARIABLE + " is not:"
                        + " the default price is in " + settings.currency() + "; set " + PRICE_VARIABLE + " to the"
                        + " price of a kWh in " + currency);
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the environment's carbon settings: " + e.getMessage(), e);
        }
        return settings;
    }

    /** These settings with another grid intensity, gCO2e/kWh, from {@code source}. */
    public CarbonSettings withGridIntensity(double gramsPerKilowattHour, String source) {
        return new CarbonSettings(new GridIntensity(gramsPerKilowattHour, source), price);
    }

    /** These settings with another price per kWh and currency, from {@code source}. */
    public CarbonSettings withPrice(double perKilowattHour, String currency, String source) {
        return new CarbonSettings(grid, new ElectricityPrice(perKilowattHour, currency, source));
    }

    /** The grams of CO2e of {@code joules} of electricity. */
    public double gramsCo2e(double joules) {
        return grid.gramsCo2e(joules);
    }

    /** What {@code joules} of electricity cost, in {@link ElectricityPrice#currency()}. */
    public double cost(double joules) {
        return price.cost(joules);
    }

    /** The currency of {@link #cost}. */
    public String currency() {
        return price.currency();
    }

    /** One line for reports: {@code 480 gCO2e/kWh (world average, ...), 0.15 USD/kWh (world average, ...)}. */
    public String describe() {
        return String.format(java.util.Locale.ROOT, "%s gCO2e/kWh (%s), %s %s/kWh (%s)",
                plain(grid.gramsPerKilowattHour()), grid.source(), plain(price.perKilowattHour()), price.currency(),
                price.source());
    }

    private static String plain(double value) {
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    private static double number(String variable, String text) {
        try {
            return Double.parseDouble(text.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + " must be a number, got '" + text + "'");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
