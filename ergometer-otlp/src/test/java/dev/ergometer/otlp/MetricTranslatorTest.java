package dev.ergometer.otlp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sample;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.resources.Resource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MetricTranslatorTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "ergometer_energy_joules_total   | J",
        "ergometer_power_watts           | W",
        "ergometer_consumer_power_watts  | W",
        "pyjoules_remote_write_energy_uj | uJ",
        "rapl_energy_microjoules_total   | uJ",
        "process_cpu_seconds_total       | s",
        "heap_bytes                      | By",
        "cpu_busy_ratio                  | 1",
        "ergometer_sink_samples_total    | ''",
        "total                           | ''",
        "_total                          | ''",
    })
    void theUnitComesFromTheNamesUnitSuffix(String metric, String unit) {
        assertThat(MetricTranslator.unit(metric)).isEqualTo(unit);
    }

    @Test
    void onlyNamesEndingInTotalAreCounters() {
        assertThat(MetricTranslator.isCounter("ergometer_energy_joules_total")).isTrue();
        assertThat(MetricTranslator.isCounter("ergometer_power_watts")).isFalse();
        assertThat(MetricTranslator.isCounter("_total")).isFalse();
        assertThat(MetricTranslator.isCounter("totals")).isFalse();
    }

    @Test
    void aSeriesUndeliveredForAnHourIsForgottenAndStartsAnew() {
        MetricTranslator translator = new MetricTranslator(Resource.empty(), InstrumentationScopeInfo.empty());
        long t0 = 1_700_000_000_000L;
        translator.commit(translator.translate(Batch.of(counter("pid:1", 5, t0), counter("pid:2", 5, t0))));
        long later = t0 + MetricTranslator.FORGET_AFTER_NANOS / 1_000_000 + 60_001;
        translator.commit(translator.translate(Batch.of(counter("pid:2", 9, later))));

        assertThat(translator.rememberedSeries()).isEqualTo(1);
        DoublePointData comeback = (DoublePointData) translator.translate(Batch.of(counter("pid:1", 7, later + 1)))
                .metrics().getFirst().getData().getPoints().iterator().next();
        assertThat(comeback.getStartEpochNanos()).isEqualTo((later + 1) * 1_000_000);
    }

    @Test
    void translatingWithoutCommittingChangesNothing() {
        MetricTranslator translator = new MetricTranslator(Resource.empty(), InstrumentationScopeInfo.empty());
        translator.translate(Batch.of(counter("pid:1", 5, 1000)));

        assertThat(translator.rememberedSeries()).isZero();
    }

    private static Sample counter(String consumer, double joules, long timestampMillis) {
        return Sample.of("ergometer_consumer_energy_joules_total", joules, timestampMillis, "consumer", consumer,
                "estimated", "true");
    }
}
