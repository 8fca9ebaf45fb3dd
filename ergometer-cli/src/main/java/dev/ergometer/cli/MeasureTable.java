package dev.ergometer.cli;

import dev.ergometer.carbon.CarbonSettings;
import dev.ergometer.cli.report.CarbonText;
import dev.ergometer.measure.CommandRun;
import dev.ergometer.measure.IdleBaseline;
import dev.ergometer.measure.MeasurementResult;
import dev.ergometer.model.Domain;
import dev.ergometer.stats.Summary;
import java.util.List;
import java.util.Locale;

/** The human-readable report of {@code erg measure}. */
final class MeasureTable {

    private MeasureTable() {
    }

    static String render(MeasurementResult result, CarbonSettings carbon) {
        StringBuilder out = new StringBuilder("\n");
        line(out, "command   %s", String.join(" ", result.command()));
        line(out, "source    %s%s", result.source(), result.estimated() ? " (ESTIMATED)" : "");
        line(out, "method    %s", result.method());
        result.idle().ifPresentOrElse(
                idle -> line(out, "idle      %s over %.2f s, subtracted from each run (net J)",
                        idlePowers(result.domains(), idle), idle.durationSeconds()),
                () -> line(out, "idle      not measured (--idle off): energies are the whole machine's"));
        out.append('\n');
        if (result.runs().size() == 1) {
            single(out, result, result.runs().getFirst());
        } else if (!result.runs().isEmpty()) {
            repeated(out, result);
        }
        if (!result.runs().isEmpty()) {
            carbon(out, result, carbon);
        }
        if (result.resets() > 0) {
            line(out, "warning: %d counter reset(s) during the runs: energy around them may be undercounted",
                    result.resets());
        }
        for (String warning : result.warnings()) {
            line(out, "warning: %s", warning);
        }
        if (result.estimated()) {
            line(out, "These values are ESTIMATED by a model, not measured by a hardware counter: see `erg domains`.");
        }
        return out.toString();
    }

    private static void single(StringBuilder out, MeasurementResult result, CommandRun run) {
        boolean net = result.idle().isPresent();
        line(out, "%-12s %12s %12s %12s %12s", "domain", "energy J", net ? "net J" : "", "power W", "share J");
        for (int d = 0; d < result.domains().size(); d++) {
            String netText = net ? format("%.4f", run.netJoules(d, result.idle().get())) : "";
            line(out, "%-12s %12.4f %12s %12.3f %12s", result.domains().get(d).id(), run.energy().joules(d), netText,
                    run.energy().powerWatts(d), run.shareJoules(d).map(j -> format("%.4f", j)).orElse("-"));
        }
        out.append('\n');
        line(out, "share J: the command's part of the energy, by its CPU time over the node's busy CPU time");
        line(out, "duration  %.3f s   CPU time %.3f s   exit code %d", run.durationSeconds(), run.cpuTimeSeconds(),
                run.exitCode());
    }

    private static void repeated(StringBuilder out, MeasurementResult result) {
        boolean net = result.idle().isPresent();
        List<Domain> domains = result.domains();
        StringBuilder header = new StringBuilder(format("%-5s %5s %11s %10s", "run", "exit", "duration s", "CPU s"));
        for (Domain domain : domains) {
            header.append(format(" %14s", domain.id() + (net ? " net J" : " J")));
        }
        line(out, "%s", header);
        for (CommandRun run : result.runs()) {
            StringBuilder row = new StringBuilder(format("%-5d %5d %11.3f %10.3f", run.number(), run.exitCode(),
                    run.durationSeconds(), run.cpuTimeSeconds()));
            for (int d = 0; d < domains.size(); d++) {
                row.append(format(" %14.4f", result.reportedJoules(run, d)));
            }
            line(out, "%s", row);
        }
        out.append('\n');
        line(out, "%-12s %10s %10s %10s %7s %23s %10s %10s", net ? "net J" : "J", "median", "mean", "std dev", "CV",
                "95% CI of the mean", "median W", "share J");
        for (int d = 0; d < domains.size(); d++) {
            Summary s = result.energySummary(d);
            line(out, "%-12s %10.4f %10.4f %10.4f %6.1f%% %23s %10.3f %10s", domains.get(d).id(), s.median(), s.mean(),
                    s.standardDeviation(), s.coefficientOfVariation() * 100,
                    format("%.4f .. %.4f", s.ci95Low(), s.ci95High()), result.powerSummary(d).median(),
                    result.shareSummary(d).map(share -> format("%.4f", share.median())).orElse("-"));
        }
        Summary duration = result.durationSummary();
        out.append('\n');
        line(out, "%d runs, median duration %.3f s (CV %.1f%%), exit code %d", result.runs().size(),
                duration.median(), duration.coefficientOfVariation() * 100, result.exitCode());
    }

    /** Per domain, the CO2e and cost of the (median) reported energy, and of a million such runs. */
    private static void carbon(StringBuilder out, MeasurementResult result, CarbonSettings carbon) {
        out.append('\n');
        line(out, "carbon    at %s (%s), of the %s energy%s", CarbonText.rates(carbon), CarbonText.sources(carbon),
                result.idle().isPresent() ? "net" : "raw",
                result.runs().size() > 1 ? " (median run)" : "");
        for (int d = 0; d < result.domains().size(); d++) {
            double joules = result.energySummary(d).median();
            if (!(joules > 0)) {
                // Net energy at or below the idle baseline: the run used nothing measurable above idle, and a
                // negative footprint would be nonsense.
                line(out, "%-12s %s", result.domains().get(d).id(), CarbonText.noneAboveIdle(joules));
                continue;
            }
            line(out, "%-12s %14s %22s   a million runs: %s CO2e, %s", result.domains().get(d).id(),
                    CarbonText.mass(carbon.gramsCo2e(joules)) + " CO2e",
                    CarbonText.money(carbon.cost(joules), carbon.currency()),
                    CarbonText.mass(carbon.gramsCo2e(joules) * 1e6),
                    CarbonText.money(carbon.cost(joules) * 1e6, carbon.currency()));
        }
    }

    private static String idlePowers(List<Domain> domains, IdleBaseline idle) {
        StringBuilder text = new StringBuilder();
        for (int d = 0; d < domains.size(); d++) {
            text.append(d == 0 ? "" : ", ").append(domains.get(d).id())
                    .append(format(" %.3f W", idle.powerWatts(d)));
        }
        return text.toString();
    }

    private static void line(StringBuilder out, String pattern, Object... args) {
        out.append(format(pattern, args)).append('\n');
    }

    /** Formats for people: a value that would print as -0.0000 (idle noise) prints as 0.0000. */
    private static String format(String pattern, Object... args) {
        Object[] shown = args.clone();
        for (int i = 0; i < shown.length; i++) {
            if (shown[i] instanceof Double d && Math.abs(d) < 0.00005) {
                shown[i] = 0.0;
            }
        }
        return String.format(Locale.ROOT, pattern, shown);
    }
}
