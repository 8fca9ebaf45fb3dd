package dev.ergometer.meter;

/** Raised when a meter is asked to record, stop or give its trace before it was started. */
public final class EnergyMeterNotStartedException extends MeterException {

    public EnergyMeterNotStartedException(String operation) {
        super("cannot " + operation + ": the energy meter was not started; call start() first");
    }
}
