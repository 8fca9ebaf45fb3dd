package dev.ergometer.service;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The correctness gate's verdict: how many test cases the submission's outputs passed, and the first failures in
 * detail. Energy is measured only for a submission that passes every test case.
 *
 * @param passedTests test cases whose output matched
 * @param totalTests test cases given
 * @param failures up to {@value #MAX_FAILURE_DETAILS} failed test cases, in order
 * @param executionError what stopped the submission, when something did (a timeout, a crash, ...)
 */
public record ValidationSummary(int passedTests, int totalTests, List<FailedTest> failures,
        Optional<String> executionError) {

    /** The most failed test cases described in a report. */
    public static final int MAX_FAILURE_DETAILS = 10;

    /**
     * One test case that failed.
     *
     * @param testId its name
     * @param expectedOutput what it expected
     * @param actualOutput what the submission returned; null when it returned nothing
     * @param errorMessage why there is no output, when there is none
     */
    public record FailedTest(String testId, Object expectedOutput, Object actualOutput, Optional<String> errorMessage) {
        public FailedTest {
            Objects.requireNonNull(testId, "testId");
            Objects.requireNonNull(errorMessage, "errorMessage");
        }
    }

    public ValidationSummary {
        failures = List.copyOf(failures);
        Objects.requireNonNull(executionError, "executionError");
    }

    /**
     * Compares the outputs with the test cases' expected outputs by {@link OutputComparison}.
     *
     * @param outputs one per test case that ran (may be fewer than the test cases when the run stopped)
     * @param executionError why the run stopped, if it did
     */
    public static ValidationSummary of(List<TestCase> testCases, List<Object> outputs, Optional<String> executionError) {
        int passed = 0;
        List<FailedTest> failures = new ArrayList<>();
        for (int i = 0; i < testCases.size(); i++) {
            TestCase test = testCases.get(i);
            boolean ran = i < outputs.size();
            Object actual = ran ? outputs.get(i) : null;
            if (ran && OutputComparison.matches(test.expectedOutput(), actual)) {
                passed++;
            } else if (failures.size() < MAX_FAILURE_DETAILS) {
                failures.add(new FailedTest(test.testId(), test.expectedOutput(), actual,
                        ran ? Optional.empty() : Optional.of(executionError.orElse("the test case did not run"))));
            }
        }
        return new ValidationSummary(passed, testCases.size(), failures, executionError);
    }

    /** Whether every test case passed and nothing stopped the run. */
    public boolean isCorrect() {
        return passedTests == totalTests && executionError.isEmpty();
    }

    /** Passed over total, in percent. */
    public double passRate() {
        return totalTests == 0 ? 0 : passedTests * 100.0 / totalTests;
    }

    /** JouleTrace's summary line: "All N tests passed" or "Failed K/N tests" (with what stopped the run). */
    public String summary() {
        if (isCorrect()) {
            return "All " + totalTests + " tests passed";
        }
        return "Failed " + (totalTests - passedTests) + "/" + totalTests + " tests"
                + executionError.map(e -> ": " + e).orElse("");
    }
}
