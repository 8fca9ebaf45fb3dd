package dev.ergometer.source;

import java.util.Objects;

/**
 * Thrown when an energy source cannot be used on this machine; says what failed, why, and how to fix it.
 *
 * <p>{@link #reason()} is the why ("/sys/class/powercap is absent: this CPU or kernel has no RAPL driver, or this is
 * a VM"); {@link #fix()} is what the user can do about it, or an empty string when nothing can be done.
 */
public final class SourceUnavailableException extends Exception {

    private final String source;
    private final String reason;
    private final String fix;

    public SourceUnavailableException(String source, String reason, String fix) {
        this(source, reason, fix, null);
    }

    public SourceUnavailableException(String source, String reason, String fix, Throwable cause) {
        super(source + ": " + reason + (fix == null || fix.isEmpty() ? "" : ". Fix: " + fix), cause);
        this.source = Objects.requireNonNull(source, "source");
        this.reason = Objects.requireNonNull(reason, "reason");
        this.fix = fix == null ? "" : fix;
    }

    /** The name of the source that could not be used ({@code powercap}, {@code msr}, ...). */
    public String source() {
        return source;
    }

    /** Why the source cannot be used. */
    public String reason() {
        return reason;
    }

    /** What the user can do about it; empty when nothing can be done on this machine. */
    public String fix() {
        return fix;
    }
}
