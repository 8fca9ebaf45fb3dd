package dev.ergometer.cli;

import dev.ergometer.carbon.CarbonSettings;
import dev.ergometer.measure.MeasurementResult;
import java.util.function.BiFunction;

/** The formats {@code erg measure} writes its report in. */
enum ReportFormat {
    table(MeasureTable::render),
    json(MeasureJson::render),
    csv(MeasureCsv::render);

    private final BiFunction<MeasurementResult, CarbonSettings, String> renderer;

    ReportFormat(BiFunction<MeasurementResult, CarbonSettings, String> renderer) {
        this.renderer = renderer;
    }

    String render(MeasurementResult result, CarbonSettings carbon) {
        return renderer.apply(result, carbon);
    }
}
