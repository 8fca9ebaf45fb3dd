package dev.ergometer.cli;

import dev.ergometer.formula.FormulaMain;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code erg formula}: runs formula workers in the foreground until SIGTERM or Ctrl-C, which stop each after its
 * current (committed) batch and exit 0.
 *
 * <p>Only {@link FormulaMain} is named here, and only inside a method body: the launcher puts the formula's jars (the
 * Kafka, MongoDB and remote-write clients) on the class path for {@code erg formula} alone, so no signature of this
 * class may mention them.
 */
@Command(name = "formula",
        description = "Run formula workers: a Kafka consumer group that turns the HWPC reports of many machines"
                + " (erg agent in sensor mode, or PowerAPI's hwpc-sensor) into PowerAPI power reports per target,"
                + " written exactly once to a Kafka topic (FORMULA_OUTPUT_TOPIC), MongoDB (MONGODB_URI) and"
                + " Prometheus remote-write (REMOTE_WRITE_URL). FORMULA=cpu-share (default) or smartwatts"
                + " (CPU_TDP, CPU_BASE_CLOCK, CPU_BASE_FREQ, LEARN_*, ... with PowerAPI's defaults). Settings come"
                + " from --config and the environment (KAFKA_BOOTSTRAP_SERVERS, FORMULA_INPUT_TOPIC, FORMULA_GROUP,"
                + " FORMULA_WORKERS, ...), the environment winning. More workers, here or on other machines, share"
                + " the input's partitions. See docs/fleet.md.",
        mixinStandardHelpOptions = true)
final class FormulaCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--config", paramLabel = "FILE",
            description = "Properties file of KEY=value settings (the environment overrides it).")
    Path config;

    /** The environment the settings are read from; tests replace it. */
    Map<String, String> environment = System.getenv();

    @Override
    public Integer call() throws Exception {
        try {
            return FormulaMain.run(config, environment, spec.commandLine().getErr());
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("erg formula: " + e.getMessage());
            return 2;
        } catch (IllegalStateException e) {
            spec.commandLine().getErr().println("erg formula: " + e.getMessage());
            return 1;
        }
    }
}
