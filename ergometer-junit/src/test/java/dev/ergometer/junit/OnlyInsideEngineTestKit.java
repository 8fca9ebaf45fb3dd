package dev.ergometer.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Marks a sample test class that only the extension's own tests run (through the EngineTestKit, with the
 * configuration parameter {@code ergometer.samples=enabled}); run any other way, it is skipped.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@ExtendWith(OnlyInsideEngineTestKit.Condition.class)
@interface OnlyInsideEngineTestKit {

    String PARAMETER = "ergometer.samples";

    /** Enables the sample only when the launching test asked for it. */
    final class Condition implements ExecutionCondition {
        @Override
        public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
            return context.getConfigurationParameter(PARAMETER).filter("enabled"::equals).isPresent()
                    ? ConditionEvaluationResult.enabled("launched by the extension's tests")
                    : ConditionEvaluationResult.disabled("a sample for EnergyExtensionTest, run only through it");
        }
    }
}
