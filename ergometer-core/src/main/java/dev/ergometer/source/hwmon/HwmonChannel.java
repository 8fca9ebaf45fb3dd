package dev.ergometer.source.hwmon;

import dev.ergometer.source.DomainCounter;
import dev.ergometer.source.NativeFile;
import java.io.IOException;

/**
 * One open hwmon sensor file and the cumulative energy it gives: an energy counter read as it is, or a power file
 * integrated with the trapezoid rule between consecutive reads.
 *
 * <p>The integral is kept in a {@code double} of microjoules (exact to well under 1 µJ up to 10^9 J), and reported
 * rounded down, so the reported counter never goes backwards and no fraction is lost between reads.
 *
 * <p>Not thread-safe.
 */
final class HwmonChannel implements AutoCloseable {

    /** The energy unit of AMD Zen processors' RAPL-like counters (2^-16 J), which amd_energy reports in µJ. */
    static final double ZEN_ENERGY_UNIT_MICROJOULES = 1e6 / 65536;

    /** A whole machine can draw more than one socket; 10 kW bounds a server with GPUs. */
    static final long MACHINE_MAX_POWER_MICROWATTS = 10_000_000_000L;

    private final HwmonSensor sensor;
    private final NativeFile file;
    private final DomainCounter counter;
    private long previousMicrowatts;
    private long previousNanos;
    private double integratedMicrojoules;

    private HwmonChannel(HwmonSensor sensor, NativeFile file, DomainCounter counter) {
        this.sensor = sensor;
        this.file = file;
        this.counter = counter;
    }

    /**
     * Opens the sensor's file and reads it once (a power file's first reading starts the integral at {@code nowNanos}).
     *
     * @throws IOException when the file cannot be opened (AccessDeniedException, NoSuchFileException)
     * @throws dev.ergometer.source.EnergyReadException when it cannot be read or does not hold a number
     */
    static HwmonChannel open(HwmonSensor sensor, long nowNanos, long integrationIntervalNanos) throws IOException {
        DomainCounter counter = sensor.power()
                ? DomainCounter.integratedPower(sensor.domain(), MACHINE_MAX_POWER_MICROWATTS,
                        sensor.file() + " (" + sensor.chipDescription() + ", energy integrated from power every "
                                + integrationIntervalNanos / 1_000_000 + " ms)", integrationIntervalNanos)
                : new DomainCounter(sensor.domain(), Long.MAX_VALUE, DomainCounter.DEFAULT_MAX_POWER_MICROWATTS,
                        ZEN_ENERGY_UNIT_MICROJOULES, sensor.file() + " (" + sensor.chipDescription() + " "
                                + sensor.label() + ", µJ counter)");
        return open(sensor, counter, nowNanos);
    }

    /**
     * Opens the sensor's file under a counter the caller describes (range, power bound, resolution, origin), and
     * reads it once.
     *
     * @throws IOException when the file cannot be opened (AccessDeniedException, NoSuchFileException)
     * @throws dev.ergometer.source.EnergyReadException when it cannot be read or does not hold a number
     */
    static HwmonChannel open(HwmonSensor sensor, DomainCounter counter, long nowNanos) throws IOException {
        if (!counter.domain().equals(sensor.domain())) {
            throw new IllegalArgumentException(
                    "counter of " + counter.domain() + " for a sensor of " + sensor.domain());
        }
        NativeFile file = NativeFile.open(sensor.file());
        try {
            HwmonChannel channel = new HwmonChannel(sensor, file, counter);
            long first = file.readDecimal();
            channel.previousMicrowatts = first;
            channel.previousNanos = nowNanos;
            return channel;
        } catch (RuntimeException e) {
            file.close();
            throw e;
        }
    }

    HwmonSensor sensor() {
        return sensor;
    }

    DomainCounter counter() {
        return counter;
    }

    /** True when this channel integrates power and so needs frequent reads. */
    boolean integrates() {
        return sensor.power();
    }

    /** The cumulative energy in µJ at {@code nowNanos}: the counter, or the power integrated up to now. */
    long readMicrojoules(long nowNanos) {
        long value = file.readDecimal();
        if (!sensor.power()) {
            return value;
        }
        long elapsedNanos = nowNanos - previousNanos;
        if (elapsedNanos >= 0) {
            // trapezoid: mean of the two power samples (µW) x elapsed time (s) = µJ
            integratedMicrojoules += (double) (previousMicrowatts + value) * elapsedNanos / 2e9;
            previousMicrowatts = value;
            previousNanos = nowNanos;
        }
        return (long) integratedMicrojoules;
    }

    @Override
    public void close() {
        file.close();
    }
}
