package dev.ergometer.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code erg} command line: energy of commands, the machine's measurable domains, and (in later modules) the
 * agent, the service and the reports.
 *
 * <p>Exit codes: a measured command's own exit code for {@code erg measure}; 2 for a usage error; 125 when Ergometer
 * itself fails (no source, bad file); 127 when the measured command cannot be started.
 */
@Command(name = "erg",
        mixinStandardHelpOptions = true,
        versionProvider = ErgVersion.class,
        description = "Ergometer: how much energy code, processes and machines use.",
        subcommands = {MeasureCommand.class, ProfileCommand.class, TopCommand.class, DomainsCommand.class,
            AgentCommand.class, ServeCommand.class, FormulaCommand.class, ReportCommand.class, CompareCommand.class,
            CommandLine.HelpCommand.class},
        usageHelpAutoWidth = true)
public final class Erg {

    /** Exit code when Ergometer itself fails. */
    static final int EXIT_ERG_FAILED = 125;
    /** Exit code when the command to measure cannot be started. */
    static final int EXIT_NOT_STARTED = 127;

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The configured command line, for tests and embedding. */
    static CommandLine commandLine() {
        CommandLine cli = new CommandLine(new Erg());
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("erg: " + (e.getMessage() == null ? e.toString() : e.getMessage()));
            if (System.getenv("ERGOMETER_DEBUG") != null) {
                e.printStackTrace(commandLine.getErr());
            }
            return EXIT_ERG_FAILED;
        });
        return cli;
    }
}
