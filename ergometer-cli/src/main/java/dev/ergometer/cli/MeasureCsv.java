package dev.ergometer.cli;

import dev.ergometer.carbon.CarbonSettings;
import dev.ergometer.cli.report.CarbonText;
import dev.ergometer.measure.CommandRun;
import dev.ergometer.measure.MeasurementResult;
import java.util.Locale;

/**
 * The CSV report of {@code erg measure}: one row per run and domain (long format, so the columns stay the same on
 * every machine), with the source, whether the values are estimated, and the method (naming the model) on every row;
 * {@code co2e_g} and {@code cost} are those of the reported energy (net when idle was measured, raw otherwise).
 */
final class MeasureCsv {

    static final String HEADER =
            "run,exit_code,duration_s,cpu_time_s,domain,energy_j,net_energy_j,power_w,source,estimated,method,share_j,"
                    + "co2e_g,cost,currency";

    private MeasureCsv() {
    }

    static String render(MeasurementResult result, CarbonSettings carbon) {
        StringBuilder out = new StringBuilder(HEADER).append('\n');
        for (CommandRun run : result.runs()) {
            for (int d = 0; d < result.domains().size(); d++) {
                int domain = d;
                String net = result.idle().map(idle -> number(run.netJoules(domain, idle))).orElse("");
                out.append(run.number()).append(',')
                        .append(run.exitCode()).append(',')
                        .append(number(run.durationSeconds())).append(',')
                        .append(number(run.cpuTimeSeconds())).append(',')
                        .append(result.domains().get(d).id()).append(',')
                        .append(number(run.energy().joules(d))).append(',')
                        .append(net).append(',')
                        .append(number(run.energy().powerWatts(d))).append(',')
                        .append(result.source()).append(',')
                        .append(result.estimated()).append(',')
                        .append(quoted(result.method())).append(',')
                        .append(run.shareJoules(d).map(MeasureCsv::number).orElse("")).append(',')
                        .append(CarbonText.significant(carbon.gramsCo2e(result.reportedJoules(run, d)), 6))
                        .append(',')
                        .append(CarbonText.significant(carbon.cost(result.reportedJoules(run, d)), 6)).append(',')
                        .append(carbon.currency()).append('\n');
            }
        }
        return out.toString();
    }

    private static String quoted(String text) {
        return '"' + text.replace("\"", "\"\"") + '"';
    }

    private static String number(double value) {
        return String.format(Locale.ROOT, "%.6f", value);
    }
}
