package dev.ergometer.cli;

import dev.ergometer.ErgometerVersion;
import dev.ergometer.carbon.CarbonSettings;
import dev.ergometer.cli.report.Chart;
import dev.ergometer.cli.report.HtmlReport;
import dev.ergometer.results.ResultFileException;
import dev.ergometer.results.ResultFiles;
import dev.ergometer.results.ResultSeries;
import dev.ergometer.stats.Comparison;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code erg report FILE...}: one self-contained HTML report of measurement results, and charts as files. */
@Command(name = "report",
        description = {"One self-contained HTML report with charts, carbon and cost from measurement results.",
            "Reads erg measure JSON or CSV, pyJoules CSV, JSON Lines, service task results, or directories of them;"
                + " compares each series with the first; with --charts, also writes the charts as SVG and PNG.",
            "Exits 0, or 2 when a file cannot be read as results."},
        mixinStandardHelpOptions = true,
        sortOptions = false)
final class ReportCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Parameters(arity = "1..*", paramLabel = "FILE",
            description = "Result files or directories; the first is the baseline of the comparisons.")
    List<Path> files;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", defaultValue = "report.html",
            description = "The HTML report to write (default: ${DEFAULT-VALUE}).")
    Path output;

    @Option(names = "--charts", paramLabel = "DIR",
            description = "Also write every chart to DIR as SVG and PNG (for papers and slides).")
    Path charts;

    @Option(names = "--title", paramLabel = "TEXT", defaultValue = "Energy report",
            description = "The report's title (default: ${DEFAULT-VALUE}).")
    String title;

    @Mixin
    CarbonOptions carbonOptions;

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        CarbonSettings carbon = carbonOptions.settings(spec);
        List<ResultSeries> series;
        try {
            series = read();
        } catch (ResultFileException e) {
            err.println("erg: " + e.getMessage());
            err.flush();
            return 2;
        }
        HtmlReport.Rendered report = HtmlReport.render(series, carbon, Comparison.Settings.DEFAULT, title,
                "erg " + ErgometerVersion.current(), Instant.now().truncatedTo(ChronoUnit.SECONDS));
        Path parent = output.toAbsolutePath().getParent();
        if (parent != null) {
            Files.createDirectories(parent);
        }
        Files.writeString(output, report.html());
        PrintWriter out = spec.commandLine().getOut();
        out.println("report  " + output);
        if (charts != null) {
            Files.createDirectories(charts);
            for (Chart chart : report.charts()) {
                Files.writeString(charts.resolve(chart.fileName() + ".svg"), chart.svgDocument());
                Files.write(charts.resolve(chart.fileName() + ".png"), chart.png());
            }
            out.println("charts  " + charts + " (" + report.charts().size() + " charts, SVG and PNG)");
        }
        out.flush();
        return 0;
    }

    /** Every series of every file, renamed by its path where two share a name. */
    private List<ResultSeries> read() throws IOException {
        List<ResultSeries> all = new ArrayList<>();
        List<Path> origins = new ArrayList<>();
        for (Path file : files) {
            for (ResultSeries s : ResultFiles.read(file)) {
                all.add(s);
                origins.add(file);
            }
        }
        Set<String> seen = new HashSet<>();
        Set<String> repeated = new HashSet<>();
        for (ResultSeries s : all) {
            if (!seen.add(s.name())) {
                repeated.add(s.name());
            }
        }
        List<ResultSeries> named = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
            ResultSeries s = all.get(i);
            if (repeated.contains(s.name())) {
                String tag = s.name().contains("#") ? s.name().substring(s.name().indexOf('#')) : "";
                named.add(s.withName(origins.get(i) + tag));
            } else {
                named.add(s);
            }
        }
        return named;
    }
}
