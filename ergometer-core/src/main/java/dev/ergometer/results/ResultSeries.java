package dev.ergometer.results;

import dev.ergometer.stats.Summary;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The runs of one thing measured, read from result files: a command's repeated runs, the samples of one tag, a
 * service task's trials.
 *
 * @param name a short name for reports: the file's name, with {@code #tag} when a file holds several tags
 * @param files the files the runs were read from
 * @param format the kind of file
 * @param source the energy source ({@code powercap}, {@code model}, ...), or {@code unknown}
 * @param estimated whether the numbers come from a model; empty when the file does not say (pyJoules CSV)
 * @param method how the source got its numbers, or empty
 * @param basis what the energies are (net of idle, raw, as recorded)
 * @param domains the domains, in the file's order
 * @param runs the runs, numbered from 1
 * @param notes what a reader should know: runs left out, fields the file has only as medians, ...
 */
public record ResultSeries(String name, List<Path> files, ResultFormat format, String source,
        Optional<Boolean> estimated, String method, EnergyBasis basis, List<String> domains, List<ResultRun> runs,
        List<String> notes) {

    public ResultSeries {
        Objects.requireNonNull(name, "name");
        files = List.copyOf(files);
        Objects.requireNonNull(format, "format");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(estimated, "estimated");
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(basis, "basis");
        domains = List.copyOf(domains);
        runs = List.copyOf(runs);
        notes = List.copyOf(notes);
    }

    /** This series under another name (to tell apart two files of the same name). */
    public ResultSeries withName(String newName) {
        return new ResultSeries(newName, files, format, source, estimated, method, basis, domains, runs, notes);
    }

    /** True when the numbers are known to come from a model; unknown counts as not. */
    public boolean isEstimated() {
        return estimated.orElse(false);
    }

    /** The energies of the runs that have {@code domain}, J, in run order. */
    public double[] energies(String domain) {
        return runs.stream().filter(r -> r.energyJoules().containsKey(domain))
                .mapToDouble(r -> r.energyJoules().get(domain)).toArray();
    }

    /** The powers of the runs that have one for {@code domain}, W, in run order. */
    public double[] powers(String domain) {
        return runs.stream().filter(r -> r.powerWatts().containsKey(domain))
                .mapToDouble(r -> r.powerWatts().get(domain)).toArray();
    }

    /** The durations of the runs that have one, s. */
    public double[] durations() {
        return runs.stream().mapToDouble(ResultRun::durationSeconds).filter(d -> !Double.isNaN(d)).toArray();
    }

    /** Statistics of a domain's energies; empty when no run has the domain. */
    public Optional<Summary> energySummary(String domain) {
        double[] values = energies(domain);
        return values.length == 0 ? Optional.empty() : Optional.of(Summary.of(values));
    }

    /** Statistics of a domain's powers; empty when no run has one. */
    public Optional<Summary> powerSummary(String domain) {
        double[] values = powers(domain);
        return values.length == 0 ? Optional.empty() : Optional.of(Summary.of(values));
    }

    /**
     * Several series read as one (a directory of result files): runs renumbered in order, domains in first-seen
     * order, estimated when any part is (unknown when no part is and one does not say), sources joined.
     *
     * @throws IllegalArgumentException when the parts' energies are on different bases (net and raw): the numbers
     *     would not be comparable
     */
    public static ResultSeries merge(String name, List<ResultSeries> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge into " + name);
        }
        if (parts.size() == 1) {
            ResultSeries only = parts.getFirst();
            return new ResultSeries(name, only.files, only.format, only.source, only.estimated, only.method,
                    only.basis, only.domains, only.runs, only.notes);
        }
        EnergyBasis basis = parts.getFirst().basis();
        for (ResultSeries part : parts) {
            if (part.basis() != basis) {
                throw new IllegalArgumentException(name + " mixes energies " + basis.description() + " ("
                        + parts.getFirst().name() + ") and " + part.basis().description() + " (" + part.name()
                        + "): they are not comparable; measure them all the same way (all with --idle, or all with"
                        + " --idle off)");
            }
        }
        List<Path> files = new ArrayList<>();
        Set<String> domains = new LinkedHashSet<>();
        Set<String> sources = new LinkedHashSet<>();
        Set<String> methods = new LinkedHashSet<>();
        List<ResultRun> runs = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        boolean anyEstimated = false;
        boolean allKnown = true;
        for (ResultSeries part : parts) {
            files.addAll(part.files());
            domains.addAll(part.domains());
            sources.add(part.source());
            if (!part.method().isEmpty()) {
                methods.add(part.method());
            }
            for (ResultRun run : part.runs()) {
                runs.add(run.renumbered(runs.size() + 1));
            }
            part.notes().forEach(note -> notes.add(part.name() + ": " + note));
            anyEstimated |= part.isEstimated();
            allKnown &= part.estimated().isPresent();
        }
        Optional<Boolean> estimated = anyEstimated ? Optional.of(true) : allKnown ? Optional.of(false)
                : Optional.empty();
        return new ResultSeries(name, files, ResultFormat.DIRECTORY, String.join("+", sources), estimated,
                String.join("; ", methods), basis, List.copyOf(domains), runs, notes);
    }
}
