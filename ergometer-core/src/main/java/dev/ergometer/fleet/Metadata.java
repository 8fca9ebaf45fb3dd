package dev.ergometer.fleet;

import dev.ergometer.json.JsonWriter;
import java.util.Map;

/** The values a report's metadata may hold (strings, whole numbers, finite numbers, booleans) and their JSON;
 * a whole number is always a {@code Long}, so that a report read back from JSON equals the report written. */
final class Metadata {

    private Metadata() {
    }

    /** {@code value} as it is kept: integers as Long, other numbers as Double; anything else is refused. */
    static Object checked(String name, Object value) {
        return switch (value) {
            case String s -> s;
            case Boolean b -> b;
            case Long l -> l;
            case Integer i -> (long) i;
            case Short s -> (long) s;
            case Byte b -> (long) b;
            case Double d when Double.isFinite(d) -> whole(d);
            case Float f when Float.isFinite(f) -> whole(f);
            case null, default -> throw new IllegalArgumentException("metadata '" + name + "' is "
                    + FleetJson.describe(value) + "; a report's metadata holds strings, finite numbers and booleans");
        };
    }

    /** A whole double as a Long (JSON does not tell 2.0 from 2, so neither do reports), any other as itself. */
    private static Object whole(double d) {
        return d == Math.rint(d) && Math.abs(d) < 9.0e15 ? (Object) (long) d : (Object) d;
    }

    static void write(JsonWriter json, Map<String, Object> metadata) {
        json.beginObject();
        for (Map.Entry<String, Object> entry : metadata.entrySet()) {
            json.name(entry.getKey());
            switch (entry.getValue()) {
                case String s -> json.value(s);
                case Boolean b -> json.value(b);
                case Long l -> json.value(l);
                case Double d -> json.value(d);
                default -> throw new IllegalStateException("unexpected metadata value " + entry.getValue());
            }
        }
        json.endObject();
    }
}
