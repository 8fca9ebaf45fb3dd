package dev.ergometer.cli;

import dev.ergometer.carbon.CarbonSettings;
import dev.ergometer.cli.report.CarbonText;
import dev.ergometer.json.JsonWriter;
import dev.ergometer.measure.CommandRun;
import dev.ergometer.measure.IdleBaseline;
import dev.ergometer.measure.MeasurementResult;
import dev.ergometer.model.Domain;
import dev.ergometer.stats.Summary;
import java.util.List;
import java.util.Optional;

/**
 * The JSON report of {@code erg measure}, schema {@value #SCHEMA} (documented in docs/measure.md): energies in
 * joules, powers in watts, times in seconds.
 */
final class MeasureJson {

    static final String SCHEMA = "ergometer.measure/1";

    private MeasureJson() {
    }

    static String render(MeasurementResult result, CarbonSettings carbon) {
        JsonWriter json = new JsonWriter().beginObject();
        json.name("schema").value(SCHEMA);
        json.name("command").beginArray();
        result.command().forEach(json::value);
        json.endArray();
        json.name("source").value(result.source());
        json.name("estimated").value(result.estimated());
        json.name("method").value(result.method());
        json.name("exit_code").value(result.exitCode());
        json.name("warmups").value(result.warmups());
        json.name("counter_resets").value(result.resets());
        json.name("warnings").beginArray();
        result.warnings().forEach(json::value);
        json.endArray();
        writeIdle(json, result);
        writeCarbon(json, result, carbon);
        json.name("runs").beginArray();
        for (CommandRun run : result.runs()) {
            writeRun(json, result, run, carbon);
        }
        json.endArray();
        writeSummary(json, result, carbon);
        return json.endObject() + "\n";
    }

    private static void writeIdle(JsonWriter json, MeasurementResult result) {
        json.name("idle");
        if (result.idle().isEmpty()) {
            json.nullValue();
            return;
        }
        IdleBaseline idle = result.idle().get();
        json.beginObject().name("duration_s").value(idle.durationSeconds()).name("domains").beginObject();
        List<Domain> domains = result.domains();
        for (int d = 0; d < domains.size(); d++) {
            json.name(domains.get(d).id()).beginObject()
                    .name("energy_j").value(idle.energy().joules(d))
                    .name("power_w").value(idle.powerWatts(d))
                    .endObject();
        }
        json.endObject().endObject();
    }

    /** The rates the CO2e and cost fields use, and on which energy (the summary's basis). */
    private static void writeCarbon(JsonWriter json, MeasurementResult result, CarbonSettings carbon) {
        json.name("carbon").beginObject()
                .name("grid_intensity_g_per_kwh").value(carbon.grid().gramsPerKilowattHour())
                .name("grid_intensity_source").value(carbon.grid().source())
                .name("price_per_kwh").value(carbon.price().perKilowattHour())
                .name("currency").value(carbon.currency())
                .name("price_source").value(carbon.price().source())
                .name("energy_basis").value(result.idle().isPresent() ? "net" : "raw")
                .endObject();
    }

    private static void writeRun(JsonWriter json, MeasurementResult result, CommandRun run, CarbonSettings carbon) {
        json.beginObject()
                .name("run").value(run.number())
                .name("exit_code").value(run.exitCode())
                .name("duration_s").value(run.durationSeconds())
                .name("cpu_time_s").value(run.cpuTimeSeconds())
                .name("domains").beginObject();
        List<Domain> domains = result.domains();
        for (int d = 0; d < domains.size(); d++) {
            json.name(domains.get(d).id()).beginObject()
                    .name("energy_j").value(run.energy().joules(d))
                    .name("net_energy_j");
            if (result.idle().isPresent()) {
                json.value(run.netJoules(d, result.idle().get()));
            } else {
                json.nullValue();
            }
            json.name("power_w").value(run.energy().powerWatts(d)).name("share_j");
            optional(json, run.shareJoules(d));
            double reported = result.reportedJoules(run, d);
            json.name("co2e_g").value(CarbonText.rounded(carbon.gramsCo2e(reported)))
                    .name("cost").value(CarbonText.rounded(carbon.cost(reported)));
            json.endObject();
        }
        json.endObject().endObject();
    }

    private static void optional(JsonWriter json, Optional<Double> value) {
        if (value.isPresent()) {
            json.value(value.get());
        } else {
            json.nullValue();
        }
    }

    private static void writeSummary(JsonWriter json, MeasurementResult result, CarbonSettings carbon) {
        json.name("summary");
        if (result.runs().isEmpty()) {
            json.nullValue();
            return;
        }
        Summary duration = result.durationSummary();
        json.beginObject()
                .name("runs").value(result.runs().size())
                .name("energy_basis").value(result.idle().isPresent() ? "net" : "raw")
                .name("median_duration_s").value(duration.median())
                .name("domains").beginObject();
        List<Domain> domains = result.domains();
        for (int d = 0; d < domains.size(); d++) {
            Summary energy = result.energySummary(d);
            json.name(domains.get(d).id()).beginObject()
                    .name("median_j").value(energy.median())
                    .name("mean_j").value(energy.mean())
                    .name("stddev_j").value(energy.standardDeviation())
                    .name("cv").value(energy.coefficientOfVariation())
                    .name("ci95_low_j").value(energy.ci95Low())
                    .name("ci95_high_j").value(energy.ci95High())
                    .name("median_power_w").value(result.powerSummary(d).median())
                    .name("median_share_j");
            optional(json, result.shareSummary(d).map(Summary::median));
            json.name("median_co2e_g").value(CarbonText.rounded(carbon.gramsCo2e(energy.median())))
                    .name("median_cost").value(CarbonText.rounded(carbon.cost(energy.median())));
            json.endObject();
        }
        json.endObject().endObject();
    }
}
