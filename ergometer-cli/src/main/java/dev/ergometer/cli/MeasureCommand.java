package dev.ergometer.cli;

import dev.ergometer.carbon.CarbonSettings;
import dev.ergometer.measure.CommandMeasurement;
import dev.ergometer.measure.MeasurementResult;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.EnergySources;
import dev.ergometer.source.SourceUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/** {@code erg measure}: the energy of a command, per domain, with idle removal and repeated runs. */
@Command(name = "measure",
        description = {"Run a command and report the energy per domain (J), the average power (W), its duration,"
                + " the CPU time of its process tree, its share of the energy (by CPU time), and the energy's grams"
                + " of CO2e and cost.",
            "The report goes to standard error (like `time`), or to --output; the command keeps the terminal.",
            "Exits with the command's exit code."},
        mixinStandardHelpOptions = true,
        sortOptions = false,
        showEndOfOptionsDelimiterInUsageHelp = true)
final class MeasureCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    KernelOptions kernel;

    @Mixin
    CarbonOptions carbon;

    @Option(names = {"-r", "--repeat"}, paramLabel = "N", defaultValue = "1",
            description = "Measured runs (default: ${DEFAULT-VALUE}); more than one adds median, mean, standard"
                    + " deviation, CV and a 95%% confidence interval.")
    int repeat;

    @Option(names = {"-w", "--warmup"}, paramLabel = "N", defaultValue = "0",
            description = "Runs before the measured ones, not reported (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--idle", paramLabel = "SECONDS|off", defaultValue = "0.5",
            description = "Measure idle power for this long before the runs and subtract it (default:"
                    + " ${DEFAULT-VALUE} s); `off` reports raw energy only.")
    String idle;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "table",
            description = "Report format: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    ReportFormat format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE",
            description = "Write the report to FILE (`-` for standard output) instead of standard error.")
    Path output;

    @Option(names = "--name", paramLabel = "NAME",
            description = "Store this run as NAME in the fleet's storage, through the machine's erg agent (which needs"
                    + " RUNS_MONGODB_URI); checked before the command runs.")
    String name;

    @Option(names = "--agent", paramLabel = "URL", defaultValue = "http://127.0.0.1:9464",
            description = "The erg agent that stores named runs (default: ${DEFAULT-VALUE}).")
    URI agent;

    @Parameters(arity = "1..*", paramLabel = "COMMAND", description = "The command and its arguments, after --.")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        CommandMeasurement.Options options = new CommandMeasurement.Options(command, repeat, warmup, idleWindow());
        CarbonSettings carbonSettings = carbon.settings(spec);
        NamedRuns runs = name == null ? null : new NamedRuns(agent);
        if (runs != null) {
            try {
                runs.checkReady(name);
            } catch (IOException | IllegalArgumentException e) {
                spec.commandLine().getErr().println("erg: " + e.getMessage());
                return Erg.EXIT_ERG_FAILED;
            }
        }
        EnergySources.Selection selection;
        try {
            selection = kernel.openSource();
        } catch (SourceUnavailableException e) {
            spec.commandLine().getErr().println("erg: " + e.getMessage());
            return Erg.EXIT_ERG_FAILED;
        }
        MeasurementResult result;
        Instant start = Instant.now();
        try (EnergySource source = selection.source();
                Sampler sampler = new Sampler(source, Ticker.system(), Sampler.DEFAULT_INTERVAL_NANOS).start();
                ProgressBar progress = ProgressBar.forStandardError(options.warmup() + options.repeat())) {
            result = InterruptSignal.passedToChild(() -> CommandMeasurement.run(sampler, kernel.paths(), options, progress));
        } catch (CommandMeasurement.CommandNotStartedException e) {
            spec.commandLine().getErr().println("erg: " + e.getMessage());
            return Erg.EXIT_NOT_STARTED;
        }
        Instant end = Instant.now();
        writeReport(format.render(result, carbonSettings));
        if (runs != null) {
            try {
                String stored = runs.store(name, start, end, MeasureJson.render(result, carbonSettings));
                spec.commandLine().getErr().println("erg: stored run '" + name + "' of " + NamedRuns.machine(stored)
                        + " through the agent at " + agent);
            } catch (IOException e) {
                spec.commandLine().getErr().println("erg: " + e.getMessage());
                return Erg.EXIT_ERG_FAILED;
            }
        }
        return result.exitCode();
    }

    private Duration idleWindow() {
        if (idle.equalsIgnoreCase("off") || idle.equals("0")) {
            return Duration.ZERO;
        }
        try {
            double seconds = Double.parseDouble(idle);
            if (!(seconds >= 0) || seconds > 3600) {
                throw new NumberFormatException();
            }
            return Duration.ofNanos((long) (seconds * 1e9));
        } catch (NumberFormatException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--idle takes seconds between 0 and 3600, or `off`; got '" + idle + "'");
        }
    }

    private void writeReport(String report) throws IOException {
        if (output == null) {
            PrintWriter err = spec.commandLine().getErr();
            err.print(report);
            err.flush();
        } else if (output.toString().equals("-")) {
            PrintWriter out = spec.commandLine().getOut();
            out.print(report);
            out.flush();
        } else {
            Files.writeString(output, report);
        }
    }
}
