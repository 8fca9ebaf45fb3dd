package dev.ergometer.cli.report;

import dev.ergometer.carbon.CarbonSettings;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Locale;

/** Grams of CO2e and amounts of money written for people and for files. */
public final class CarbonText {

    private CarbonText() {
    }

    /** A mass of CO2e with a unit that keeps 3 significant digits readable: {@code 2.00 mg}, {@code 1.25 kg}. */
    public static String mass(double grams) {
        double magnitude = Math.abs(grams);
        if (magnitude == 0) {
            return "0 g";
        }
        String[] units = {"µg", "mg", "g", "kg", "t"};
        double[] scales = {1e-6, 1e-3, 1, 1e3, 1e6};
        int unit = 0;
        for (int i = scales.length - 1; i >= 0; i--) {
            if (magnitude >= scales[i]) {
                unit = i;
                break;
            }
        }
        return String.format(Locale.ROOT, "%.3g %s", grams / scales[unit], units[unit]);
    }

    /** Money to 3 significant digits, never in scientific notation: {@code 0.000000625 USD}. */
    public static String money(double amount, String currency) {
        return significant(amount, 3) + " " + currency;
    }

    /** A number to {@code digits} significant digits as a plain decimal, for CSV and JSON. */
    public static String significant(double value, int digits) {
        if (value == 0) {
            return "0";
        }
        return new BigDecimal(value).round(new MathContext(digits)).stripTrailingZeros().toPlainString();
    }

    /** A number to 6 significant digits as a double, for JSON. */
    public static double rounded(double value) {
        return Double.isFinite(value) && value != 0
                ? new BigDecimal(value).round(new MathContext(6)).doubleValue() : value;
    }

    /**
     * What stands in for the CO2e and cost of an energy at or below zero, which only a net energy can be (the run
     * used nothing measurable above the idle baseline), since a negative footprint would be nonsense:
     * {@code none above idle (net energy -0.0120 J)}.
     */
    public static String noneAboveIdle(double netJoules) {
        return String.format(Locale.ROOT, "none above idle (net energy %.4f J)", netJoules);
    }

    /** {@code 480 gCO2e/kWh, 0.15 USD/kWh}. */
    public static String rates(CarbonSettings carbon) {
        return plain(carbon.grid().gramsPerKilowattHour()) + " gCO2e/kWh, " + plain(carbon.price().perKilowattHour())
                + " " + carbon.currency() + "/kWh";
    }

    /** Where the rates come from, in a few words: {@code world averages, see docs/carbon.md} for the defaults. */
    public static String sources(CarbonSettings carbon) {
        boolean worldGrid = carbon.grid().equals(dev.ergometer.carbon.GridIntensity.WORLD_AVERAGE);
        boolean worldPrice = carbon.price().equals(dev.ergometer.carbon.ElectricityPrice.WORLD_AVERAGE);
        if (worldGrid && worldPrice) {
            return "world averages, see docs/carbon.md";
        }
        return "grid: " + (worldGrid ? "world average" : carbon.grid().source()) + "; price: "
                + (worldPrice ? "world average" : carbon.price().source());
    }

    private static String plain(double value) {
        return BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }
}
