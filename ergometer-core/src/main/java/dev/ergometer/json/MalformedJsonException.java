package dev.ergometer.json;

/** JSON text that {@link JsonReader} could not parse, with the offset where parsing stopped. */
public final class MalformedJsonException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    private final int offset;

    MalformedJsonException(String message, int offset) {
        super(message);
        this.offset = offset;
    }

    /** The character offset in the text where the reader expected something else. */
    public int offset() {
        return offset;
    }
}
