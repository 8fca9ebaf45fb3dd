package dev.ergometer.service.sandbox;

import java.lang.reflect.Array;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;

/**
 * Writes the request line sent to a harness: JSON on one line from the values a {@link SandboxRequest} holds (maps,
 * lists, arrays, strings, numbers, booleans, null). Doubles keep their fraction ({@code 2.0}, so Python gets a float)
 * and non-finite ones travel as {@code {"__float__": "NaN"}}, {@code "Infinity"} or {@code "-Infinity"}, the
 * encoding the harnesses use for outputs.
 */
final class SandboxJson {

    private static final int MAX_DEPTH = 60;

    private SandboxJson() {
    }

    /** One value as compact JSON. */
    static String write(Object value) {
        StringBuilder out = new StringBuilder();
        write(value, out, 0);
        return out.toString();
    }

    private static void write(Object value, StringBuilder out, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("a test case input nests more than " + MAX_DEPTH + " levels deep");
        }
        switch (value) {
            case null -> out.append("null");
            case Boolean b -> out.append(b);
            case Integer i -> out.append(i);
            case Long l -> out.append(l);
            case Short s -> out.append(s);
            case Byte b -> out.append(b);
            case BigInteger b -> out.append(b);
            case BigDecimal b -> out.append(b);
            case Double d -> floating(d, out);
            case Float f -> floating(f.doubleValue(), out);
            case CharSequence s -> quote(s.toString(), out);
            case Character c -> quote(c.toString(), out);
            case Map<?, ?> map -> {
                out.append('{');
                boolean first = true;
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    out.append(first ? "" : ",");
                    first = false;
                    quote(String.valueOf(e.getKey()), out);
                    out.append(':');
                    write(e.getValue(), out, depth + 1);
                }
                out.append('}');
            }
            case Iterable<?> items -> {
                out.append('[');
                boolean first = true;
                for (Object item : items) {
                    out.append(first ? "" : ",");
                    first = false;
                    write(item, out, depth + 1);
                }
                out.append(']');
            }
            default -> {
                if (!value.getClass().isArray()) {
                    throw new IllegalArgumentException("cannot send a " + value.getClass().getName()
                            + " to the sandbox: test case inputs are JSON values (maps, lists, strings, numbers,"
                            + " booleans, null)");
                }
                out.append('[');
                for (int i = 0; i < Array.getLength(value); i++) {
                    out.append(i == 0 ? "" : ",");
                    write(Array.get(value, i), out, depth + 1);
                }
                out.append(']');
            }
        }
    }

    private static void floating(double d, StringBuilder out) {
        if (Double.isNaN(d)) {
            out.append("{\"__float__\":\"NaN\"}");
        } else if (Double.isInfinite(d)) {
            out.append(d > 0 ? "{\"__float__\":\"Infinity\"}" : "{\"__float__\":\"-Infinity\"}");
        } else {
            out.append(d);
        }
    }

    private static void quote(String s, StringBuilder out) {
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
                    if (c < 0x20 || c == '\u2028' || c == '\u2029') {
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
