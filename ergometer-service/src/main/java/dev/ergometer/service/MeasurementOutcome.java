package dev.ergometer.service;

import java.util.Objects;
import java.util.Optional;

/** How a measurement ended: completed with its energy, or failed with a type and a message. */
public sealed interface MeasurementOutcome {

    /**
     * The submission passed every test case and its trials were measured.
     *
     * @param validation the correctness gate's verdict (all passed)
     * @param metrics the aggregate of the trials
     * @param warmups how many warmups ran
     * @param earlyStop whether the trials stopped before the most asked for because they agreed
     */
    record Completed(ValidationSummary validation, EnergyMetrics metrics, int warmups, boolean earlyStop)
            implements MeasurementOutcome {
        public Completed {
            Objects.requireNonNull(validation, "validation");
            Objects.requireNonNull(metrics, "metrics");
        }
    }

    /**
     * The submission failed or the measurement could not be made.
     *
     * @param errorType {@code incorrect_solution}, {@code timeout}, {@code memory_limit_exceeded}, {@code crash},
     *     {@code security_violation}, {@code compile_error}, {@code runtime_error}, {@code cancelled} or
     *     {@code energy_measurement_failed}
     * @param errorMessage what happened, for the submitter
     * @param validation the correctness gate's verdict, when it was reached
     */
    record Failed(String errorType, String errorMessage, Optional<ValidationSummary> validation)
            implements MeasurementOutcome {
        public Failed {
            Objects.requireNonNull(errorType, "errorType");
            Objects.requireNonNull(errorMessage, "errorMessage");
            Objects.requireNonNull(validation, "validation");
        }
    }

    /** The API's error type for a sandbox failure type (TIMEOUT, MEMORY, CRASH, SECURITY, COMPILE, RUNTIME). */
    static String errorTypeOf(String sandboxType) {
        return switch (sandboxType == null ? "" : sandboxType) {
            case "TIMEOUT" -> "timeout";
            case "MEMORY" -> "memory_limit_exceeded";
            case "CRASH" -> "crash";
            case "SECURITY" -> "security_violation";
            case "COMPILE" -> "compile_error";
            case "RUNTIME" -> "runtime_error";
            default -> "execution_error";
        };
    }
}
