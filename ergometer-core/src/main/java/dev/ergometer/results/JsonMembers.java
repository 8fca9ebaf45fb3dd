package dev.ergometer.results;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Typed access to the members of a parsed JSON object that names the member's path ({@code runs[2].domains}) in its
 * error, for result files whose readers must say exactly what was expected where.
 */
final class JsonMembers {

    /** A member that is missing or of the wrong type; its message names the path and what was expected. */
    static final class Problem extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Problem(String message) {
            super(message, null, false, false);
        }
    }

    private final Map<String, Object> object;
    private final String path;

    JsonMembers(Map<String, Object> object, String path) {
        this.object = object;
        this.path = path;
    }

    boolean has(String name) {
        return object.containsKey(name) && object.get(name) != null;
    }

    double number(String name) {
        Object value = require(name);
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw wrong(name, "a number", value);
    }

    /** A number, or NaN when the member is absent or null. */
    double numberOrNaN(String name) {
        return has(name) ? number(name) : Double.NaN;
    }

    long integer(String name) {
        Object value = require(name);
        if (value instanceof Long n) {
            return n;
        }
        throw wrong(name, "an integer", value);
    }

    String string(String name) {
        Object value = require(name);
        if (value instanceof String s) {
            return s;
        }
        throw wrong(name, "a string", value);
    }

    Optional<String> optionalString(String name) {
        return has(name) ? Optional.of(string(name)) : Optional.empty();
    }

    boolean bool(String name) {
        Object value = require(name);
        if (value instanceof Boolean b) {
            return b;
        }
        throw wrong(name, "true or false", value);
    }

    Optional<Boolean> optionalBool(String name) {
        return has(name) ? Optional.of(bool(name)) : Optional.empty();
    }

    @SuppressWarnings("unchecked")
    JsonMembers object(String name) {
        Object value = require(name);
        if (value instanceof Map<?, ?> map) {
            return new JsonMembers((Map<String, Object>) map, at(name));
        }
        throw wrong(name, "an object", value);
    }

    @SuppressWarnings("unchecked")
    List<Object> array(String name) {
        Object value = require(name);
        if (value instanceof List<?> list) {
            return (List<Object>) list;
        }
        throw wrong(name, "an array", value);
    }

    /** The element {@code index} of the array member {@code name} as an object. */
    @SuppressWarnings("unchecked")
    JsonMembers element(String name, List<Object> array, int index) {
        Object value = array.get(index);
        if (value instanceof Map<?, ?> map) {
            return new JsonMembers((Map<String, Object>) map, at(name) + "[" + index + "]");
        }
        throw new Problem(at(name) + "[" + index + "]: expected an object, found " + describe(value));
    }

    /** The element {@code index} of the array member {@code name} as a number. */
    double numberElement(String name, List<Object> array, int index) {
        Object value = array.get(index);
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        throw new Problem(at(name) + "[" + index + "]: expected a number, found " + describe(value));
    }

    java.util.Set<String> names() {
        return object.keySet();
    }

    String path() {
        return path;
    }

    Problem problem(String name, String message) {
        return new Problem(at(name) + ": " + message);
    }

    private Object require(String name) {
        if (!object.containsKey(name)) {
            throw new Problem(at(name) + ": expected this member, but it is missing");
        }
        return object.get(name);
    }

    private Problem wrong(String name, String expected, Object found) {
        return new Problem(at(name) + ": expected " + expected + ", found " + describe(found));
    }

    private String at(String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    static String describe(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof String s) {
            return "the string \"" + (s.length() > 30 ? s.substring(0, 30) + "..." : s) + "\"";
        }
        if (value instanceof Map<?, ?>) {
            return "an object";
        }
        if (value instanceof List<?>) {
            return "an array";
        }
        if (value instanceof Boolean b) {
            return b.toString();
        }
        return "the number " + value;
    }
}
