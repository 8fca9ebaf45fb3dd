package dev.ergometer.cli;

import dev.ergometer.carbon.CarbonSettings;
import dev.ergometer.cli.report.CarbonText;
import dev.ergometer.cli.report.SeriesComparison;
import dev.ergometer.json.JsonWriter;
import dev.ergometer.results.ResultFiles;
import dev.ergometer.results.ResultSeries;
import dev.ergometer.stats.Bootstrap.Interval;
import dev.ergometer.stats.Bootstrap;
import dev.ergometer.stats.Comparison;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code erg compare A B}: do two implementations really use different energy? (docs/compare.md) */
@Command(name = "compare",
        description = {"Are two implementations' energies really different? A verdict per domain, in plain words.",
            "Reads A (the baseline) and B from result files (erg measure JSON or CSV, pyJoules CSV, JSON Lines, a"
                + " service task result) or directories of them; per domain the medians, their ratio, a bootstrap"
                + " confidence interval, a Mann-Whitney test and the verdict.",
            "Exits 0 whatever the verdict; 2 on bad input."},
        mixinStandardHelpOptions = true,
        sortOptions = false)
final class CompareCommand implements Callable<Integer> {

    /** The schema of {@code --format json}. */
    static final String SCHEMA = "ergometer.compare/1";

    enum Format { text, json }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "A", description = "The baseline: a result file or a directory of them.")
    Path a;

    @Parameters(index = "1", paramLabel = "B", description = "What to compare with it.")
    Path b;

    @Option(names = {"-d", "--domain"}, paramLabel = "DOMAIN",
            description = "Compare this domain only (default: every domain both have).")
    String domain;

    @Option(names = "--confidence", paramLabel = "LEVEL", defaultValue = "0.95",
            description = "Confidence level of the interval; the test's level is 1 - LEVEL"
                    + " (default: ${DEFAULT-VALUE}).")
    double confidence;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "Output: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--resamples", paramLabel = "N", defaultValue = "" + Bootstrap.DEFAULT_RESAMPLES,
            description = "Bootstrap resamples (default: ${DEFAULT-VALUE}).")
    int resamples;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "" + Bootstrap.DEFAULT_SEED,
            description = "Bootstrap random seed, for reproducible intervals (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    CarbonOptions carbonOptions;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        CarbonSettings carbon = carbonOptions.settings(spec);
        Comparison.Settings settings;
        SeriesComparison comparison;
        try {
            settings = new Comparison.Settings(confidence, resamples, seed);
            ResultSeries first = ResultFiles.readOne(a);
            ResultSeries second = ResultFiles.readOne(b);
            String[] names = names(first, second);
            comparison = SeriesComparison.of(first, names[0], second, names[1], Optional.ofNullable(domain),
                    settings);
        } catch (IOException | IllegalArgumentException e) {
            err.println("erg: " + e.getMessage());
            err.flush();
            return 2;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.print(format == Format.json ? json(comparison, settings, carbon) : text(comparison, settings, carbon));
        out.flush();
        return 0;
    }

    /** Short names for the verdicts: the file names, or the paths as given when the file names are the same. */
    private String[] names(ResultSeries first, ResultSeries second) {
        if (!first.name().equals(second.name())) {
            return new String[] {first.name(), second.name()};
        }
        if (!a.toString().equals(b.toString())) {
            return new String[] {a.toString(), b.toString()};
        }
        return new String[] {"A (" + first.name() + ")", "B (" + second.name() + ")"};
    }

    static String text(SeriesComparison comparison, Comparison.Settings settings, CarbonSettings carbon) {
        StringBuilder out = new StringBuilder();
        Comparison any = comparison.comparisons().getFirst();
        side(out, "A", any.nameA(), comparison.a());
        side(out, "B", any.nameB(), comparison.b());
        out.append('\n');
        String level = String.format(Locale.ROOT, "%.0f%% CI", settings.confidence() * 100);
        line(out, "%-12s %12s %12s %8s %21s %9s  %s", "domain", "median A J", "median B J", "B/A",
                level + " of B/A", "p", "verdict");
        for (Comparison c : comparison.comparisons()) {
            String ratio = c.medians().ratio().map(r -> String.format(Locale.ROOT, "%.3f", r)).orElse("-");
            String interval = c.medians().ratioInterval()
                    .map(r -> String.format(Locale.ROOT, "%.3f .. %.3f", r.low(), r.high())).orElse("-");
            line(out, "%-12s %12.4f %12.4f %8s %21s %9s  %s", c.domain(), c.medians().medianA(),
                    c.medians().medianB(), ratio, interval, Comparison.pValueText(c.test().pValue())
                            .replace("= ", ""), shortVerdict(c));
        }
        out.append('\n');
        for (Comparison c : comparison.comparisons()) {
            line(out, "%s", c.verdict() + ".");
        }
        out.append('\n');
        line(out, "carbon    at %s (%s), per run of B rather than A:", CarbonText.rates(carbon),
                CarbonText.sources(carbon));
        for (Comparison c : comparison.comparisons()) {
            double joules = c.medians().difference();
            line(out, "%-12s %s CO2e, %s; a million runs: %s CO2e, %s", c.domain(),
                    signed(CarbonText.mass(carbon.gramsCo2e(joules))),
                    signed(CarbonText.money(carbon.cost(joules), carbon.currency())),
                    signed(CarbonText.mass(carbon.gramsCo2e(joules) * 1e6)),
                    signed(CarbonText.money(carbon.cost(joules) * 1e6, carbon.currency())));
        }
        for (String warning : comparison.warnings()) {
            line(out, "warning: %s", warning);
        }
        out.append('\n');
        line(out, "method    medians of the runs; percentile bootstrap (%d resamples, seed %d) of B - A and B / A;"
                + " two-sided Mann-Whitney U (%s). A difference is significant when the %s of B - A excludes 0 and"
                + " p < %s.", settings.resamples(), settings.seed(), testKind(comparison), level,
                CarbonText.significant(1 - settings.confidence(), 3));
        return out.toString();
    }

    private static String testKind(SeriesComparison comparison) {
        boolean exact = comparison.comparisons().stream().anyMatch(c -> c.test().exact());
        boolean normal = comparison.comparisons().stream().anyMatch(c -> !c.test().exact());
        return exact && normal ? "exact, or the normal approximation where values tie or 50 runs or more"
                : exact ? "exact p-values" : "normal approximation with tie and continuity corrections";
    }

    private static String shortVerdict(Comparison c) {
        if (!c.significant()) {
            return "no significant difference";
        }
        Optional<Double> percent = c.percentChange();
        boolean less = c.medians().differenceInterval().high() < 0;
        return percent.map(p -> String.format(Locale.ROOT, "B uses %.1f%% %s", Math.abs(p), less ? "less" : "more"))
                .orElse(less ? "B uses less" : "B uses more");
    }

    private static String signed(String amount) {
        return amount.startsWith("-") || amount.startsWith("0 ") ? amount : "+" + amount;
    }

    private static void side(StringBuilder out, String letter, String name, ResultSeries series) {
        line(out, "%s  %s: %d runs, %s, %s%s, energies %s", letter, name, series.runs().size(),
                series.format().description(), series.source(),
                series.isEstimated() ? " (ESTIMATED)" : series.estimated().isEmpty() ? " (measured or estimated:"
                        + " unknown)" : "", series.basis().description());
    }

    static String json(SeriesComparison comparison, Comparison.Settings settings, CarbonSettings carbon) {
        JsonWriter json = new JsonWriter().beginObject().name("schema").value(SCHEMA);
        Comparison any = comparison.comparisons().getFirst();
        writeSide(json, "a", any.nameA(), comparison.a());
        writeSide(json, "b", any.nameB(), comparison.b());
        json.name("confidence").value(settings.confidence())
                .name("resamples").value(settings.resamples())
                .name("seed").value(settings.seed())
                .name("carbon").beginObject()
                .name("grid_intensity_g_per_kwh").value(carbon.grid().gramsPerKilowattHour())
                .name("price_per_kwh").value(carbon.price().perKilowattHour())
                .name("currency").value(carbon.currency())
                .endObject();
        json.name("domains").beginArray();
        for (Comparison c : comparison.comparisons()) {
            Interval difference = c.medians().differenceInterval();
            json.beginObject()
                    .name("domain").value(c.domain())
                    .name("runs_a").value(c.runsA())
                    .name("runs_b").value(c.runsB())
                    .name("median_a_j").value(c.medians().medianA())
                    .name("median_b_j").value(c.medians().medianB())
                    .name("difference_j").value(c.medians().difference())
                    .name("difference_ci_low_j").value(difference.low())
                    .name("difference_ci_high_j").value(difference.high());
            optional(json, "ratio", c.medians().ratio());
            optional(json, "ratio_ci_low", c.medians().ratioInterval().map(Interval::low));
            optional(json, "ratio_ci_high", c.medians().ratioInterval().map(Interval::high));
            optional(json, "percent_change", c.percentChange());
            optional(json, "percent_ci_low", c.percentChangeInterval().map(Interval::low));
            optional(json, "percent_ci_high", c.percentChangeInterval().map(Interval::high));
            json.name("mann_whitney_u").value(c.test().u())
                    .name("p_value").value(c.test().pValue())
                    .name("p_exact").value(c.test().exact())
                    .name("significant").value(c.significant())
                    .name("verdict").value(c.verdict())
                    .name("co2e_difference_g").value(CarbonText.rounded(carbon.gramsCo2e(c.medians().difference())))
                    .name("cost_difference").value(CarbonText.rounded(carbon.cost(c.medians().difference())))
                    .endObject();
        }
        json.endArray().name("warnings").beginArray();
        comparison.warnings().forEach(json::value);
        return json.endArray().endObject() + "\n";
    }

    private static void writeSide(JsonWriter json, String key, String name, ResultSeries series) {
        json.name(key).beginObject()
                .name("name").value(name)
                .name("files").beginArray();
        series.files().forEach(f -> json.value(f.toString()));
        json.endArray()
                .name("format").value(series.format().description())
                .name("source").value(series.source())
                .name("estimated");
        if (series.estimated().isPresent()) {
            json.value(series.estimated().get());
        } else {
            json.nullValue();
        }
        json.name("energy_basis").value(series.basis().name().toLowerCase(Locale.ROOT))
                .name("runs").value(series.runs().size())
                .endObject();
    }

    private static void optional(JsonWriter json, String name, Optional<Double> value) {
        json.name(name);
        if (value.isPresent()) {
            json.value(value.get());
        } else {
            json.nullValue();
        }
    }

    private static void line(StringBuilder out, String pattern, Object... args) {
        out.append(String.format(Locale.ROOT, pattern, args)).append('\n');
    }
}
