package dev.ergometer.carbon;

import java.util.Objects;

/**
 * The price of electricity: money per kilowatt-hour in a currency.
 *
 * @param perKilowattHour the price of one kWh, finite and not negative
 * @param currency the currency's code or symbol ({@code USD}, {@code EUR}), 1 to 8 characters without spaces
 * @param source where the figure comes from, for reports
 */
public record ElectricityPrice(double perKilowattHour, String currency, String source) {

    /**
     * The world average, 0.15 USD/kWh: GlobalPetrolPrices.com, Q4 2024, the GDP-weighted average over about 150
     * countries (households 0.150, businesses 0.147 USD/kWh). See docs/carbon.md.
     */
    public static final ElectricityPrice WORLD_AVERAGE = new ElectricityPrice(0.15, "USD",
            "world average, GlobalPetrolPrices.com Q4 2024");

    public ElectricityPrice {
        Objects.requireNonNull(currency, "currency");
        Objects.requireNonNull(source, "source");
        if (!(perKilowattHour >= 0) || Double.isInfinite(perKilowattHour)) {
            throw new IllegalArgumentException("an electricity price is a finite amount per kWh, 0 or more (the"
                    + " world average is about 0.15 USD), got " + perKilowattHour);
        }
        if (!currency.matches("\\S{1,8}")) {
            throw new IllegalArgumentException("a currency is a code such as USD or EUR (1 to 8 characters, no"
                    + " spaces), got '" + currency + "'");
        }
    }

    /** What {@code joules} of electricity cost, in {@link #currency()}. */
    public double cost(double joules) {
        return joules / CarbonSettings.JOULES_PER_KILOWATT_HOUR * perKilowattHour;
    }
}
