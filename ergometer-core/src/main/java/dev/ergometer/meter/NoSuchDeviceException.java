package dev.ergometer.meter;

/**
 * Raised when a domain is asked of a device this machine does not have, or that the energy source in use cannot
 * read: an NVIDIA GPU with no GPU source, RAPL where only the model's estimates exist.
 */
public final class NoSuchDeviceException extends MeterException {

    public NoSuchDeviceException(String message) {
        super(message);
    }

    public NoSuchDeviceException(String message, Throwable cause) {
        super(message, cause);
    }
}
