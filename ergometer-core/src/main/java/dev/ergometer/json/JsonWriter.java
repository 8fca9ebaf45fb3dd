package dev.ergometer.json;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A small streaming JSON writer for Ergometer's outputs, pretty-printed with two-space indents, JDK only.
 *
 * <pre>{@code
 * String json = new JsonWriter().beginObject().name("energy_j").value(1.5).endObject().toString();
 * }</pre>
 *
 * <p>Non-finite numbers are written as {@code null}: JSON has no NaN or infinity.
 */
public final class JsonWriter {

    private final StringBuilder out = new StringBuilder();
    private final Deque<boolean[]> firstInScope = new ArrayDeque<>();
    private final boolean pretty;
    private boolean afterName;

    /** A pretty-printing writer. */
    public JsonWriter() {
        this(true);
    }

    /** A writer, pretty-printing or on one line (for JSON Lines). */
    public JsonWriter(boolean pretty) {
        this.pretty = pretty;
    }

    public JsonWriter beginObject() {
        beforeValue();
        out.append('{');
        firstInScope.push(new boolean[] {true});
        return this;
    }

    public JsonWriter endObject() {
        return close('}');
    }

    public JsonWriter beginArray() {
        beforeValue();
        out.append('[');
        firstInScope.push(new boolean[] {true});
        return this;
    }

    public JsonWriter endArray() {
        return close(']');
    }

    /** Writes a member name; the next call writes its value. */
    public JsonWriter name(String name) {
        separate();
        quote(name);
        out.append(pretty ? ": " : ":");
        afterName = true;
        return this;
    }

    public JsonWriter value(String value) {
        if (value == null) {
            return nullValue();
        }
        beforeValue();
        quote(value);
        return this;
    }

    public JsonWriter value(double value) {
        if (!Double.isFinite(value)) {
            return nullValue();
        }
        beforeValue();
        out.append(plainDecimal(value));
        return this;
    }

    /**
     * A finite double as the shortest plain decimal that reads back as the same double, never with an exponent:
     * {@code 1700000001.5}, not {@code 1.7000000015E9}; whole numbers below 10^15 without a fraction ({@code 12}).
     * The number form of every JSON value this writer writes, shared with the CSV file sink.
     *
     * @throws IllegalArgumentException for NaN and infinities, which have no decimal form
     */
    public static String plainDecimal(double value) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException(value + " has no decimal form");
        }
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        return java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    public JsonWriter value(long value) {
        beforeValue();
        out.append(value);
        return this;
    }

    public JsonWriter value(boolean value) {
        beforeValue();
        out.append(value);
        return this;
    }

    public JsonWriter nullValue() {
        beforeValue();
        out.append("null");
        return this;
    }

    /** The JSON written so far. */
    @Override
    public String toString() {
        return out.toString();
    }

    private JsonWriter close(char bracket) {
        boolean[] first = firstInScope.pop();
        if (!first[0]) {
            newline();
        }
        out.append(bracket);
        return this;
    }

    private void beforeValue() {
        if (afterName) {
            afterName = false;
            return;
        }
        separate();
    }

    private void separate() {
        if (firstInScope.isEmpty()) {
            return;
        }
        boolean[] first = firstInScope.peek();
        if (!first[0]) {
            out.append(',');
        }
        first[0] = false;
        newline();
    }

    private void newline() {
        if (pretty) {
            out.append('\n').append("  ".repeat(firstInScope.size()));
        }
    }

    private void quote(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
