package dev.ergometer.measure;

import dev.ergometer.model.Domain;
import dev.ergometer.stats.Summary;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of measuring a command: which source measured it and how, the idle baseline, every run, and per
 * domain the statistics over the runs.
 *
 * @param source the energy source's name ({@code powercap}, {@code model}, ...)
 * @param method how the source gets its numbers; names the model when estimated
 * @param estimated true when the numbers come from a model, not a hardware counter
 * @param domains the domains measured, in slot order
 * @param command the command line
 * @param warmups how many warmup runs preceded the measured runs
 * @param idle the idle baseline, empty when idle removal was off
 * @param runs the measured runs, in order; the last one may have failed (measurement stops at the first failure)
 * @param warnings problems the source met that did not stop it (a GPU lost mid-run: its domain stopped counting)
 */
public record MeasurementResult(String source, String method, boolean estimated, List<Domain> domains,
        List<String> command, int warmups, Optional<IdleBaseline> idle, List<CommandRun> runs,
        List<String> warnings) {

    public MeasurementResult {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(method, "method");
        domains = List.copyOf(domains);
        command = List.copyOf(command);
        Objects.requireNonNull(idle, "idle");
        runs = List.copyOf(runs);
        warnings = List.copyOf(warnings);
    }

    /** The exit code to pass on: that of the first run that failed, or 0 when every run succeeded. */
    public int exitCode() {
        return runs.stream().mapToInt(CommandRun::exitCode).filter(c -> c != 0).findFirst().orElse(0);
    }

    /** The energy of a run for a domain: net of idle when there is a baseline, raw otherwise; in joules. */
    public double reportedJoules(CommandRun run, int domain) {
        return idle.map(baseline -> run.netJoules(domain, baseline)).orElseGet(() -> run.energy().joules(domain));
    }

    /** Statistics of the reported energy of a domain over the runs, in joules. */
    public Summary energySummary(int domain) {
        return Summary.of(runs.stream().mapToDouble(run -> reportedJoules(run, domain)).toArray());
    }

    /** Statistics of the average (raw) power of a domain over the runs, in watts. */
    public Summary powerSummary(int domain) {
        return Summary.of(runs.stream().mapToDouble(run -> run.energy().powerWatts(domain)).toArray());
    }

    /** Statistics of the command's own share of a domain over the runs that have one, in joules; empty if none has. */
    public Optional<Summary> shareSummary(int domain) {
        double[] shares = runs.stream().flatMap(run -> run.shareJoules(domain).stream()).mapToDouble(x -> x)
                .toArray();
        return shares.length == 0 ? Optional.empty() : Optional.of(Summary.of(shares));
    }

    /** Statistics of the runs' wall-clock durations, in seconds. */
    public Summary durationSummary() {
        return Summary.of(runs.stream().mapToDouble(CommandRun::durationSeconds).toArray());
    }

    /** Counter resets seen during the runs; energy around a reset may be undercounted. */
    public int resets() {
        return runs.stream().mapToInt(run -> run.energy().resets()).sum();
    }
}
