package dev.ergometer.cli.report;

import dev.ergometer.results.ResultSeries;
import dev.ergometer.stats.Comparison;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Two result series compared domain by domain (the domains both have), with the warnings a reader must see: values
 * estimated by a model, energies on different bases, different sources.
 *
 * @param a the baseline
 * @param b what is compared with it
 * @param comparisons one per domain compared, in A's domain order
 * @param warnings what makes the comparison weaker than it looks
 */
public record SeriesComparison(ResultSeries a, ResultSeries b, List<Comparison> comparisons, List<String> warnings) {

    /**
     * Compares {@code b} with {@code a} on {@code domain}, or on every domain both have when it is empty.
     *
     * @throws IllegalArgumentException when there is nothing to compare: no common domain, a domain one side lacks
     */
    public static SeriesComparison of(ResultSeries a, String nameA, ResultSeries b, String nameB,
            Optional<String> domain, Comparison.Settings settings) {
        List<String> domains = new ArrayList<>();
        if (domain.isPresent()) {
            for (ResultSeries side : List.of(a, b)) {
                if (side.energies(domain.get()).length == 0) {
                    throw new IllegalArgumentException(side.name() + " has no " + domain.get() + " energy; its"
                            + " domains are " + String.join(", ", side.domains()));
                }
            }
            domains.add(domain.get());
        } else {
            for (String d : a.domains()) {
                if (b.domains().contains(d) && a.energies(d).length > 0 && b.energies(d).length > 0) {
                    domains.add(d);
                }
            }
            if (domains.isEmpty()) {
                throw new IllegalArgumentException(a.name() + " (" + String.join(", ", a.domains()) + ") and "
                        + b.name() + " (" + String.join(", ", b.domains()) + ") have no domain in common with runs"
                        + " on both sides: nothing to compare");
            }
        }
        List<Comparison> comparisons = new ArrayList<>();
        for (String d : domains) {
            comparisons.add(Comparison.of(d, nameA, a.energies(d), nameB, b.energies(d), settings));
        }
        return new SeriesComparison(a, b, comparisons, warnings(a, nameA, b, nameB, settings.confidence()));
    }

    /** The smallest two-sided p-value the exact test can give: 2 / C(na + nb, na), at most 1. */
    static double smallestPValue(int na, int nb) {
        double arrangements = 1;
        for (int i = 1; i <= Math.min(na, nb); i++) {
            arrangements = arrangements * (Math.max(na, nb) + i) / i;
        }
        return Math.min(1, 2 / arrangements);
    }

    private static List<String> warnings(ResultSeries a, String nameA, ResultSeries b, String nameB,
            double confidence) {
        List<String> warnings = new ArrayList<>();
        for (ResultSeries side : List.of(a, b)) {
            String name = side == a ? nameA : nameB;
            if (side.isEstimated()) {
                warnings.add(name + "'s values are ESTIMATED by a model (" + side.source() + "), not measured by a"
                        + " hardware counter: a difference is the model's, which follows CPU utilisation");
            } else if (side.estimated().isEmpty()) {
                warnings.add(name + " does not say whether its values are measured or estimated ("
                        + side.format().description() + " has no place for it)");
            }
        }
        int na = a.runs().size();
        int nb = b.runs().size();
        if (smallestPValue(na, nb) >= 1 - confidence) {
            warnings.add(String.format(java.util.Locale.ROOT, "with %d and %d runs the Mann-Whitney test cannot reach"
                    + " p < %s (its smallest p-value is %.3g): no difference can be significant; measure with"
                    + " --repeat 10 or more", na, nb, CarbonText.significant(1 - confidence, 3),
                    smallestPValue(na, nb)));
        }
        if (a.basis() != b.basis()) {
            warnings.add(nameA + "'s energies are " + a.basis().description() + " but " + nameB + "'s are "
                    + b.basis().description() + ": the difference includes the idle power; measure both the same way");
        }
        if (!a.source().equals(b.source())) {
            warnings.add(nameA + " was measured with " + a.source() + " and " + nameB + " with " + b.source()
                    + ": different sources measure different things");
        }
        return warnings;
    }
}
