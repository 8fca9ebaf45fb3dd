package dev.ergometer.meter;

/** Raised when a meter is asked to resume or give its trace while it is still measuring. */
public final class EnergyMeterNotStoppedException extends MeterException {

    public EnergyMeterNotStoppedException(String operation) {
        super("cannot " + operation + ": the energy meter is still measuring; call stop() first");
    }
}
