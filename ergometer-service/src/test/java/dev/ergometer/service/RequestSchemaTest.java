package dev.ergometer.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.service.sandbox.Language;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestSchemaTest {

    private static final String CASES = "\"test_cases\": [{\"inputs\": [[1, 3], [2, 4]], \"expected_output\": 2.5,"
            + " \"test_id\": \"t1\"}]";

    private final RequestSchema schema = new RequestSchema(ServiceJson.create());

    private RequestSchema.Parsed measure(String body) {
        return schema.measure(body.getBytes(StandardCharsets.UTF_8));
    }

    private List<FieldError> errors(String body) {
        RequestSchema.Parsed parsed = measure(body);
        assertThat(parsed).isInstanceOf(RequestSchema.Parsed.Invalid.class);
        return ((RequestSchema.Parsed.Invalid) parsed).errors();
    }

    @Test
    void aMinimalRequestGetsJouleTracesDefaults() {
        RequestSchema.Parsed parsed = measure("{\"candidate_code\": \"def solve(a, b): pass\", " + CASES + "}");

        MeasureRequest request = ((RequestSchema.Parsed.Valid) parsed).request();
        assertThat(request.functionName()).isEqualTo("solve");
        assertThat(request.language()).isEqualTo(Language.PYTHON);
        assertThat(request.timeoutSeconds()).isEqualTo(30);
        assertThat(request.memoryLimitMb()).isEqualTo(512);
        assertThat(request.energyMeasurementTrials()).isEqualTo(5);
        assertThat(request.warmupTrials()).isEqualTo(2);
        assertThat(request.cpuCore()).isEmpty();
        assertThat(request.thermalWaitSeconds()).isEqualTo(5.0);
        assertThat(request.testCases()).singleElement().satisfies(t -> {
            assertThat(t.testId()).isEqualTo("t1");
            assertThat(t.inputs()).isEqualTo(List.of(List.of(1, 3), List.of(2, 4)));
            assertThat(t.expectedOutput()).isEqualTo(2.5);
            assertThat(t.metadata()).isEmpty();
        });
    }

    @ParameterizedTest
    @CsvSource({
        "energy_measurement_trials, 0, greater_than_equal", "energy_measurement_trials, 21, less_than_equal",
        "warmup_trials, -1, greater_than_equal", "warmup_trials, 11, less_than_equal",
        "timeout_seconds, 0, greater_than_equal", "timeout_seconds, 301, less_than_equal",
        "memory_limit_mb, 63, greater_than_equal", "memory_limit_mb, 8193, less_than_equal",
        "thermal_wait_seconds, 60.5, less_than_equal", "cpu_core, -1, greater_than_equal",
        "timeout_seconds, 2.5, int_from_float", "timeout_seconds, '\"30\"', int_type",
        "language, '\"ruby\"', enum", "function_name, '\"1abc\"', value_error", "candidate_code, '\"  \"', value_error",
        "candidate_code, 7, string_type", "test_cases, '{}', list_type", "test_cases, '[]', value_error"
    })
    void aValueOutsideJouleTracesLimitsIsRefusedNamingTheField(String field, String value, String type) {
        String body = "{\"candidate_code\": \"def solve(): pass\", " + CASES + ", \"" + field + "\": " + value + "}";

        assertThat(errors(body)).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("body -> " + field);
            assertThat(e.type()).isEqualTo(type);
        });
    }

    @Test
    void theLimitsThemselvesAreAccepted() {
        String body = "{\"candidate_code\": \"x\", " + CASES + ", \"energy_measurement_trials\": 20,"
                + " \"warmup_trials\": 0, \"timeout_seconds\": 300, \"memory_limit_mb\": 64,"
                + " \"thermal_wait_seconds\": 0, \"cpu_core\": 0, \"language\": \"java\"}";

        assertThat(measure(body)).isInstanceOf(RequestSchema.Parsed.Valid.class);
    }

    @Test
    void everyBadFieldIsNamedAtOnce() {
        List<FieldError> errors = errors("{\"test_cases\": [{\"inputs\": 1}, 5], \"timeout_seconds\": 1000,"
                + " \"warmup_trials\": 99}");

        assertThat(errors).extracting(FieldError::field).containsExactlyInAnyOrder(
                "body -> candidate_code", "body -> timeout_seconds", "body -> warmup_trials",
                "body -> test_cases -> 0 -> expected_output", "body -> test_cases -> 0 -> test_id",
                "body -> test_cases -> 1");
        assertThat(errors).filteredOn(e -> e.field().equals("body -> candidate_code"))
                .extracting(FieldError::type).containsExactly("missing");
    }

    @Test
    void nullInputsAndOutputsAreValuesNotMissingFields() {
        RequestSchema.Parsed parsed = measure("{\"candidate_code\": \"x\", \"test_cases\": [{\"inputs\": null,"
                + " \"expected_output\": null, \"test_id\": \"none\", \"metadata\": {\"level\": 3}}]}");

        TestCase test = ((RequestSchema.Parsed.Valid) parsed).request().testCases().getFirst();
        assertThat(test.inputs()).isNull();
        assertThat(test.expectedOutput()).isNull();
        assertThat(test.metadata()).isEqualTo(Map.of("level", 3));
    }

    @Test
    void pythonsNanIsReadSoThatNanCanBeExpected() {
        RequestSchema.Parsed parsed = measure("{\"candidate_code\": \"x\", \"test_cases\": [{\"inputs\": [],"
                + " \"expected_output\": NaN, \"test_id\": \"nan\"}]}");

        assertThat(((RequestSchema.Parsed.Valid) parsed).request().testCases().getFirst().expectedOutput())
                .isEqualTo(Double.NaN);
    }

    @Test
    void brokenJsonIsRefusedWithoutQuotingTheBody() {
        List<FieldError> errors = errors("{\"candidate_code\": \"SECRET_CODE_42 def solve(\" ");

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("body");
            assertThat(e.type()).isEqualTo("json_invalid");
            assertThat(e.message()).doesNotContain("SECRET_CODE_42");
        });
        assertThat(errors("[1, 2]")).extracting(FieldError::type).containsExactly("dict_type");
    }

    @Test
    void validationHasItsOwnTimeoutLimitAndNoTrials() {
        byte[] tooLong = ("{\"candidate_code\": \"x\", " + CASES + ", \"timeout_seconds\": 61}")
                .getBytes(StandardCharsets.UTF_8);
        byte[] ok = ("{\"candidate_code\": \"x\", " + CASES + "}").getBytes(StandardCharsets.UTF_8);

        assertThat(((RequestSchema.Parsed.Invalid) schema.validate(tooLong)).errors())
                .extracting(FieldError::type).containsExactly("less_than_equal");
        MeasureRequest request = ((RequestSchema.Parsed.Valid) schema.validate(ok)).request();
        assertThat(request.timeoutSeconds()).isEqualTo(10);
        assertThat(request.energyMeasurementTrials()).isZero();
        assertThat(request.warmupTrials()).isZero();
    }

    @Test
    void theEstimateIsJouleTracesFormula() {
        MeasureRequest request = ((RequestSchema.Parsed.Valid) measure("{\"candidate_code\": \"x\", " + CASES
                + "}")).request();

        // (2 warmups + 5 trials) x 1 test case x 30 s x 0.1 + 30 s
        assertThat(request.estimatedCompletionSeconds()).isEqualTo(51);
        assertThat(Arrays.asList(request.inputs().toArray())).hasSize(1);
    }
}
