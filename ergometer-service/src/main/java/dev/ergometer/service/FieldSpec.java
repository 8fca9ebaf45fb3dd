package dev.ergometer.service;

import java.util.List;
import java.util.Objects;

/**
 * One field of a request body: its JSON name and type, default, bounds and meaning. {@link RequestSchema} checks
 * requests against these and {@link ApiDocs} describes them, so the checks and the documentation cannot differ.
 *
 * @param name the JSON name
 * @param type {@code string}, {@code integer}, {@code number} or {@code array}
 * @param defaultValue the value when the field is absent (or null, for an optional field); null when required or
 *     without a default
 * @param minimum the smallest value allowed, or null
 * @param maximum the largest value allowed, or null
 * @param required whether the field must be present
 * @param nullable whether null is accepted (and means the default)
 * @param allowed the only values allowed (strings), empty for any
 * @param description what the field means
 */
public record FieldSpec(String name, String type, Object defaultValue, Number minimum, Number maximum,
        boolean required, boolean nullable, List<String> allowed, String description) {

    public FieldSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        allowed = List.copyOf(allowed);
        Objects.requireNonNull(description, "description");
    }

    static FieldSpec required(String name, String type, String description) {
        return new FieldSpec(name, type, null, null, null, true, false, List.of(), description);
    }

    static FieldSpec bounded(String name, String type, Number defaultValue, Number minimum, Number maximum,
            String description) {
        return new FieldSpec(name, type, defaultValue, minimum, maximum, false, false, List.of(), description);
    }

    static FieldSpec optional(String name, String type, Object defaultValue, Number minimum, Number maximum,
            String description) {
        return new FieldSpec(name, type, defaultValue, minimum, maximum, false, true, List.of(), description);
    }

    static FieldSpec choice(String name, String defaultValue, List<String> allowed, String description) {
        return new FieldSpec(name, "string", defaultValue, null, null, false, false, allowed, description);
    }
}
