package dev.ergometer.cli;

import dev.ergometer.measure.MeasurementResult;
import java.util.function.Function;

/** The formats {@code erg measure} writes its report in. */
enum ReportFormat {
    table(MeasureTable::render),
    json(MeasureJson::render),
    csv(MeasureCsv::render);

    private final Function<MeasurementResult, String> renderer;

    ReportFormat(Function<MeasurementResult, String> renderer) {
        this.renderer = renderer;
    }

    String render(MeasurementResult result) {
        return renderer.apply(result);
    }
}
