package dev.ergometer.meter;

/** The parent of the errors the energy meter API raises (pyJoules' {@code PyJoulesException}). */
public class MeterException extends RuntimeException {

    public MeterException(String message) {
        super(message);
    }

    public MeterException(String message, Throwable cause) {
        super(message, cause);
    }
}
