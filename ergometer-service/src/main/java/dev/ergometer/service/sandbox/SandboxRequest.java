package dev.ergometer.service.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What a {@link Sandbox} is to run.
 *
 * @param language the submission's language
 * @param code the submission's source
 * @param entryPoint the function to call (Python) or {@code Class.method} / method of the class (Java)
 * @param inputs one JSON value per test case (an object: named arguments; a list: positional arguments; anything
 *     else: one argument); may hold nulls
 * @param warmups warmups before the trials, not measured (>= 0)
 * @param trials the most trials to run (>= 0; 0 for validation alone); the listener may stop them earlier
 * @param timeout the time limit of one run of all test cases, and of each warmup, calibration round and trial
 *     (whatever its passes)
 * @param memoryBytes the memory limit of the submission's process
 * @param cpu the core the submission is pinned to, -1 for none
 */
public record SandboxRequest(Language language, String code, String entryPoint, List<Object> inputs, int warmups,
        int trials, Duration timeout, long memoryBytes, int cpu) {

    public SandboxRequest {
        Objects.requireNonNull(language, "language");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(entryPoint, "entryPoint");
        Objects.requireNonNull(timeout, "timeout");
        inputs = Collections.unmodifiableList(new ArrayList<>(Objects.requireNonNull(inputs, "inputs")));
        if (warmups < 0 || trials < 0) {
            throw new IllegalArgumentException("warmups and trials cannot be negative, got " + warmups + " and "
                    + trials);
        }
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("the timeout must be positive, got " + timeout);
        }
        if (memoryBytes <= 0) {
            throw new IllegalArgumentException("the memory limit must be positive, got " + memoryBytes + " bytes");
        }
        if (cpu < -1) {
            throw new IllegalArgumentException("cpu is a core number or -1 for none, got " + cpu);
        }
    }
}
