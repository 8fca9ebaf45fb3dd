package dev.ergometer.groups;

import java.util.Objects;

/**
 * Thrown when a cgroup operation fails; says what failed ({@link #getMessage()}), why ({@link #reason()}) and how to
 * fix it ({@link #fix()}, empty when nothing can be done).
 */
public final class CgroupException extends Exception {

    /** The fix for every "not allowed to change the cgroup tree" failure. */
    public static final String NEEDS_WRITE_ACCESS = "creating groups needs write access to the cgroup tree: run as"
            + " root, or through a running `erg agent` (its `ergometer` Unix group) - see docs/attribution.md";

    private final String reason;
    private final String fix;

    public CgroupException(String what, String reason, String fix) {
        super(what + ": " + reason + (fix == null || fix.isEmpty() ? "" : ". Fix: " + fix));
        this.reason = Objects.requireNonNull(reason, "reason");
        this.fix = fix == null ? "" : fix;
    }

    /** Why the operation failed. */
    public String reason() {
        return reason;
    }

    /** What the user can do about it; empty when nothing can be done. */
    public String fix() {
        return fix;
    }
}
