package dev.ergometer.source;

/** Thrown when an open source fails to read a counter it could read before (file gone, device lost, I/O error). */
public final class EnergyReadException extends RuntimeException {

    public EnergyReadException(String message) {
        super(message);
    }

    public EnergyReadException(String message, Throwable cause) {
        super(message, cause);
    }
}
