package dev.ergometer.service;

import dev.ergometer.service.sandbox.Language;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A submission to validate and measure, with JouleTrace's fields (see {@link RequestSchema} for the JSON names,
 * defaults and limits). A {@code POST /api/v1/validate} request is one with no trials.
 *
 * @param candidateCode the submitted source
 * @param testCases at least one test case
 * @param functionName the function (Python) or static method (Java) to call
 * @param language the submission's language
 * @param timeoutSeconds the time limit of one run of every test case
 * @param memoryLimitMb the submission's memory limit
 * @param energyMeasurementTrials the most trials to measure (adaptive: see {@link AdaptiveTrials}); 0 to validate only
 * @param warmupTrials runs before the trials, not measured
 * @param cpuCore the core to pin the submission to; empty for the worker's choice
 * @param thermalWaitSeconds how long to wait at most for the machine to settle to its idle power before measuring
 * @param candidateId the caller's identifier of the candidate, echoed
 * @param problemName the caller's identifier of the problem, echoed
 */
public record MeasureRequest(String candidateCode, List<TestCase> testCases, String functionName, Language language,
        int timeoutSeconds, int memoryLimitMb, int energyMeasurementTrials, int warmupTrials,
        Optional<Integer> cpuCore, double thermalWaitSeconds, Optional<String> candidateId,
        Optional<String> problemName) {

    public MeasureRequest {
        Objects.requireNonNull(candidateCode, "candidateCode");
        testCases = List.copyOf(testCases);
        Objects.requireNonNull(functionName, "functionName");
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(cpuCore, "cpuCore");
        Objects.requireNonNull(candidateId, "candidateId");
        Objects.requireNonNull(problemName, "problemName");
        if (testCases.isEmpty()) {
            throw new IllegalArgumentException("at least one test case must be provided");
        }
    }

    /** The inputs of the test cases, in order, for the sandbox. */
    public List<Object> inputs() {
        return testCases.stream().map(TestCase::inputs).toList();
    }

    /**
     * JouleTrace's estimate of the time to completion: every warmup and trial of every test case at a tenth of the
     * timeout, plus 30 s of setup.
     */
    public int estimatedCompletionSeconds() {
        return (int) ((warmupTrials + energyMeasurementTrials) * testCases.size() * timeoutSeconds * 0.1) + 30;
    }
}
