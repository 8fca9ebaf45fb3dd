package dev.ergometer.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ergometer.service.sandbox.Language;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The request bodies of {@code POST /api/v1/measure} and {@code POST /api/v1/validate}: JouleTrace's field names,
 * defaults and limits, checked field by field so that a 422 names every bad field at once.
 */
public final class RequestSchema {

    private static final List<String> LANGUAGES = List.of("python", "java");
    private static final Pattern IDENTIFIER = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    /** The fields of a measurement request. */
    public static final List<FieldSpec> MEASURE = List.of(
            FieldSpec.required("candidate_code", "string",
                    "The submission: a Python module defining the function, or a Java class with the public static"
                            + " method."),
            FieldSpec.required("test_cases", "array",
                    "At least one test case: {inputs, expected_output, test_id, metadata}. Every test case is run"
                            + " once to validate the submission; each trial runs them all once."),
            FieldSpec.choice("function_name", "solve", List.of(),
                    "The function (Python) or public static method (Java) to call."),
            FieldSpec.choice("language", "python", LANGUAGES, "The submission's language."),
            FieldSpec.bounded("timeout_seconds", "integer", 30, 1, 300,
                    "Time limit of one run of every test case (validation, each warmup), and of each trial"
                            + " (its passes over the test cases are chosen to take at most half of it)."),
            FieldSpec.bounded("memory_limit_mb", "integer", 512, 64, 8192, "Memory limit of the submission."),
            FieldSpec.bounded("energy_measurement_trials", "integer", 5, 1, 20,
                    "The most trials to measure; measuring stops earlier, after at least 3, once the trials' net"
                            + " energies vary by less than 5% (coefficient of variation)."),
            FieldSpec.bounded("warmup_trials", "integer", 2, 0, 10, "Runs of every test case before the trials,"
                    + " not measured."),
            FieldSpec.optional("cpu_core", "integer", null, 0, 8191,
                    "The core to pin the submission to; by default one of the worker's measurement cores."),
            FieldSpec.optional("thermal_wait_seconds", "number", 5.0, 0, 60,
                    "How long to wait at most for the machine to settle back to its idle power before measuring;"
                            + " 0 to not wait."),
            FieldSpec.optional("candidate_id", "string", null, null, null, "Your identifier of the candidate,"
                    + " echoed."),
            FieldSpec.optional("problem_name", "string", null, null, null, "Your identifier of the problem,"
                    + " echoed."));

    /** The fields of a validation request. */
    public static final List<FieldSpec> VALIDATE = List.of(
            MEASURE.get(0), MEASURE.get(1), MEASURE.get(2), MEASURE.get(3),
            FieldSpec.bounded("timeout_seconds", "integer", 10, 1, 60,
                    "Time limit of one run of every test case."),
            MEASURE.get(5));

    /** The fields of one test case. */
    public static final List<FieldSpec> TEST_CASE = List.of(
            new FieldSpec("inputs", "any", null, null, null, true, true, List.of(),
                    "The arguments: an object gives named arguments, a list positional arguments, any other value"
                            + " one argument."),
            new FieldSpec("expected_output", "any", null, null, null, true, true, List.of(),
                    "The output the function must return. Floats match within 1e-9 (absolute or relative), NaN"
                            + " matches NaN, ints and floats compare as numbers, a list never matches a tuple"
                            + " (write a tuple as {\"__tuple__\": [...]}), dicts need the same keys."),
            FieldSpec.required("test_id", "string", "The test case's name in reports."),
            new FieldSpec("metadata", "object", Map.of(), null, null, false, false, List.of(),
                    "Free-form data about the test case."));

    private final ObjectMapper json;

    RequestSchema(ObjectMapper json) {
        this.json = json;
    }

    /** The outcome of checking a body: a request, or every reason it was refused. */
    public sealed interface Parsed {
        /** The body is a valid request. */
        record Valid(MeasureRequest request) implements Parsed {
        }

        /** The body was refused; each error names its field. */
        record Invalid(List<FieldError> errors) implements Parsed {
            public Invalid {
                errors = List.copyOf(errors);
            }
        }
    }

    /** Checks the raw body of a measurement request. */
    public Parsed measure(byte[] body) {
        return parse(body, MEASURE, false);
    }

    /** Checks the raw body of a validation request (no trials). */
    public Parsed validate(byte[] body) {
        return parse(body, VALIDATE, true);
    }

    private Parsed parse(byte[] body, List<FieldSpec> specs, boolean validateOnly) {
        JsonNode root;
        try {
            root = json.readTree(body);
        } catch (JsonProcessingException e) {
            return new Parsed.Invalid(List.of(new FieldError("body", "JSON decode error: " + e.getOriginalMessage(),
                    "json_invalid")));
        } catch (java.io.IOException e) {
            return new Parsed.Invalid(List.of(new FieldError("body", "cannot read the body: " + e.getMessage(),
                    "json_invalid")));
        }
        if (root == null || !root.isObject()) {
            return new Parsed.Invalid(List.of(new FieldError("body", "Input should be a valid dictionary",
                    "dict_type")));
        }
        List<FieldError> errors = new ArrayList<>();
        Map<String, Object> values = new LinkedHashMap<>();
        for (FieldSpec spec : specs) {
            values.put(spec.name(), field(root, spec, "body", errors));
        }
        List<TestCase> testCases = testCases(root.get("test_cases"), errors);
        String code = (String) values.get("candidate_code");
        if (code != null && code.isBlank()) {
            errors.add(new FieldError("body -> candidate_code", "Value error, candidate_code must not be empty",
                    "value_error"));
        }
        String function = (String) values.get("function_name");
        if (function != null && !IDENTIFIER.matcher(function).matches()) {
            errors.add(new FieldError("body -> function_name", "Value error, function_name must be an identifier"
                    + " (letters, digits and _, not starting with a digit), got '" + shorten(function) + "'",
                    "value_error"));
        }
        if (!errors.isEmpty()) {
            return new Parsed.Invalid(errors);
        }
        Language language = Language.valueOf(((String) values.get("language")).toUpperCase(Locale.ROOT));
        return new Parsed.Valid(new MeasureRequest(code, testCases, function, language,
                ((Number) values.get("timeout_seconds")).intValue(),
                ((Number) values.get("memory_limit_mb")).intValue(),
                validateOnly ? 0 : ((Number) values.get("energy_measurement_trials")).intValue(),
                validateOnly ? 0 : ((Number) values.get("warmup_trials")).intValue(),
                validateOnly ? Optional.empty()
                        : Optional.ofNullable((Number) values.get("cpu_core")).map(Number::intValue),
                validateOnly ? 0 : ((Number) values.get("thermal_wait_seconds")).doubleValue(),
                validateOnly ? Optional.empty() : Optional.ofNullable((String) values.get("candidate_id")),
                validateOnly ? Optional.empty() : Optional.ofNullable((String) values.get("problem_name"))));
    }

    private List<TestCase> testCases(JsonNode node, List<FieldError> errors) {
        List<TestCase> cases = new ArrayList<>();
        if (node == null || !node.isArray()) {
            return cases; // the field check has said why
        }
        if (node.isEmpty()) {
            errors.add(new FieldError("body -> test_cases", "Value error, At least one test case must be provided",
                    "value_error"));
            return cases;
        }
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            String where = "body -> test_cases -> " + i;
            if (!item.isObject()) {
                errors.add(new FieldError(where, "Input should be a valid dictionary", "dict_type"));
                continue;
            }
            int before = errors.size();
            Object inputs = field(item, TEST_CASE.get(0), where, errors);
            Object expected = field(item, TEST_CASE.get(1), where, errors);
            Object testId = field(item, TEST_CASE.get(2), where, errors);
            Object metadata = field(item, TEST_CASE.get(3), where, errors);
            if (errors.size() == before) {
                @SuppressWarnings("unchecked")
                Map<String, Object> meta = (Map<String, Object>) metadata;
                cases.add(new TestCase(inputs, expected, (String) testId, meta));
            }
        }
        return cases;
    }

    /** The value of one field, its default when absent, or null after adding the reason it is refused. */
    private Object field(JsonNode parent, FieldSpec spec, String where, List<FieldError> errors) {
        String location = where + " -> " + spec.name();
        JsonNode node = parent.get(spec.name());
        if (node == null || node.isMissingNode()) {
            if (spec.required()) {
                errors.add(new FieldError(location, "Field required", "missing"));
            }
            return spec.defaultValue();
        }
        if (node.isNull()) {
            if (spec.nullable()) {
                return spec.defaultValue();
            }
            errors.add(typeError(location, spec.type()));
            return null;
        }
        return switch (spec.type()) {
            case "any" -> json.convertValue(node, Object.class);
            case "string" -> string(node, spec, location, errors);
            case "integer" -> integer(node, spec, location, errors);
            case "number" -> number(node, spec, location, errors);
            case "array" -> {
                if (!node.isArray()) {
                    errors.add(typeError(location, "array"));
                }
                yield null;
            }
            case "object" -> {
                if (!node.isObject()) {
                    errors.add(typeError(location, "object"));
                    yield null;
                }
                yield json.convertValue(node, Map.class);
            }
            default -> throw new IllegalStateException("unknown field type " + spec.type());
        };
    }

    private static String string(JsonNode node, FieldSpec spec, String location, List<FieldError> errors) {
        if (!node.isTextual()) {
            errors.add(typeError(location, "string"));
            return null;
        }
        String value = node.textValue();
        if (!spec.allowed().isEmpty() && !spec.allowed().contains(value)) {
            errors.add(new FieldError(location, "Input should be " + String.join(" or ",
                    spec.allowed().stream().map(a -> "'" + a + "'").toList()), "enum"));
            return null;
        }
        return value;
    }

    private static Number integer(JsonNode node, FieldSpec spec, String location, List<FieldError> errors) {
        if (!node.isNumber()) {
            errors.add(typeError(location, "integer"));
            return null;
        }
        if (!node.isIntegralNumber()) {
            double value = node.doubleValue();
            if (value != Math.rint(value) || Double.isInfinite(value)) {
                errors.add(new FieldError(location,
                        "Input should be a valid integer, got a number with a fractional part", "int_from_float"));
                return null;
            }
        }
        if (!node.canConvertToLong() && node.isIntegralNumber()) {
            errors.add(new FieldError(location, "Input should be a valid integer, unable to parse it", "int_parsing"));
            return null;
        }
        return bounds(node.longValue(), spec, location, errors) ? node.longValue() : null;
    }

    private static Number number(JsonNode node, FieldSpec spec, String location, List<FieldError> errors) {
        if (!node.isNumber() || !Double.isFinite(node.doubleValue())) {
            errors.add(typeError(location, "number"));
            return null;
        }
        return bounds(node.doubleValue(), spec, location, errors) ? node.doubleValue() : null;
    }

    private static boolean bounds(double value, FieldSpec spec, String location, List<FieldError> errors) {
        if (spec.minimum() != null && value < spec.minimum().doubleValue()) {
            errors.add(new FieldError(location, "Input should be greater than or equal to " + spec.minimum(),
                    "greater_than_equal"));
            return false;
        }
        if (spec.maximum() != null && value > spec.maximum().doubleValue()) {
            errors.add(new FieldError(location, "Input should be less than or equal to " + spec.maximum(),
                    "less_than_equal"));
            return false;
        }
        return true;
    }

    private static FieldError typeError(String location, String type) {
        return switch (type) {
            case "string" -> new FieldError(location, "Input should be a valid string", "string_type");
            case "integer" -> new FieldError(location, "Input should be a valid integer", "int_type");
            case "number" -> new FieldError(location, "Input should be a valid number", "float_type");
            case "array" -> new FieldError(location, "Input should be a valid list", "list_type");
            default -> new FieldError(location, "Input should be a valid dictionary", "dict_type");
        };
    }

    private static String shorten(String value) {
        return value.length() <= 40 ? value : value.substring(0, 40) + "...";
    }
}
