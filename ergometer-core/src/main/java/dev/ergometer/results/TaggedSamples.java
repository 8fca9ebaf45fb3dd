package dev.ergometer.results;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The samples of a trace file (pyJoules CSV, JSON Lines) gathered by tag: each tag becomes one series whose runs are
 * that tag's samples, named after the file, with {@code #tag} when the file holds more than one tag.
 */
final class TaggedSamples {

    /** One tag's samples and what the file said of their origin. */
    private static final class Group {
        final List<ResultRun> runs = new ArrayList<>();
        final Set<String> domains = new LinkedHashSet<>();
        final Set<String> sources = new LinkedHashSet<>();
        final Set<String> methods = new LinkedHashSet<>();
        Optional<Boolean> estimated = Optional.empty();
    }

    private final Path file;
    private final ResultFormat format;
    private final Map<String, Group> groups = new LinkedHashMap<>();

    TaggedSamples(Path file, ResultFormat format) {
        this.file = file;
        this.format = format;
    }

    void add(String tag, double durationSeconds, Map<String, Double> energyJoules, String source,
            Optional<Boolean> estimated, String method) {
        Group group = groups.computeIfAbsent(tag, t -> new Group());
        Map<String, Double> power = new LinkedHashMap<>();
        if (durationSeconds > 0) {
            energyJoules.forEach((domain, joules) -> power.put(domain, joules / durationSeconds));
        }
        group.runs.add(new ResultRun(group.runs.size() + 1, tag, durationSeconds, energyJoules, power));
        group.domains.addAll(energyJoules.keySet());
        if (!source.isEmpty()) {
            group.sources.add(source);
        }
        if (!method.isEmpty()) {
            group.methods.add(method);
        }
        if (estimated.isPresent()) {
            group.estimated = Optional.of(group.estimated.orElse(false) || estimated.get());
        }
    }

    boolean isEmpty() {
        return groups.isEmpty();
    }

    List<ResultSeries> series() {
        String name = file.getFileName().toString();
        List<ResultSeries> all = new ArrayList<>();
        for (Map.Entry<String, Group> entry : groups.entrySet()) {
            Group group = entry.getValue();
            String seriesName = groups.size() == 1 ? name : name + "#" + entry.getKey();
            String source = group.sources.isEmpty() ? "unknown" : String.join("+", group.sources);
            all.add(new ResultSeries(seriesName, List.of(file), format, source, group.estimated,
                    String.join("; ", group.methods), EnergyBasis.AS_RECORDED, List.copyOf(group.domains),
                    group.runs, List.of()));
        }
        return all;
    }
}
