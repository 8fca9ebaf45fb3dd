package dev.ergometer.service;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * JouleTrace's rules for whether a submission's output equals the expected output, over JSON values as Jackson reads
 * them (maps, lists, strings, numbers, booleans, null) with tuples written {@code {"__tuple__": [...]}}.
 *
 * <ul>
 *   <li>null equals only null;</li>
 *   <li>values of different kinds are unequal, except numbers: an int and a float (and a boolean, which Python counts
 *       as an int) compare as floats;</li>
 *   <li>floats are equal within an absolute tolerance of 1e-9, else within a relative tolerance of 1e-9 of the
 *       expected value; NaN equals NaN; infinities equal only the same infinity;</li>
 *   <li>strings compare exactly (case and whitespace count);</li>
 *   <li>a list never equals a tuple; lists (and tuples) are equal when their lengths are and each element is, in
 *       order;</li>
 *   <li>dicts need the same keys, and equal values under each key.</li>
 * </ul>
 */
public final class OutputComparison {

    /** The absolute tolerance for floats. */
    public static final double ABSOLUTE_TOLERANCE = 1e-9;
    /** The relative tolerance for floats, of the expected value. */
    public static final double RELATIVE_TOLERANCE = 1e-9;
    /** The key of the one-entry object a tuple is written as. */
    public static final String TUPLE_KEY = "__tuple__";

    private OutputComparison() {
    }

    /** Whether {@code actual} is a correct output when {@code expected} is the expected one. */
    public static boolean matches(Object expected, Object actual) {
        if (expected == null || actual == null) {
            return expected == null && actual == null;
        }
        Kind expectedKind = Kind.of(expected);
        Kind actualKind = Kind.of(actual);
        if (expectedKind != actualKind) {
            if (expectedKind.numeric() && actualKind.numeric()) {
                return floatsMatch(asDouble(expected), asDouble(actual));
            }
            return false;
        }
        return switch (expectedKind) {
            case FLOAT -> floatsMatch(asDouble(expected), asDouble(actual));
            case INT -> asBigInteger(expected).equals(asBigInteger(actual));
            case BOOL, STRING -> expected.equals(actual);
            case LIST, TUPLE -> sequencesMatch(elements(expected), elements(actual));
            case DICT -> dictsMatch((Map<?, ?>) expected, (Map<?, ?>) actual);
            case OTHER -> Objects.equals(expected, actual);
        };
    }

    /** JouleTrace's float rule: NaN equals NaN, same-signed infinities, then absolute then relative tolerance. */
    static boolean floatsMatch(double expected, double actual) {
        if (Double.isNaN(expected) && Double.isNaN(actual)) {
            return true;
        }
        if (Double.isInfinite(expected) && Double.isInfinite(actual)) {
            return expected == actual;
        }
        if (Math.abs(expected - actual) <= ABSOLUTE_TOLERANCE) {
            return true;
        }
        if (expected != 0) {
            return Math.abs((expected - actual) / expected) <= RELATIVE_TOLERANCE;
        }
        return false;
    }

    private static boolean sequencesMatch(List<?> expected, List<?> actual) {
        if (expected.size() != actual.size()) {
            return false;
        }
        for (int i = 0; i < expected.size(); i++) {
            if (!matches(expected.get(i), actual.get(i))) {
                return false;
            }
        }
        return true;
    }

    private static boolean dictsMatch(Map<?, ?> expected, Map<?, ?> actual) {
        if (!expected.keySet().equals(actual.keySet())) {
            return false;
        }
        for (Map.Entry<?, ?> entry : expected.entrySet()) {
            if (!matches(entry.getValue(), actual.get(entry.getKey()))) {
                return false;
            }
        }
        return true;
    }

    private static List<?> elements(Object sequence) {
        return sequence instanceof List<?> list ? list : (List<?>) ((Map<?, ?>) sequence).get(TUPLE_KEY);
    }

    private static double asDouble(Object number) {
        return number instanceof Boolean b ? (b ? 1 : 0) : ((Number) number).doubleValue();
    }

    private static BigInteger asBigInteger(Object number) {
        return number instanceof BigInteger big ? big : BigInteger.valueOf(((Number) number).longValue());
    }

    /** The Python type a JSON value stands for. */
    private enum Kind {
        INT, FLOAT, BOOL, STRING, LIST, TUPLE, DICT, OTHER;

        boolean numeric() {
            return this == INT || this == FLOAT || this == BOOL;
        }

        static Kind of(Object value) {
            return switch (value) {
                case Boolean b -> BOOL;
                case Integer i -> INT;
                case Long l -> INT;
                case Short s -> INT;
                case Byte b -> INT;
                case BigInteger b -> INT;
                case Double d -> FLOAT;
                case Float f -> FLOAT;
                case BigDecimal d -> FLOAT;
                case CharSequence s -> STRING;
                case List<?> l -> LIST;
                case Map<?, ?> m when m.size() == 1 && m.get(TUPLE_KEY) instanceof List<?> -> TUPLE;
                case Map<?, ?> m -> DICT;
                default -> OTHER;
            };
        }
    }
}
