package dev.ergometer.sink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class SampleTest {

    @Test
    void labelsAreSortedByNameWithTheMetricAsName() {
        Sample sample = Sample.of("ergometer_energy_joules_total", 1.5, 1000, "socket", "0", "domain", "package_0");

        assertThat(sample.labels().keySet()).containsExactly("domain", "socket");
        assertThat(sample.seriesLabels()).containsExactly(
                java.util.Map.entry("__name__", "ergometer_energy_joules_total"),
                java.util.Map.entry("domain", "package_0"),
                java.util.Map.entry("socket", "0"));
    }

    @Test
    void emptyLabelValuesAreDroppedAsPrometheusTreatsThemAsAbsent() {
        Sample sample = Sample.of("m", 1, 0, "a", "", "b", "x");

        assertThat(sample.labels()).containsOnlyKeys("b");
    }

    @Test
    void aLabelGivenTwiceIsRefused() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Sample.of("m", 1, 0, "domain", "package_0", "domain", "dram_0"))
                .withMessageContaining("label domain is given twice");
    }

    @Test
    void invalidMetricAndLabelNamesAreRefusedWithTheRule() {
        assertThatIllegalArgumentException().isThrownBy(() -> Sample.of("0bad", 1, 0))
                .withMessageContaining("[a-zA-Z_:][a-zA-Z0-9_:]*");
        assertThatIllegalArgumentException().isThrownBy(() -> Sample.of("", 1, 0))
                .withMessageContaining("is not a Prometheus metric name");
        assertThatIllegalArgumentException().isThrownBy(() -> Sample.of("m", 1, 0, "a-b", "x"))
                .withMessageContaining("label name 'a-b'");
        assertThatIllegalArgumentException().isThrownBy(() -> Sample.of("m", 1, 0, "a:b", "x"))
                .withMessageContaining("[a-zA-Z_][a-zA-Z0-9_]*");
    }

    @Test
    void theNameLabelCannotBeGivenAsALabel() {
        TreeMap<String, String> labels = new TreeMap<>();
        labels.put("__name__", "other");
        assertThatIllegalArgumentException().isThrownBy(() -> new Sample("m", labels, 1, 0))
                .withMessageContaining("__name__ is the metric name itself");
    }

    @Test
    void labelsCannotBeChangedAfterwards() {
        TreeMap<String, String> labels = new TreeMap<>();
        labels.put("a", "1");
        Sample sample = new Sample("m", labels, 1, 0);
        labels.put("b", "2");

        assertThat(sample.labels()).containsOnlyKeys("a");
    }
}
