package dev.ergometer.meter;

import java.util.Collection;

/** Raised when a trace is asked for a sample (by tag) that it does not hold. */
public final class SampleNotFoundException extends MeterException {

    private final String tag;

    public SampleNotFoundException(String tag, Collection<String> tags) {
        super("no sample tagged '" + tag + "' in this trace; its tags are "
                + (tags.isEmpty() ? "none (the trace is empty)" : "'" + String.join("', '", tags) + "'"));
        this.tag = tag;
    }

    /** The tag that was asked for. */
    public String tag() {
        return tag;
    }
}
