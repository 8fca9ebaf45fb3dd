package dev.ergometer.sink;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.json.JsonReader;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SampleJsonTest {

    @Test
    void writesOneLineWithSortedLabels() {
        Sample sample = Sample.of("ergometer_power_watts", 12.5, 1_764_115_200_123L,
                "source", "ergometer", "domain", "package_0", "estimated", "false");
        assertThat(SampleJson.line(sample)).isEqualTo("{\"timestamp_ms\":1764115200123,"
                + "\"metric\":\"ergometer_power_watts\",\"value\":12.5,"
                + "\"labels\":{\"domain\":\"package_0\",\"estimated\":\"false\",\"source\":\"ergometer\"}}");
    }

    @Test
    void nonFiniteValueBecomesNullAndTheLineParsesBack() {
        Map<String, Object> parsed = JsonReader.object(SampleJson.line(Sample.of("m", Double.NaN, 5, "a", "x\"y")));
        assertThat(parsed).containsEntry("value", null).containsEntry("labels", Map.of("a", "x\"y"));
    }
}
