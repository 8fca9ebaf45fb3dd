package dev.ergometer.meter;

/** Raised when a domain is asked of a device that exists but does not have that domain (dram_0 on a laptop). */
public final class NoSuchDomainException extends MeterException {

    private final String domainId;

    public NoSuchDomainException(String domainId, String message) {
        super(message);
        this.domainId = domainId;
    }

    /** The id of the domain that is not available. */
    public String domainId() {
        return domainId;
    }
}
