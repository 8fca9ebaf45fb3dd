package dev.ergometer.fleet;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.Map;

/** Field readers shared by the JSON forms of {@link HwpcReport} and {@link PowerReport}. */
final class FleetJson {

    private FleetJson() {
    }

    /**
     * A report's timestamp in milliseconds since the epoch: an integer ({@code 1700000000123}, what hwpc-sensor's
     * socket output and Ergometer write) or an ISO-8601 text ({@code 2023-01-13T09:51:22.630}, with or without an
     * offset; without one it is taken as UTC, which is what PowerAPI's JSON encoder writes).
     */
    static long timestampMillis(Map<String, Object> json, String what) {
        Object value = json.get("timestamp");
        if (value instanceof Long millis) {
            return millis;
        }
        if (value instanceof Double d && d == Math.rint(d) && Math.abs(d) < 9.0e15) {
            return (long) (double) d;
        }
        if (value instanceof String text) {
            try {
                return OffsetDateTime.parse(text).toInstant().toEpochMilli();
            } catch (DateTimeParseException withoutOffset) {
                try {
                    return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC).toEpochMilli();
                } catch (DateTimeParseException e) {
                    try {
                        return Instant.parse(text).toEpochMilli();
                    } catch (DateTimeParseException ignored) {
                        // fall through to the error below
                    }
                }
            }
        }
        throw new IllegalArgumentException(what + ": timestamp " + describe(value) + " is neither milliseconds since "
                + "the epoch (an integer) nor an ISO-8601 date-time such as 2023-01-13T09:51:22.630");
    }

    /** A required non-blank text field. */
    static String text(Map<String, Object> json, String name, String what) {
        Object value = json.get(name);
        if (!(value instanceof String s) || s.isBlank()) {
            throw new IllegalArgumentException(what + ": field '" + name + "' must be a non-empty string, got "
                    + describe(value));
        }
        return s;
    }

    /** A required JSON object field, or an empty one when absent and {@code optional}. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> object(Map<String, Object> json, String name, boolean optional, String what) {
        Object value = json.get(name);
        if (value == null && optional) {
            return Map.of();
        }
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException(what + ": field '" + name + "' must be a JSON object, got "
                    + describe(value));
        }
        return (Map<String, Object>) map;
    }

    static String describe(Object value) {
        if (value == null) {
            return "nothing";
        }
        String shown = String.valueOf(value);
        return "'" + (shown.length() > 40 ? shown.substring(0, 40) + "..." : shown) + "' ("
                + value.getClass().getSimpleName() + ")";
    }
}
