package dev.ergometer.cli;

import dev.ergometer.attribution.AttributedInterval;
import dev.ergometer.attribution.Consumer;
import dev.ergometer.attribution.DomainShare;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What {@code erg top} shows: one attributed interval as text, with a header naming the source, the machine's power
 * per domain split into idle, attributed and unattributed, then one row per process, cgroup or container sorted by
 * power. Holds which kind of consumer is shown, switched with the keys {@code p}, {@code c} and {@code k}.
 */
final class TopView {

    /** What a key asks for. */
    enum Action { REDRAW, QUIT, NONE }

    private static final int NAME_WIDTH = 36;

    private final String source;
    private final String method;
    private final boolean estimated;
    private Consumer.Kind kind;

    TopView(String source, String method, boolean estimated, Consumer.Kind kind) {
        this.source = source;
        this.method = method;
        this.estimated = estimated;
        this.kind = checked(kind);
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

    /** The interval as lines of text, with at most {@code maxRows} consumer rows. */
    List<String> render(AttributedInterval interval, int maxRows) {
        List<String> lines = new ArrayList<>();
        double seconds = interval.durationNanos() / 1e9;
        lines.add(format("erg top   source %s%s   %s   over %.2f s", source, estimated ? " (ESTIMATED)" : "",
                plural(kind), seconds));
        lines.add(format("method    %s", method));
        lines.add("keys      p processes   c cgroups   k containers   q quit");
        lines.add("");
        lines.add(format("%-12s %11s %11s %13s %15s", "domain", "machine W", "idle W", "attributed W",
                "unattributed W"));
        for (int d = 0; d < interval.domains().size(); d++) {
            DomainShare share = interval.share(d);
            lines.add(format("%-12s %11.3f %11.3f %13.3f %15.3f", interval.domains().get(d).id(),
                    watts(share.energyMicrojoules(), interval), watts(share.idleMicrojoules(), interval),
                    watts(share.attributedMicrojoules(), interval), watts(share.unattributedMicrojoules(), interval)));
        }
        lines.add(format("CPU busy  %.1f%% of %.2f CPU-seconds", interval.nodeTotalNanos() == 0 ? 0.0
                : 100.0 * interval.nodeBusyNanos() / interval.nodeTotalNanos(), interval.nodeTotalNanos() / 1e9));
        lines.add("");
        StringBuilder header = new StringBuilder(format("%-" + NAME_WIDTH + "s %7s", singular(kind), "CPU %"));
        for (var domain : interval.domains()) {
            header.append(format(" %12s", domain.id() + " W"));
        }
        lines.add(header.toString());
        List<Row> rows = rows(interval);
        for (Row row : rows.subList(0, Math.min(Math.max(0, maxRows), rows.size()))) {
            StringBuilder line = new StringBuilder(format("%-" + NAME_WIDTH + "s %7s", fit(row.consumer.label()),
                    row.cpuPercent < 0 ? "-" : format("%.1f", row.cpuPercent)));
            for (long microjoules : row.microjoules) {
                line.append(format(" %12.3f", watts(microjoules, interval)));
            }
            lines.add(line.toString());
        }
        if (rows.isEmpty()) {
            lines.add(kind == Consumer.Kind.CONTAINER ? "(no process runs in a container)" : "(none)");
        } else if (rows.size() > maxRows) {
            lines.add(format("... %d more", rows.size() - maxRows));
        }
        if (estimated) {
            lines.add("");
            lines.add("These values are ESTIMATED by a model, not measured by a hardware counter.");
        }
        return lines;
    }

    /** One consumer's power per domain. */
    private record Row(Consumer consumer, long[] microjoules, double cpuPercent) {
    }

    private List<Row> rows(AttributedInterval interval) {
        int domains = interval.domains().size();
        Map<Consumer, long[]> parts = new LinkedHashMap<>();
        for (int d = 0; d < domains; d++) {
            int domain = d;
            interval.microjoulesBy(kind, d).forEach((consumer, microjoules) ->
                    parts.computeIfAbsent(consumer, c -> new long[domains])[domain] = microjoules);
        }
        List<Row> rows = new ArrayList<>(parts.size());
        parts.forEach((consumer, microjoules) -> rows.add(new Row(consumer, microjoules,
                consumer instanceof Consumer.Process && interval.durationNanos() > 0
                        ? 100.0 * interval.cpuNanos(consumer) / interval.durationNanos() : -1)));
        rows.sort(Comparator.comparingLong((Row r) -> r.microjoules.length == 0 ? 0 : r.microjoules[0]).reversed()
                .thenComparing(Comparator.comparingDouble(Row::cpuPercent).reversed())
                .thenComparing(r -> r.consumer.label()));
        return rows;
    }

    private static double watts(long microjoules, AttributedInterval interval) {
        return interval.durationNanos() == 0 ? 0 : microjoules * 1e3 / interval.durationNanos();
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

    private static String plural(Consumer.Kind kind) {
        return switch (kind) {
            case PROCESS -> "processes";
            case CGROUP -> "cgroups";
            default -> "containers";
        };
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
