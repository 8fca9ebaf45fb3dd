package dev.ergometer.source.hwmon;

import dev.ergometer.model.Domain;
import java.nio.file.Path;

/**
 * One hwmon sensor file the hwmon source will read for a domain, as found by {@link HwmonScan}: an energy counter
 * ({@code energyN_input}, µJ) or a power reading to integrate ({@code powerN_input} or {@code powerN_average}, µW).
 *
 * @param domain the domain the file measures
 * @param file the sensor file
 * @param chip the chip's {@code name} ({@code amd_energy}, {@code power_meter})
 * @param label the sensor's label ({@code Esocket0}), or empty when it has none
 * @param power true for a power file (integrated over time), false for an energy counter
 */
record HwmonSensor(Domain domain, Path file, String chip, String label, boolean power) {

    /** The chip as people know it: "ACPI power meter" for {@code power_meter}, else the chip name. */
    String chipDescription() {
        return chip.equals(HwmonScan.ACPI_POWER_METER) ? "ACPI power meter" : chip;
    }
}
