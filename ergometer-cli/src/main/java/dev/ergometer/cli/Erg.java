package dev.ergometer.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code erg} command line: energy of commands, the machine's measurable domains, and (in later modules) the
 * agent, the service and the reports.
 *
 * <p>Exit codes: a measured command's own exit code for {@code erg measure}; 2 for a usage error; 125 when Ergometer
 * itself fails (no source, bad file); 127 when the measured command cannot be started.
 *
 * <p>picocli reads every option of every command it is given, by reflection, before it parses anything: with nine
 * commands that was 55 ms of {@code erg}'s start (docs/PERFORMANCE.md, section 3). So when the first argument names a
 * command, only that command is given to picocli; otherwise ({@code erg}, {@code erg --help}, {@code erg help X}, a
 * typo) all of them are.
 */
@Command(name = "erg",
        mixinStandardHelpOptions = true,
        versionProvider = ErgVersion.class,
        description = "Ergometer: how much energy code, processes and machines use.",
        usageHelpAutoWidth = true)
public final class Erg {

    /** Exit code when Ergometer itself fails. */
    static final int EXIT_ERG_FAILED = 125;
    /** Exit code when the command to measure cannot be started. */
    static final int EXIT_NOT_STARTED = 127;

    /** The commands, in the order {@code erg --help} lists them, each made only when picocli is given it. */
    private static final Map<String, Supplier<Object>> COMMANDS = commands();

    private static Map<String, Supplier<Object>> commands() {
        Map<String, Supplier<Object>> commands = new LinkedHashMap<>();
        commands.put("measure", MeasureCommand::new);
        commands.put("profile", ProfileCommand::new);
        commands.put("top", TopCommand::new);
        commands.put("domains", DomainsCommand::new);
        commands.put("agent", AgentCommand::new);
        commands.put("serve", ServeCommand::new);
        commands.put("formula", FormulaCommand::new);
        commands.put("report", ReportCommand::new);
        commands.put("compare", CompareCommand::new);
        commands.put("help", CommandLine.HelpCommand::new);
        return commands;
    }

    public static void main(String[] args) {
        System.exit(commandLine(args).execute(args));
    }

    /** The configured command line with every command, for tests and embedding. */
    static CommandLine commandLine() {
        return commandLine(new String[0]);
    }

    /**
     * The configured command line for {@code args}: with only the command they name when that is not {@code help},
     * else with every command.
     */
    static CommandLine commandLine(String[] args) {
        CommandLine cli = new CommandLine(new Erg());
        String first = args.length > 0 ? args[0] : "";
        if (COMMANDS.containsKey(first) && !first.equals("help")) {
            cli.addSubcommand(COMMANDS.get(first).get());
        } else {
            COMMANDS.values().forEach(command -> cli.addSubcommand(command.get()));
        }
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
