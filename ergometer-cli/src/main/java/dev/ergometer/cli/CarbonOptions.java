package dev.ergometer.cli;

import dev.ergometer.carbon.CarbonSettings;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** The options that turn energy into grams of CO2e and money (docs/carbon.md). */
final class CarbonOptions {

    @Option(names = "--grid-intensity", paramLabel = "G",
            description = "Grid carbon intensity in gCO2e/kWh (default: $ERGOMETER_GRID_INTENSITY or 480, the world"
                    + " average; see docs/carbon.md).")
    Double gridIntensity;

    @Option(names = "--price", paramLabel = "PRICE",
            description = "Electricity price per kWh (default: $ERGOMETER_PRICE or 0.15 USD, the world average).")
    Double price;

    @Option(names = "--currency", paramLabel = "CODE",
            description = "Currency of --price (default: $ERGOMETER_CURRENCY or USD); give --price with it.")
    String currency;

    /** The settings: the world averages, then the environment, then these options. */
    CarbonSettings settings(CommandSpec spec) {
        try {
            CarbonSettings settings = CarbonSettings.fromEnvironment(System.getenv());
            if (gridIntensity != null) {
                settings = settings.withGridIntensity(gridIntensity, "--grid-intensity");
            }
            if (price != null) {
                settings = settings.withPrice(price, currency == null ? settings.currency() : currency, "--price");
            } else if (currency != null && !currency.equals(settings.currency())) {
                throw new IllegalArgumentException("--currency " + currency + " needs --price: the price in use is"
                        + " in " + settings.currency() + "; give the price of a kWh in " + currency);
            }
            return settings;
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
        }
    }
}
