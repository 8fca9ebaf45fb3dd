package dev.ergometer.junit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Measures the energy of each test method of the annotated class, or of the annotated method, with Ergometer: a JSON
 * report per test in {@link #report()} and, at the end of the run, a summary table printed and written there as
 * {@code summary.txt} and {@code summary.json}.
 *
 * <pre>{@code
 * @MeasureEnergy(domains = "package_0")
 * class ParserEnergyTest {
 *     @Test
 *     void parsesTheBigFile() { ... }          // measured once
 *
 *     @RepeatedTest(10)
 *     void parsesTheSmallFile() { ... }        // measured 10 times; the summary gives median, mean, spread
 * }
 * }</pre>
 *
 * <p>Only the test method's invocation is measured: {@code @BeforeEach}, {@code @AfterEach} and the other callbacks
 * are not. A JUnit invocation runs once, so there is no {@code repeat} here: repeat a test with JUnit's own
 * {@code @RepeatedTest} (or {@code @ParameterizedTest}); every repetition is measured and reported on its own, and the
 * summary gathers the repetitions of one method into statistics.
 *
 * <p>The source is the best this machine offers ({@code EnergySources.openBest}), opened once per run and read by one
 * background sampler. These JUnit configuration parameters (or system properties of the same name; otherwise the
 * ERGOMETER_SYSFS, ERGOMETER_PROCFS and ERGOMETER_DEV environment variables) change that:
 * {@code ergometer.source} (a source name such as {@code powercap} or {@code model}), {@code ergometer.sysfs},
 * {@code ergometer.procfs}, {@code ergometer.dev} (kernel roots), and {@code ergometer.report} (a report folder for
 * every test of the run, overriding {@link #report()}).
 *
 * <p>Tests that run in parallel share the machine's counters: each one's energy then includes the others'. Measure
 * energy with sequential execution.
 */
@Target({ElementType.TYPE, ElementType.METHOD, ElementType.ANNOTATION_TYPE})
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(EnergyExtension.class)
public @interface MeasureEnergy {

    /** The domain ids to measure ({@code package_0}, {@code dram_0}, ...); every domain of the source when empty. */
    String[] domains() default {};

    /** The folder of the reports, relative to the working directory (the module's folder under Maven). */
    String report() default "target/ergometer";
}
