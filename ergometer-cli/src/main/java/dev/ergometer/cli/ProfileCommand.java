package dev.ergometer.cli;

import dev.ergometer.profiler.ProfileLauncher;
import dev.ergometer.profiler.ProfileSettings;
import dev.ergometer.profiler.ReportFormat;
import dev.ergometer.profiler.SamplerChoice;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SourceUnavailableException;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code erg profile}: energy per Java method. Runs the command with the profiler as a Java agent in its JVM
 * ({@link ProfileLauncher}), then prints the summary to standard error, like {@code erg measure}.
 *
 * <p>The profiler's types are named only inside {@link #call()}, as {@code erg agent} does with its own: the command
 * class stays loadable whatever the class path holds.
 */
@Command(name = "profile",
        description = {"Run a Java program and report the energy of each of its methods: the JVM's share of the"
                + " machine's energy by its CPU time, each thread's share by its CPU time, and each method's share by"
                + " JDK Flight Recorder's CPU-time samples (execution samples on JDKs without them).",
            "Writes summary.txt, calltree.txt, methods.csv, threads.csv, timeline.csv, methods-timeline.csv,"
                + " stacks.collapsed and flamegraph.html into --output (the *-app files too with --packages), and"
                + " prints the summary to standard error. Exits with the command's exit code. See docs/profiler.md."},
        mixinStandardHelpOptions = true,
        sortOptions = false,
        showEndOfOptionsDelimiterInUsageHelp = true)
final class ProfileCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = {"-p", "--packages"}, paramLabel = "PACKAGES", split = ",",
            description = "The application's package prefixes, comma-separated (com.example,org.acme): adds the"
                    + " application view, where JDK and library code is charged to the application method that"
                    + " called it.")
    List<String> packages = List.of();

    @Option(names = {"-i", "--interval"}, paramLabel = "DURATION", defaultValue = "1s",
            description = "How often energy is read and split among threads: 500ms, 1s, 2s; a bare number is"
                    + " seconds (default: ${DEFAULT-VALUE}).")
    String interval;

    @Option(names = {"-o", "--output"}, paramLabel = "DIR",
            description = "Folder for the reports, new or empty (default: erg-profile-DATE-TIME in the working"
                    + " folder).")
    Path output;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMATS", defaultValue = "text,csv,collapsed,html",
            description = "Reports to write, comma-separated: text, csv, collapsed, html, or all (default:"
                    + " ${DEFAULT-VALUE}); summary.txt is always written.")
    String format;

    @Option(names = "--sampler", paramLabel = "SAMPLER", defaultValue = "auto",
            description = "JFR sampler: cpu-time (jdk.CPUTimeSample, JDK 25+ on Linux), execution"
                    + " (jdk.ExecutionSample) or auto (cpu-time where there is one; default: ${DEFAULT-VALUE}).")
    String sampler;

    @Option(names = "--period", paramLabel = "DURATION", defaultValue = "19ms",
            description = "Sampling period: a thread's CPU time between two of its samples (cpu-time), or wall time"
                    + " (execution) (default: ${DEFAULT-VALUE}; not a round number, so that work that switches every"
                    + " 10 or 20 ms is not sampled in lock-step).")
    String period;

    @Option(names = "--domains", paramLabel = "IDS", split = ",",
            description = "Domains whose energy is split, comma-separated (default: every package and DRAM domain;"
                    + " else psys; else machine).")
    List<String> domains = List.of();

    @Option(names = "--report-every", paramLabel = "DURATION", defaultValue = "30s",
            description = "Rewrite the reports this often while the program runs; 0 for only at its end (default:"
                    + " ${DEFAULT-VALUE}). The timelines are appended every interval.")
    String reportEvery;

    @Option(names = "--from-start",
            description = "Start profiling before main, which waits for it (JFR and the energy source take about a"
                    + " second to start); by default profiling starts alongside the program and misses its first"
                    + " second or so.")
    boolean fromStart;

    @Mixin
    KernelOptions kernel;

    @Parameters(arity = "1..*", paramLabel = "COMMAND",
            description = "The Java command and its arguments, after --: java ... or a script that runs java.")
    List<String> command;

    @Override
    public Integer call() throws Exception {
        ProfileSettings.Builder builder;
        try {
            Path folder = output != null ? output : Path.of("erg-profile-"
                    + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
            builder = ProfileSettings.builder(folder)
                    .packages(packages)
                    .intervalNanos(ProfileSettings.parseDurationNanos(interval, "--interval"))
                    .formats(ReportFormat.parse(format))
                    .sampler(SamplerChoice.parse(sampler))
                    .samplingPeriodNanos(ProfileSettings.parseDurationNanos(period, "--period"))
                    .reportEveryNanos(ProfileSettings.parseDurationNanos(reportEvery, "--report-every"))
                    .domains(domains)
                    .paths(kernel.paths())
                    .model(kernel.modelIdleWatts, kernel.modelMaxWatts, kernel.modelDramWattsPerGib)
                    .fromStart(fromStart);
            builder.build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        // The source is opened here, before the program runs: a machine without any fails with the reason and the
        // fix, and the profiler reads this one for every JVM the command starts.
        var err = spec.commandLine().getErr();
        ProfileSettings settings = builder.build();
        try (EnergySource source = kernel.openSource().source()) {
            // not a lambda: its method would take a ProfileSettings, and picocli lists this class's methods, which
            // must load without lib/optional (the profiler) on the class path
            return InterruptSignal.passedToChild(new Callable<Integer>() {
                @Override
                public Integer call() throws Exception {
                    return ProfileLauncher.run(command, settings, source, err, err);
                }
            });
        } catch (SourceUnavailableException e) {
            err.println("erg: " + e.getMessage());
            return Erg.EXIT_ERG_FAILED;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
    }
}
