package dev.ergometer.service;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One of a submission's test cases, as JouleTrace takes it.
 *
 * @param inputs the arguments as a JSON value: an object gives named arguments, a list positional arguments, anything
 *     else one argument (may be null)
 * @param expectedOutput the output the function must return (may be null)
 * @param testId the test case's name in reports
 * @param metadata free-form data about the test case, echoed in failure details
 */
public record TestCase(Object inputs, Object expectedOutput, String testId, Map<String, Object> metadata) {

    public TestCase {
        Objects.requireNonNull(testId, "testId");
        metadata = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(metadata, "metadata")));
    }
}
