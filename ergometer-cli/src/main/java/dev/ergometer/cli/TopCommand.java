package dev.ergometer.cli;

import dev.ergometer.attribution.Consumer;
import dev.ergometer.attribution.TopSnapshot;
import dev.ergometer.source.EnergySources;
import dev.ergometer.source.SourceUnavailableException;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
 * prints plain-text snapshots and exits. The numbers come from a running {@code erg agent} ({@code --agent URL}, or
 * the local one at {@link AgentTopFeed#LOCAL_AGENT} when it answers) or are measured in this process
 * ({@code --local}, or when no agent answers).
 *
 * <p>No signature here names a class of ergometer-agent: the launcher puts the agent's jars on the class path for
 * {@code erg agent} alone, so {@code erg top} talks to an agent over HTTP with the JDK and core only.
 */
@Command(name = "top",
        description = {"Show the power of each process, cgroup or container, by CPU time, with the machine's power per"
                + " domain, its idle part and what no one was given; sorted by power, refreshed every --interval.",
            "Keys: p processes, c cgroups, k containers, q quit. When standard output is not a terminal (or with"
                + " --once / --iterations N) it prints plain-text snapshots and exits.",
            "When an erg agent answers at --agent URL, or at http://127.0.0.1:9464 without --agent and --local, the"
                + " numbers are the agent's latest attributed interval (the header says \"via agent at ...\");"
                + " otherwise erg top measures in this process."},
        mixinStandardHelpOptions = true,
        sortOptions = false)
final class TopCommand implements Callable<Integer> {

    /** How many rows the terminal keeps for the header and totals, besides one per domain. */
    private static final int HEADER_ROWS = 12;

    /** How long snapshots wait for the first interval of an agent that has just started. */
    private static final Duration FIRST_INTERVAL_WAIT = Duration.ofSeconds(30);

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

    @Option(names = "--agent", paramLabel = "URL",
            description = "Show the numbers of the erg agent at URL (http://host:port) instead of measuring here.")
    String agent;

    @Option(names = "--local", description = "Measure in this process even when an agent runs at"
            + " http://127.0.0.1:9464.")
    boolean local;

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
        Optional<TopFeed> opened = openFeed(intervalMillis);
        if (opened.isEmpty()) {
            return Erg.EXIT_ERG_FAILED;
        }
        try (TopFeed feed = opened.get()) {
            TopView topView = new TopView(kind, feed.origin());
            return live ? live(feed, topView, intervalMillis) : snapshots(feed, topView, intervalMillis, snapshots);
        }
    }

    /** The agent's feed (--agent, or the local agent when it answers and --local is not given), else in process. */
    private Optional<TopFeed> openFeed(long intervalMillis) throws IOException {
        if (agent != null && local) {
            throw new ParameterException(spec.commandLine(), "--agent and --local exclude each other: --agent URL"
                    + " shows an agent's numbers, --local measures in this process");
        }
        Duration requestTimeout = Duration.ofMillis(Math.clamp(intervalMillis, 500, 5_000));
        if (agent != null) {
            if (kernelOptionGiven()) {
                throw new ParameterException(spec.commandLine(), "--source, --sysfs, --procfs, --dev, --nvml and"
                        + " --model-* choose how this process measures; with --agent the agent measures: drop them,"
                        + " or drop --agent");
            }
            try {
                return Optional.of(AgentTopFeed.at(agent, requestTimeout));
            } catch (IllegalArgumentException e) {
                throw new ParameterException(spec.commandLine(), e.getMessage());
            }
        }
        if (!local && !kernelOptionGiven()) {
            Optional<AgentTopFeed> found = AgentTopFeed.findLocal(requestTimeout);
            if (found.isPresent()) {
                return Optional.of(found.get());
            }
        }
        try {
            EnergySources.Selection selection = kernel.openSource();
            return Optional.of(LocalTopFeed.start(selection.source(), kernel.paths()));
        } catch (SourceUnavailableException e) {
            spec.commandLine().getErr().println("erg: " + e.getMessage());
            return Optional.empty();
        }
    }

    /** Whether an option of how to measure here was given (then erg top does not look for a local agent). */
    private boolean kernelOptionGiven() {
        return kernel.sysfs != null || kernel.procfs != null || kernel.dev != null || kernel.nvml != null
                || kernel.source != null || kernel.modelIdleWatts != null || kernel.modelMaxWatts != null
                || kernel.modelDramWattsPerGib != null;
    }

    /**
     * Prints {@code count} snapshots, one per interval; a snapshot the agent cannot give is said on standard error
     * (the next one is tried an interval later) and makes the exit status {@link Erg#EXIT_ERG_FAILED}.
     */
    private int snapshots(TopFeed feed, TopView topView, long intervalMillis, int count) throws InterruptedException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        long notYetDeadline = System.nanoTime() + FIRST_INTERVAL_WAIT.toNanos();
        boolean failed = false;
        boolean wait = feed.firstSnapshotNeedsAnInterval();
        int shown = 0;
        int attempts = 0;
        while (attempts < count) {
            if (wait) {
                Thread.sleep(intervalMillis);
            }
            wait = true;
            TopSnapshot top;
            try {
                top = feed.next(topView.kind(), limit);
            } catch (TopFeed.Unavailable e) {
                if (e.notYet() && shown == 0 && System.nanoTime() - notYetDeadline < 0) {
                    continue;   // the agent has just started: wait for its first interval, which does not count
                }
                err.println("erg: " + e.getMessage());
                err.flush();
                failed = true;
                attempts++;
                continue;
            }
            attempts++;
            if (shown++ > 0) {
                out.println();
            }
            topView.render(top, limit).forEach(out::println);
            out.flush();
        }
        return failed ? Erg.EXIT_ERG_FAILED : 0;
    }

    private int live(TopFeed feed, TopView topView, long intervalMillis) throws Exception {
        PrintStream out = System.out;
        RawTerminal terminal;
        try {
            terminal = RawTerminal.enter(out);
        } catch (IOException e) {
            throw new IOException("cannot read keys from the terminal: " + e.getMessage()
                    + "; run `erg top --iterations N` for plain-text snapshots instead", e);
        }
        try (terminal) {
            LiveScreen screen = new LiveScreen(terminal, topView);
            terminal.draw(List.of(feed.firstSnapshotNeedsAnInterval()
                    ? "erg top: measuring the first " + intervalMillis / 1000.0 + " s ..."
                    : "erg top: asking the agent" + feed.origin().substring("via agent".length()) + " ..."));
            long next = System.nanoTime() + (feed.firstSnapshotNeedsAnInterval() ? intervalMillis * 1_000_000L : 0);
            while (true) {
                int key = terminal.poll();
                if (key >= 0) {
                    TopView.Action action = topView.key(key);
                    if (action == TopView.Action.QUIT) {
                        return 0;
                    }
                    if (action == TopView.Action.REDRAW && screen.hasSnapshot()) {
                        screen.show(() -> feed.again(topView.kind(), screen.rows()));
                    }
                    continue;
                }
                if (System.nanoTime() - next >= 0) {
                    screen.show(() -> feed.next(topView.kind(), screen.rows()));
                    next += intervalMillis * 1_000_000L;
                    if (System.nanoTime() - next >= 0) {
                        next = System.nanoTime() + intervalMillis * 1_000_000L;
                    }
                }
                Thread.sleep(20);
            }
        }
    }

    /** The live screen: the last snapshot shown, or what keeps the feed from giving one, over it. */
    private static final class LiveScreen {

        private final RawTerminal terminal;
        private final TopView view;
        private TopSnapshot last;
        private long lastNanos;

        LiveScreen(RawTerminal terminal, TopView view) {
            this.terminal = terminal;
            this.view = view;
        }

        boolean hasSnapshot() {
            return last != null;
        }

        /** How many rows fit under the header and the totals. */
        int rows() {
            int domains = last == null ? 2 : last.domains().size();
            return Math.max(1, terminal.rows(24) - HEADER_ROWS - domains);
        }

        void show(SnapshotCall call) {
            try {
                last = call.get();
                lastNanos = System.nanoTime();
                terminal.draw(view.render(last, rows()));
            } catch (TopFeed.Unavailable e) {
                long ageMillis = (System.nanoTime() - lastNanos) / 1_000_000;
                terminal.draw(view.renderProblem(e.getMessage(), last, ageMillis, Math.max(1, rows() - 3)));
            }
        }
    }

    /** A call to the feed. */
    @FunctionalInterface
    private interface SnapshotCall {
        TopSnapshot get() throws TopFeed.Unavailable;
    }

    private long intervalMillis() {
        if (!(intervalSeconds >= 0.05) || intervalSeconds > 3600) {
            throw new ParameterException(spec.commandLine(),
                    "--interval takes seconds between 0.05 and 3600, got " + intervalSeconds);
        }
        return Math.round(intervalSeconds * 1000);
    }

    private Consumer.Kind kind() {
        try {
            return TopSnapshot.view(view);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(),
                    "--view takes processes, cgroups or containers, got '" + view + "'");
        }
    }
}
