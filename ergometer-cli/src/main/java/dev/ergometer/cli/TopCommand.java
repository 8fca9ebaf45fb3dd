package dev.ergometer.cli;

import dev.ergometer.attribution.AttributedInterval;
import dev.ergometer.attribution.AttributionSampler;
import dev.ergometer.attribution.Consumer;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.EnergySources;
import dev.ergometer.source.SourceUnavailableException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code erg top}: power per process, cgroup or container, live. On a terminal it redraws every interval and reads
 * keys ({@code p}, {@code c}, {@code k}, {@code q}); otherwise, or with {@code --once} or {@code --iterations}, it
 * prints plain-text snapshots and exits.
 */
@Command(name = "top",
        description = {"Show the power of each process, cgroup or container, by CPU time, with the machine's power per"
                + " domain, its idle part and what no one was given; sorted by power, refreshed every --interval.",
            "Keys: p processes, c cgroups, k containers, q quit. When standard output is not a terminal (or with"
                + " --once / --iterations N) it prints plain-text snapshots and exits."},
        mixinStandardHelpOptions = true,
        sortOptions = false)
final class TopCommand implements Callable<Integer> {

    /** How many rows the terminal keeps for the header and totals, besides one per domain. */
    private static final int HEADER_ROWS = 12;

    @Spec
    CommandSpec spec;

    @Mixin
    KernelOptions kernel;

    @Option(names = {"-i", "--interval"}, paramLabel = "SECONDS", defaultValue = "1",
            description = "Seconds between refreshes (default: ${DEFAULT-VALUE}).")
    double intervalSeconds;

    @Option(names = {"-n", "--iterations"}, paramLabel = "N",
            description = "Print N plain-text snapshots, one per interval, and exit.")
    Integer iterations;

    @Option(names = "--once", description = "Print one plain-text snapshot and exit (same as --iterations 1).")
    boolean once;

    @Option(names = "--view", paramLabel = "VIEW", defaultValue = "processes",
            description = "What to list first: processes, cgroups or containers (default: ${DEFAULT-VALUE}).")
    String view;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "20",
            description = "Rows in a plain-text snapshot (default: ${DEFAULT-VALUE}); the live view fills the"
                    + " terminal.")
    int limit;

    @Override
    public Integer call() throws Exception {
        long intervalMillis = intervalMillis();
        Consumer.Kind kind = kind();
        int snapshots = once ? 1 : iterations == null ? 0 : iterations;
        if (snapshots < 0 || limit < 0) {
            throw new ParameterException(spec.commandLine(), "--iterations and --limit cannot be negative");
        }
        boolean live = snapshots == 0 && Terminal.standardOutputIsTerminal();
        if (snapshots == 0 && !live) {
            snapshots = 1;
        }
        EnergySources.Selection selection;
        try {
            selection = kernel.openSource();
        } catch (SourceUnavailableException e) {
            spec.commandLine().getErr().println("erg: " + e.getMessage());
            return Erg.EXIT_ERG_FAILED;
        }
        try (EnergySource source = selection.source();
                Sampler sampler = new Sampler(source, Ticker.system(), Sampler.DEFAULT_INTERVAL_NANOS).start();
                AttributionSampler attribution = AttributionSampler.processes(sampler, kernel.paths())) {
            TopView topView = new TopView(source.name(), source.method(), source.estimated(), kind);
            if (live) {
                live(attribution, topView, intervalMillis);
            } else {
                snapshots(attribution, topView, intervalMillis, snapshots);
            }
        }
        return 0;
    }

    private void snapshots(AttributionSampler attribution, TopView topView, long intervalMillis, int count)
            throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        for (int i = 0; i < count; i++) {
            Thread.sleep(intervalMillis);
            AttributedInterval interval = attribution.tick();
            if (i > 0) {
                out.println();
            }
            topView.render(interval, limit).forEach(out::println);
            out.flush();
        }
    }

    private void live(AttributionSampler attribution, TopView topView, long intervalMillis) throws Exception {
        PrintStream out = System.out;
        RawTerminal terminal;
        try {
            terminal = RawTerminal.enter(out);
        } catch (IOException e) {
            throw new IOException("cannot read keys from the terminal: " + e.getMessage()
                    + "; run `erg top --iterations N` for plain-text snapshots instead", e);
        }
        try (terminal) {
            AttributedInterval last = null;
            terminal.draw(List.of("erg top: measuring the first " + intervalMillis / 1000.0 + " s ..."));
            long next = System.nanoTime() + intervalMillis * 1_000_000L;
            while (true) {
                int key = terminal.poll();
                if (key >= 0) {
                    TopView.Action action = topView.key(key);
                    if (action == TopView.Action.QUIT) {
                        return;
                    }
                    if (action == TopView.Action.REDRAW && last != null) {
                        terminal.draw(topView.render(last, rows(terminal, last)));
                    }
                    continue;
                }
                if (System.nanoTime() - next >= 0) {
                    last = attribution.tick();
                    terminal.draw(topView.render(last, rows(terminal, last)));
                    next += intervalMillis * 1_000_000L;
                    if (System.nanoTime() - next >= 0) {
                        next = System.nanoTime() + intervalMillis * 1_000_000L;
                    }
                }
                Thread.sleep(20);
            }
        }
    }

    private static int rows(RawTerminal terminal, AttributedInterval interval) {
        return Math.max(1, terminal.rows(24) - HEADER_ROWS - interval.domains().size());
    }

    private long intervalMillis() {
        if (!(intervalSeconds >= 0.05) || intervalSeconds > 3600) {
            throw new ParameterException(spec.commandLine(),
                    "--interval takes seconds between 0.05 and 3600, got " + intervalSeconds);
        }
        return Math.round(intervalSeconds * 1000);
    }

    private Consumer.Kind kind() {
        return switch (view.toLowerCase(java.util.Locale.ROOT)) {
            case "p", "process", "processes" -> Consumer.Kind.PROCESS;
            case "c", "cgroup", "cgroups" -> Consumer.Kind.CGROUP;
            case "k", "container", "containers" -> Consumer.Kind.CONTAINER;
            default -> throw new ParameterException(spec.commandLine(),
                    "--view takes processes, cgroups or containers, got '" + view + "'");
        };
    }
}
