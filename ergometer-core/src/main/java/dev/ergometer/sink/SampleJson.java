package dev.ergometer.sink;

import dev.ergometer.json.JsonWriter;
import java.util.Map;

/**
 * The one-line JSON form of a {@link Sample}, shared by the JSON Lines file sink and the Kafka sink so that a report
 * reads the same wherever it lands.
 *
 * <pre>{@code
 * {"timestamp_ms":1764115200123,"metric":"ergometer_power_watts","value":12.5,
 *  "labels":{"domain":"package_0","estimated":"false","socket":"0","source":"ergometer"}}
 * }</pre>
 *
 * <p>Labels are sorted by name; a non-finite value is written as {@code null} (JSON has no NaN).
 */
public final class SampleJson {

    private SampleJson() {
    }

    /** The sample as one line of JSON, without a line break. */
    public static String line(Sample sample) {
        JsonWriter json = new JsonWriter(false).beginObject()
                .name("timestamp_ms").value(sample.timestampMillis())
                .name("metric").value(sample.metric())
                .name("value").value(sample.value())
                .name("labels").beginObject();
        for (Map.Entry<String, String> label : sample.labels().entrySet()) {
            json.name(label.getKey()).value(label.getValue());
        }
        return json.endObject().endObject().toString();
    }
}
