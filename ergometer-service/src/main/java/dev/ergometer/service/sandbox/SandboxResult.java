package dev.ergometer.service.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link Sandbox#run} gave: the outcome, for a failure its type and message, the outputs and how many trials
 * ran.
 *
 * @param outcome OK, or FAILED for a fault of the submission
 * @param errorType for a failure: TIMEOUT, MEMORY, CRASH, SECURITY, COMPILE or RUNTIME; null when OK
 * @param errorMessage for a failure, what happened, for the submitter; null when OK
 * @param outputs one JSON value per test case that ran (tuples as {@code {"__tuple__": [...]}}); may hold nulls and
 *     be shorter than the inputs when a failure stopped the validation
 * @param trialsRun how many measured trials ran (warmups not counted)
 * @param elapsed the wall-clock time of the whole run
 */
public record SandboxResult(Outcome outcome, String errorType, String errorMessage, List<Object> outputs,
        int trialsRun, Duration elapsed) {

    /** Whether the submission ran to the end. */
    public enum Outcome { OK, FAILED }

    public SandboxResult {
        Objects.requireNonNull(outcome, "outcome");
        Objects.requireNonNull(elapsed, "elapsed");
        outputs = Collections.unmodifiableList(new ArrayList<>(Objects.requireNonNull(outputs, "outputs")));
        if (outcome == Outcome.FAILED && (errorType == null || errorMessage == null)) {
            throw new IllegalArgumentException("a failed run needs an error type and a message");
        }
        if (trialsRun < 0) {
            throw new IllegalArgumentException("trialsRun cannot be negative, got " + trialsRun);
        }
    }
}
