package dev.ergometer.sink.file;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.json.JsonReader;
import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sample;
import dev.ergometer.sink.SampleJson;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesFileSinkTest {

    private static final long T = 1_764_115_200_123L;

    @TempDir
    Path dir;

    @Test
    void writesOneSampleJsonLinePerSample() throws Exception {
        Path jsonl = dir.resolve("energy.jsonl");
        try (JsonLinesFileSink sink = JsonLinesFileSink.open(FileSinkSettings.of(jsonl))) {
            sink.accept(Batch.of(
                    Sample.of("ergometer_power_watts", 12.5, T,
                            "domain", "package_0", "socket", "0", "source", "powercap", "estimated", "false"),
                    Sample.of("ergometer_consumer_power_watts", 0.25, T,
                            "consumer", "pid:42", "kind", "process", "name", "say \"hi\", then\nleave",
                            "domain", "package_0", "source", "model", "estimated", "true")));
        }
        assertThat(Files.readString(jsonl)).isEqualTo("""
                {"timestamp_ms":1764115200123,"metric":"ergometer_power_watts","value":12.5,\
                "labels":{"domain":"package_0","estimated":"false","socket":"0","source":"powercap"}}
                {"timestamp_ms":1764115200123,"metric":"ergometer_consumer_power_watts","value":0.25,\
                "labels":{"consumer":"pid:42","domain":"package_0","estimated":"true","kind":"process",\
                "name":"say \\"hi\\", then\\nleave","source":"model"}}
                """);
    }

    @Test
    void everyLineIsSampleJsonAndParsesBackWithNaNAsNull() throws Exception {
        Path jsonl = dir.resolve("energy.jsonl");
        Sample nan = Sample.of("ergometer_power_watts", Double.NaN, T, "domain", "gpu_0", "estimated", "true");
        try (JsonLinesFileSink sink = JsonLinesFileSink.open(FileSinkSettings.of(jsonl))) {
            sink.accept(Batch.of(nan));
        }
        List<String> lines = Files.readAllLines(jsonl);
        assertThat(lines).containsExactly(SampleJson.line(nan));
        Map<String, Object> parsed = JsonReader.object(lines.getFirst());
        assertThat(parsed).containsEntry("value", null)
                .containsEntry("labels", Map.of("domain", "gpu_0", "estimated", "true"));
    }

    @Test
    void appendsOnRestart() throws Exception {
        Path jsonl = dir.resolve("energy.jsonl");
        try (JsonLinesFileSink sink = JsonLinesFileSink.open(FileSinkSettings.of(jsonl))) {
            sink.accept(Batch.of(Sample.of("m", 1, 1)));
        }
        try (JsonLinesFileSink sink = JsonLinesFileSink.open(FileSinkSettings.of(jsonl))) {
            sink.accept(Batch.of(Sample.of("m", 2, 2)));
        }
        assertThat(Files.readAllLines(jsonl))
                .containsExactly(SampleJson.line(Sample.of("m", 1, 1)), SampleJson.line(Sample.of("m", 2, 2)));
    }

    @Test
    void endsALastLineLeftUnfinishedBeforeAppending() throws Exception {
        Path jsonl = Files.writeString(dir.resolve("energy.jsonl"), "{\"timestamp_ms\":1,\"met");
        try (JsonLinesFileSink sink = JsonLinesFileSink.open(FileSinkSettings.of(jsonl))) {
            sink.accept(Batch.of(Sample.of("m", 2, 2)));
        }
        assertThat(Files.readAllLines(jsonl))
                .containsExactly("{\"timestamp_ms\":1,\"met", SampleJson.line(Sample.of("m", 2, 2)));
    }

    @Test
    void anEmptyBatchWritesNothing() throws Exception {
        Path jsonl = dir.resolve("energy.jsonl");
        try (JsonLinesFileSink sink = JsonLinesFileSink.open(FileSinkSettings.of(jsonl))) {
            sink.accept(new Batch(List.of()));
            assertThat(sink.name()).isEqualTo("jsonl:" + jsonl);
        }
        assertThat(Files.size(jsonl)).isZero();
    }
}
