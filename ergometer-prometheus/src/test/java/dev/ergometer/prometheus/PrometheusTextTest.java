package dev.ergometer.prometheus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import dev.ergometer.sink.Sample;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {

    private final List<MetricFamily> families = List.of(
            MetricFamily.counter("ergometer_energy_joules", "joules", "Energy used since the agent started.",
                    List.of(Sample.of("ergometer_energy_joules_total", 12.5, 0, "socket", "0", "domain", "package_0"))),
            MetricFamily.gauge("ergometer_power_watts", "watts", "Power over the last interval.",
                    List.of(Sample.of("ergometer_power_watts", Double.NaN, 0, "domain", "dram_0"))));

    @Test
    void textFormatNamesCountersWithTotal() {
        assertThat(PrometheusText.write(families, ExpositionFormat.PROMETHEUS_TEXT)).isEqualTo("""
                # HELP ergometer_energy_joules_total Energy used since the agent started.
                # TYPE ergometer_energy_joules_total counter
                ergometer_energy_joules_total{domain="package_0",socket="0"} 12.5
                # HELP ergometer_power_watts Power over the last interval.
                # TYPE ergometer_power_watts gauge
                ergometer_power_watts{domain="dram_0"} NaN
                """);
    }

    @Test
    void openMetricsHasUnitsFamilyNamesAndEof() {
        assertThat(PrometheusText.write(families, ExpositionFormat.OPENMETRICS)).isEqualTo("""
                # TYPE ergometer_energy_joules counter
                # UNIT ergometer_energy_joules joules
                # HELP ergometer_energy_joules Energy used since the agent started.
                ergometer_energy_joules_total{domain="package_0",socket="0"} 12.5
                # TYPE ergometer_power_watts gauge
                # UNIT ergometer_power_watts watts
                # HELP ergometer_power_watts Power over the last interval.
                ergometer_power_watts{domain="dram_0"} NaN
                # EOF
                """);
    }

    @Test
    void labelValuesEscapeBackslashQuoteAndNewline() {
        MetricFamily family = MetricFamily.gauge("g", "", "", List.of(
                Sample.of("g", Double.POSITIVE_INFINITY, 0, "path", "C:\\x \"y\"\nz")));

        assertThat(PrometheusText.write(List.of(family), ExpositionFormat.PROMETHEUS_TEXT))
                .isEqualTo("# TYPE g gauge\ng{path=\"C:\\\\x \\\"y\\\"\\nz\"} +Inf\n");
    }

    @Test
    void familiesRefuseSamplesNamedAgainstTheirType() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> MetricFamily.counter("c_joules", "joules", "", List.of(Sample.of("c_joules", 1, 0))))
                .withMessageContaining("must be named c_joules_total");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> MetricFamily.gauge("power", "watts", "", List.of()))
                .withMessageContaining("name it power_watts");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> MetricFamily.counter("c_total", "", "", List.of()))
                .withMessageContaining("without _total");
    }

    @Test
    void scrapersAskingForOpenMetricsGetIt() {
        assertThat(ExpositionFormat.forAccept(
                "application/openmetrics-text;version=1.0.0,application/openmetrics-text;version=0.0.1;q=0.75,"
                        + "text/plain;version=0.0.4;q=0.5,*/*;q=0.1"))
                .isEqualTo(ExpositionFormat.OPENMETRICS);
        assertThat(ExpositionFormat.forAccept("text/plain")).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
        assertThat(ExpositionFormat.forAccept(null)).isEqualTo(ExpositionFormat.PROMETHEUS_TEXT);
    }
}
