package dev.ergometer.carbon;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CarbonSettingsTest {

    @Test
    void aKilowattHourAtTheWorldAverageIsFourHundredEightyGramsAndFifteenCents() {
        CarbonSettings world = CarbonSettings.WORLD_AVERAGE;

        assertThat(world.gramsCo2e(3_600_000)).isCloseTo(480, within(1e-9));
        assertThat(world.cost(3_600_000)).isCloseTo(0.15, within(1e-12));
        assertThat(world.currency()).isEqualTo("USD");
        assertThat(world.describe()).startsWith("480 gCO2e/kWh (world average, Ember").contains("0.15 USD/kWh");
    }

    @Test
    void aJouleAtFiftySixGramsPerKilowattHour() {
        CarbonSettings france = CarbonSettings.WORLD_AVERAGE.withGridIntensity(56, "--grid-intensity");

        assertThat(france.gramsCo2e(1)).isCloseTo(56 / 3.6e6, within(1e-18));
        assertThat(france.grid().source()).isEqualTo("--grid-intensity");
    }

    @Test
    void theEnvironmentOverridesTheDefaults() {
        CarbonSettings settings = CarbonSettings.fromEnvironment(Map.of("ERGOMETER_GRID_INTENSITY", "350",
                "ERGOMETER_PRICE", "0.25", "ERGOMETER_CURRENCY", "EUR"));

        assertThat(settings.grid().gramsPerKilowattHour()).isEqualTo(350);
        assertThat(settings.price().perKilowattHour()).isEqualTo(0.25);
        assertThat(settings.currency()).isEqualTo("EUR");
        assertThat(settings.price().source()).isEqualTo("ERGOMETER_PRICE");
        assertThat(CarbonSettings.fromEnvironment(Map.of())).isEqualTo(CarbonSettings.WORLD_AVERAGE);
    }

    @Test
    void badEnvironmentValuesNameTheVariable() {
        assertThatThrownBy(() -> CarbonSettings.fromEnvironment(Map.of("ERGOMETER_GRID_INTENSITY", "lots")))
                .hasMessageContaining("ERGOMETER_GRID_INTENSITY must be a number, got 'lots'");
        assertThatThrownBy(() -> CarbonSettings.fromEnvironment(Map.of("ERGOMETER_GRID_INTENSITY", "-3")))
                .hasMessageContaining("0 or more").hasMessageContaining("-3");
        assertThatThrownBy(() -> CarbonSettings.fromEnvironment(Map.of("ERGOMETER_CURRENCY", "EUR")))
                .hasMessageContaining("ERGOMETER_PRICE is not").hasMessageContaining("in USD");
    }

    @Test
    void aCurrencyIsAShortCodeWithoutSpaces() {
        assertThatThrownBy(() -> CarbonSettings.WORLD_AVERAGE.withPrice(0.2, "euro cents", "x"))
                .hasMessageContaining("'euro cents'");
    }
}
