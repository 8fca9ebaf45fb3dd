package dev.ergometer.service;

import java.util.Objects;

/**
 * One reason a request was refused with 422, in the form JouleTrace (FastAPI) reports it.
 *
 * @param field where the bad value is, as {@code body -> test_cases -> 0 -> test_id}
 * @param message what is wrong, for people
 * @param type the kind of error: {@code missing}, {@code int_type}, {@code less_than_equal}, {@code value_error}, ...
 */
public record FieldError(String field, String message, String type) {

    public FieldError {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(type, "type");
    }
}
