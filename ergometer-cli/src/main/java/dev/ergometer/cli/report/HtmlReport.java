package dev.ergometer.cli.report;

import dev.ergometer.carbon.CarbonSettings;
import dev.ergometer.results.ResultSeries;
import dev.ergometer.stats.Bootstrap.Interval;
import dev.ergometer.stats.Comparison;
import dev.ergometer.stats.Summary;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The HTML report of {@code erg report}: one self-contained page (inline CSS and inline SVG charts, no script, nothing
 * loaded from anywhere) with the series read, per-domain energy and power charts, run-to-run distributions, carbon and
 * cost, and each series compared with the first. Values from a model are labelled ESTIMATED wherever they appear.
 */
public final class HtmlReport {

    /**
     * A rendered report.
     *
     * @param html the page
     * @param charts the charts it shows, to write as files too
     */
    public record Rendered(String html, List<Chart> charts) {
    }

    private final List<ResultSeries> series;
    private final CarbonSettings carbon;
    private final Comparison.Settings settings;
    private final List<String> domains;
    private final List<Chart> charts = new ArrayList<>();
    private final StringBuilder page = new StringBuilder();

    private HtmlReport(List<ResultSeries> series, CarbonSettings carbon, Comparison.Settings settings) {
        this.series = List.copyOf(series);
        this.carbon = carbon;
        this.settings = settings;
        Set<String> all = new LinkedHashSet<>();
        series.forEach(s -> all.addAll(s.domains()));
        this.domains = List.copyOf(all);
    }

    /** Renders the report of {@code series} (at least one; the first is the baseline of the comparisons). */
    public static Rendered render(List<ResultSeries> series, CarbonSettings carbon, Comparison.Settings settings,
            String title, String generator, Instant generatedAt) {
        if (series.isEmpty()) {
            throw new IllegalArgumentException("a report needs at least one series of results");
        }
        HtmlReport report = new HtmlReport(series, carbon, settings);
        report.write(title, generator, generatedAt);
        return new Rendered(report.page.toString(), List.copyOf(report.charts));
    }

    private void write(String title, String generator, Instant generatedAt) {
        page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<title>").append(esc(title)).append("</title>\n<style>\n").append(CSS).append("</style>\n")
                .append("</head>\n<body>\n<header>\n<h1>").append(esc(title)).append("</h1>\n<p class=\"meta\">")
                .append(esc(generator)).append(", ").append(esc(generatedAt.toString())).append(", ")
                .append(series.size()).append(" series of results</p>\n")
                .append("</header>\n<main>\n");
        if (series.stream().anyMatch(ResultSeries::isEstimated)) {
            page.append("<p class=\"banner\"><span class=\"estimated\">ESTIMATED</span> Values marked estimated come"
                    + " from a model (CPU utilisation times watts per CPU), not from a hardware energy counter: they"
                    + " follow the load, not the hardware, and differences between them are the model's.</p>\n");
        }
        seriesSection();
        energySection();
        powerSection();
        distributionSection();
        carbonSection();
        if (series.size() > 1) {
            comparisonSection();
        }
        page.append("</main>\n<footer>\n<p>Statistics: medians of the runs; interquartile ranges; the 95% interval"
                + " of the mean is Student's t. Comparisons: percentile bootstrap (").append(settings.resamples())
                .append(" resamples, seed ").append(settings.seed()).append(") of the difference and ratio of the"
                + " medians and a two-sided Mann-Whitney U test; a difference is significant when the ")
                .append(percent(settings.confidence())).append(" interval of B − A excludes 0 and p &lt; ")
                .append(CarbonText.significant(1 - settings.confidence(), 3)).append(" (docs/compare.md).</p>\n")
                .append("<p>Carbon and cost: ").append(esc(carbon.describe())).append(" (docs/carbon.md).</p>\n")
                .append("</footer>\n</body>\n</html>\n");
    }

    private void seriesSection() {
        page.append("<section id=\"series\">\n<h2>Results read</h2>\n<table>\n<thead><tr><th>series</th><th>read"
                + " from</th><th>source</th><th>values</th><th>energy</th><th class=\"num\">runs</th></tr></thead>\n"
                + "<tbody>\n");
        for (ResultSeries s : series) {
            page.append("<tr><td>").append(name(s)).append("</td><td>").append(esc(s.format().description()))
                    .append(s.files().size() == 1 ? ": " + esc(s.files().getFirst().toString())
                            : ", " + s.files().size() + " files")
                    .append("</td><td>").append(esc(s.source())).append(s.method().isEmpty() ? ""
                            : "<br><span class=\"small\">" + esc(s.method()) + "</span>")
                    .append("</td><td>").append(s.isEstimated() ? "<span class=\"estimated\">ESTIMATED</span>"
                            : s.estimated().isPresent() ? "measured" : "unknown (the format does not say)")
                    .append("</td><td>").append(esc(s.basis().description())).append("</td><td class=\"num\">")
                    .append(s.runs().size()).append("</td></tr>\n");
        }
        page.append("</tbody>\n</table>\n");
        for (ResultSeries s : series) {
            for (String note : s.notes()) {
                page.append("<p class=\"note\">").append(esc(s.name())).append(": ").append(esc(note))
                        .append("</p>\n");
            }
        }
        page.append("</section>\n");
    }

    private void energySection() {
        double[][] medians = new double[series.size()][domains.size()];
        double[][] q1 = new double[series.size()][domains.size()];
        double[][] q3 = new double[series.size()][domains.size()];
        for (int s = 0; s < series.size(); s++) {
            for (int d = 0; d < domains.size(); d++) {
                double[] sorted = series.get(s).energies(domains.get(d));
                Arrays.sort(sorted);
                boolean any = sorted.length > 0;
                medians[s][d] = any ? DistributionChart.quantile(sorted, 0.5) : Double.NaN;
                q1[s][d] = any && sorted.length > 1 ? DistributionChart.quantile(sorted, 0.25) : Double.NaN;
                q3[s][d] = any && sorted.length > 1 ? DistributionChart.quantile(sorted, 0.75) : Double.NaN;
            }
        }
        Chart chart = new BarChart("Energy per domain (median of the runs)", "energy", "energy (J)", domains,
                chartNames(), medians, q1, q3, "bars: median of the runs; whiskers: interquartile range");
        page.append("<section id=\"energy\">\n<h2>Energy</h2>\n");
        figure(chart, "Median energy per domain and series; whiskers span the middle half of the runs.");
        page.append("<table>\n<thead><tr><th>domain</th><th>series</th><th class=\"num\">runs</th><th class=\"num\">"
                + "median J</th><th class=\"num\">mean J</th><th class=\"num\">std dev J</th><th class=\"num\">CV</th>"
                + "<th class=\"num\">95% CI of the mean, J</th></tr></thead>\n<tbody>\n");
        for (String domain : domains) {
            for (ResultSeries s : series) {
                Optional<Summary> summary = s.energySummary(domain);
                if (summary.isEmpty()) {
                    continue;
                }
                Summary e = summary.get();
                page.append("<tr><td>").append(esc(domain)).append("</td><td>").append(name(s))
                        .append("</td><td class=\"num\">").append(e.count()).append("</td><td class=\"num\">")
                        .append(number(e.median())).append("</td><td class=\"num\">").append(number(e.mean()))
                        .append("</td><td class=\"num\">").append(number(e.standardDeviation()))
                        .append("</td><td class=\"num\">")
                        .append(String.format(Locale.ROOT, "%.1f%%", e.coefficientOfVariation() * 100))
                        .append("</td><td class=\"num\">").append(number(e.ci95Low())).append(" – ")
                        .append(number(e.ci95High())).append("</td></tr>\n");
            }
        }
        page.append("</tbody>\n</table>\n</section>\n");
    }

    private void powerSection() {
        boolean anyPower = series.stream().anyMatch(s -> domains.stream().anyMatch(d -> s.powers(d).length > 0));
        if (!anyPower) {
            return;
        }
        double[][] medians = new double[series.size()][domains.size()];
        double[][] none = new double[series.size()][domains.size()];
        for (int s = 0; s < series.size(); s++) {
            Arrays.fill(none[s], Double.NaN);
            for (int d = 0; d < domains.size(); d++) {
                medians[s][d] = series.get(s).powerSummary(domains.get(d)).map(Summary::median)
                        .orElse(Double.NaN);
            }
        }
        Chart chart = new BarChart("Average power per domain (median of the runs)", "power", "power (W)", domains,
                chartNames(), medians, none, none, "bars: median of the runs' average power");
        page.append("<section id=\"power\">\n<h2>Power</h2>\n");
        figure(chart, "Median of the runs' average power: the whole machine's draw while each run lasted"
                + " (not net of idle).");
        page.append("</section>\n");
    }

    private void distributionSection() {
        page.append("<section id=\"distributions\">\n<h2>Run to run</h2>\n");
        for (String domain : domains) {
            List<String> names = new ArrayList<>();
            List<double[]> values = new ArrayList<>();
            for (int s = 0; s < series.size(); s++) {
                double[] energies = series.get(s).energies(domain);
                names.add(chartNames().get(s));
                values.add(energies);
            }
            String file = safe(domain);
            figure(new DistributionChart(domain + ": energy of each run", "distribution-" + file, "energy (J)",
                    names, values), domain + ": every run as a point over its box plot.");
            figure(new RunChart(domain + ": energy run after run", "runs-" + file, "energy (J)", names, values),
                    domain + ": each run in order; a trend means drift (heat, frequency, caches).");
        }
        page.append("</section>\n");
    }

    private void carbonSection() {
        page.append("<section id=\"carbon\">\n<h2>Carbon and cost</h2>\n<p>At ")
                .append(esc(CarbonText.rates(carbon))).append(" (grid: ").append(esc(carbon.grid().source()))
                .append("; price: ").append(esc(carbon.price().source())).append("), of each series' median energy."
                        + " Domains overlap (a package includes its cores; psys includes everything), so do not add"
                        + " them up.</p>\n")
                .append("<table>\n<thead><tr><th>domain</th><th>series</th><th class=\"num\">median J</th>"
                        + "<th class=\"num\">CO2e per run</th><th class=\"num\">cost per run</th>"
                        + "<th class=\"num\">CO2e per million runs</th><th class=\"num\">cost per million runs</th>"
                        + "</tr></thead>\n<tbody>\n");
        for (String domain : domains) {
            for (ResultSeries s : series) {
                Optional<Summary> summary = s.energySummary(domain);
                if (summary.isEmpty()) {
                    continue;
                }
                double joules = summary.get().median();
                page.append("<tr><td>").append(esc(domain)).append("</td><td>").append(name(s))
                        .append("</td><td class=\"num\">").append(number(joules));
                if (!(joules > 0)) {
                    // At or below the idle baseline: no footprint rather than a negative one, as erg measure says.
                    page.append("</td><td colspan=\"4\">").append(esc(CarbonText.noneAboveIdle(joules)))
                            .append("</td></tr>\n");
                    continue;
                }
                page.append("</td><td class=\"num\">")
                        .append(esc(CarbonText.mass(carbon.gramsCo2e(joules)))).append("</td><td class=\"num\">")
                        .append(esc(CarbonText.money(carbon.cost(joules), carbon.currency())))
                        .append("</td><td class=\"num\">").append(esc(CarbonText.mass(carbon.gramsCo2e(joules) * 1e6)))
                        .append("</td><td class=\"num\">")
                        .append(esc(CarbonText.money(carbon.cost(joules) * 1e6, carbon.currency())))
                        .append("</td></tr>\n");
            }
        }
        page.append("</tbody>\n</table>\n</section>\n");
    }

    private void comparisonSection() {
        ResultSeries baseline = series.getFirst();
        page.append("<section id=\"comparison\">\n<h2>Compared with ").append(esc(baseline.name()))
                .append("</h2>\n<table>\n<thead><tr><th>domain</th><th>series</th><th class=\"num\">median J</th>"
                        + "<th class=\"num\">vs baseline</th><th class=\"num\">")
                .append(percent(settings.confidence())).append(" CI</th><th class=\"num\">p</th><th>verdict</th>"
                        + "</tr></thead>\n<tbody>\n");
        List<String> sentences = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        for (ResultSeries other : series.subList(1, series.size())) {
            SeriesComparison comparison;
            try {
                comparison = SeriesComparison.of(baseline, baseline.name(), other, other.name(), Optional.empty(),
                        settings);
            } catch (IllegalArgumentException e) {
                warnings.add(e.getMessage());
                continue;
            }
            warnings.addAll(comparison.warnings());
            for (Comparison c : comparison.comparisons()) {
                String change = c.percentChange().map(p -> String.format(Locale.ROOT, "%+.1f%%", p))
                        .orElse(signedNumber(c.medians().difference()) + " J");
                String interval = c.percentChangeInterval()
                        .map(i -> String.format(Locale.ROOT, "%+.1f%% to %+.1f%%", i.low(), i.high()))
                        .orElseGet(() -> {
                            Interval i = c.medians().differenceInterval();
                            return signedNumber(i.low()) + " to " + signedNumber(i.high()) + " J";
                        });
                page.append("<tr><td>").append(esc(c.domain())).append("</td><td>").append(name(other))
                        .append("</td><td class=\"num\">").append(number(c.medians().medianB()))
                        .append("</td><td class=\"num\">").append(esc(change)).append("</td><td class=\"num\">")
                        .append(esc(interval)).append("</td><td class=\"num\">")
                        .append(esc(Comparison.pValueText(c.test().pValue()).replace("= ", "")))
                        .append("</td><td class=\"").append(c.significant() ? "significant" : "same").append("\">")
                        .append(c.significant() ? (c.medians().difference() < 0 ? "uses less" : "uses more")
                                : "no significant difference")
                        .append("</td></tr>\n");
                sentences.add(c.verdict() + ".");
            }
        }
        page.append("</tbody>\n</table>\n<ul class=\"verdicts\">\n");
        sentences.forEach(v -> page.append("<li>").append(esc(v)).append("</li>\n"));
        page.append("</ul>\n");
        new LinkedHashSet<>(warnings).forEach(w -> page.append("<p class=\"note\">").append(esc(w)).append("</p>\n"));
        page.append("</section>\n");
    }

    private void figure(Chart chart, String caption) {
        charts.add(chart);
        page.append("<figure>\n").append(chart.svgElement()).append("<figcaption>").append(esc(caption))
                .append("</figcaption>\n</figure>\n");
    }

    private List<String> chartNames() {
        return series.stream().map(s -> s.name() + (s.isEstimated() ? " (estimated)" : "")).toList();
    }

    private static String name(ResultSeries s) {
        return esc(s.name()) + (s.isEstimated() ? " <span class=\"estimated\">estimated</span>" : "");
    }

    private static String number(double value) {
        return CarbonText.significant(value, 4);
    }

    private static String signedNumber(double value) {
        return (value > 0 ? "+" : "") + number(value);
    }

    private static String percent(double confidence) {
        return String.format(Locale.ROOT, "%.0f%%", confidence * 100);
    }

    private static String safe(String domain) {
        return domain.replaceAll("[^A-Za-z0-9_.-]", "_");
    }

    private static String esc(String text) {
        return SvgCanvas.escape(text);
    }

    private static final String CSS = """
            :root { color-scheme: light; }
            body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222; margin: 0;
                   background: #fafafa; line-height: 1.45; }
            header, main, footer { max-width: 980px; margin: 0 auto; padding: 0 20px; }
            header { padding-top: 24px; }
            h1 { margin: 0 0 4px; font-size: 26px; }
            h2 { margin: 32px 0 12px; font-size: 20px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
            .meta, .small, .note, figcaption, footer { color: #555; font-size: 13px; }
            table { border-collapse: collapse; width: 100%; background: #fff; font-size: 14px; margin: 8px 0; }
            th, td { border-bottom: 1px solid #e4e4e4; padding: 5px 8px; text-align: left; vertical-align: top; }
            th { background: #f0f0f0; font-weight: 600; }
            td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
            figure { margin: 16px 0; background: #fff; border: 1px solid #e4e4e4; padding: 8px; }
            figure svg { display: block; max-width: 100%; height: auto; margin: 0 auto; }
            .estimated { background: #b00020; color: #fff; font-size: 11px; font-weight: 700; padding: 1px 5px;
                         border-radius: 3px; letter-spacing: 0.03em; }
            .banner { background: #fff4f4; border: 1px solid #e6b0b0; padding: 10px 12px; }
            td.significant { font-weight: 600; }
            .verdicts li { margin: 4px 0; }
            footer { border-top: 1px solid #ddd; margin-top: 32px; padding-bottom: 24px; }
            """;
}
