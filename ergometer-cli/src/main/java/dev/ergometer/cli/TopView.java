package dev.ergometer.cli;

import dev.ergometer.attribution.Consumer;
import dev.ergometer.attribution.TopSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code erg top} shows: one {@link TopSnapshot} as text, with a header naming the source (and the agent the
 * numbers come from, if any), the machine's power per domain split into idle, attributed and unattributed, then one
 * row per process, cgroup or container sorted by power. The same whether the snapshot was measured in process or read
 * from an agent. Holds which kind of consumer is shown, switched with the keys {@code p}, {@code c} and {@code k}.
 */
final class TopView {

    /** What a key asks for. */
    enum Action { REDRAW, QUIT, NONE }

    private static final int NAME_WIDTH = 36;

    private final String origin;
    private Consumer.Kind kind;

    /**
     * @param origin where the numbers come from, for the header ({@code via agent at http://127.0.0.1:9464}), or
     *     empty when they are measured in this process
     */
    TopView(Consumer.Kind kind, String origin) {
        this.kind = checked(kind);
        this.origin = origin;
    }

    /** The kind of consumer shown. */
    Consumer.Kind kind() {
        return kind;
    }

    /** Shows consumers of another kind: processes, cgroups or containers. */
    void show(Consumer.Kind newKind) {
        kind = checked(newKind);
    }

    /** Handles a key: {@code p}, {@code c}, {@code k} switch the view, {@code q} quits, anything else is ignored. */
    Action key(int key) {
        switch (Character.toLowerCase((char) key)) {
            case 'p' -> show(Consumer.Kind.PROCESS);
            case 'c' -> show(Consumer.Kind.CGROUP);
            case 'k' -> show(Consumer.Kind.CONTAINER);
            case 'q' -> {
                return Action.QUIT;
            }
            default -> {
                return Action.NONE;
            }
        }
        return Action.REDRAW;
    }

    /** The snapshot as lines of text, with at most {@code maxRows} consumer rows. */
    List<String> render(TopSnapshot top, int maxRows) {
        List<String> lines = new ArrayList<>();
        lines.add(format("erg top   source %s%s   %s   over %.2f s%s", top.source(),
                top.estimated() ? " (ESTIMATED)" : "", TopSnapshot.viewName(top.kind()), top.durationNanos() / 1e9,
                origin.isEmpty() ? "" : "   " + origin));
        lines.add(format("method    %s", top.method()));
        lines.add("keys      p processes   c cgroups   k containers   q quit");
        lines.add("");
        lines.add(format("%-12s %11s %11s %13s %15s", "domain", "machine W", "idle W", "attributed W",
                "unattributed W"));
        for (TopSnapshot.DomainPower domain : top.domains()) {
            lines.add(format("%-12s %11.3f %11.3f %13.3f %15.3f", domain.id(), domain.machineWatts(),
                    domain.idleWatts(), domain.attributedWatts(), domain.unattributedWatts()));
        }
        lines.add(format("CPU busy  %.1f%% of %.2f CPU-seconds", top.nodeTotalNanos() == 0 ? 0.0
                : 100.0 * top.nodeBusyNanos() / top.nodeTotalNanos(), top.nodeTotalNanos() / 1e9));
        lines.add("");
        boolean totalColumn = top.domains().size() > 1;
        StringBuilder header = new StringBuilder(format("%-" + NAME_WIDTH + "s %7s", singular(top.kind()), "CPU %"));
        for (TopSnapshot.DomainPower domain : top.domains()) {
            header.append(format(" %12s", domain.id() + " W"));
        }
        if (totalColumn) {
            header.append(format(" %12s", "total W"));
        }
        lines.add(header.toString());
        List<TopSnapshot.Row> rows = top.rows().subList(0, Math.min(Math.max(0, maxRows), top.rows().size()));
        for (TopSnapshot.Row row : rows) {
            StringBuilder line = new StringBuilder(format("%-" + NAME_WIDTH + "s %7s", fit(row.label()),
                    row.cpuPercent().isPresent() ? format("%.1f", row.cpuPercent().getAsDouble()) : "-"));
            for (double watts : row.watts()) {
                line.append(format(" %12.3f", watts));
            }
            if (totalColumn) {
                line.append(format(" %12.3f", row.totalWatts()));
            }
            lines.add(line.toString());
        }
        if (top.consumerCount() == 0) {
            lines.add(top.kind() == Consumer.Kind.CONTAINER ? "(no process runs in a container)" : "(none)");
        } else if (top.consumerCount() > rows.size()) {
            lines.add(format("... %d more", top.consumerCount() - rows.size()));
        }
        if (!top.warnings().isEmpty()) {
            lines.add("");
            top.warnings().forEach(warning -> lines.add("warning   " + warning));
        }
        if (top.estimated()) {
            lines.add("");
            lines.add("These values are ESTIMATED by a model, not measured by a hardware counter.");
        }
        return lines;
    }

    /**
     * A problem getting the numbers (an agent that stopped answering) above the last snapshot shown, if any, so the
     * screen says what is wrong and what it showed last.
     */
    List<String> renderProblem(String problem, TopSnapshot last, long lastAgeMillis, int maxRows) {
        List<String> lines = new ArrayList<>();
        lines.add("erg top   " + problem);
        if (last != null) {
            lines.add(format("          (below: the last numbers, from %.0f s ago)", lastAgeMillis / 1e3));
            lines.add("");
            lines.addAll(render(last, maxRows));
        } else {
            lines.add("keys      p processes   c cgroups   k containers   q quit");
        }
        return lines;
    }

    private static String fit(String label) {
        return label.length() <= NAME_WIDTH ? label : label.substring(0, NAME_WIDTH - 1) + "~";
    }

    private static Consumer.Kind checked(Consumer.Kind kind) {
        if (kind != Consumer.Kind.PROCESS && kind != Consumer.Kind.CGROUP && kind != Consumer.Kind.CONTAINER) {
            throw new IllegalArgumentException("erg top shows processes, cgroups or containers, not " + kind);
        }
        return kind;
    }

    private static String singular(Consumer.Kind kind) {
        return switch (kind) {
            case PROCESS -> "PROCESS";
            case CGROUP -> "CGROUP";
            default -> "CONTAINER";
        };
    }

    private static String format(String pattern, Object... args) {
        return String.format(Locale.ROOT, pattern, args);
    }
}
