package dev.ergometer.meter.handler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.meter.EnergyOrigin;
import dev.ergometer.meter.EnergySample;
import dev.ergometer.meter.EnergyTrace;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HandlersTest {

    @TempDir
    Path dir;

    private static EnergySample sample(double timestamp, String tag, double duration, double pkg, double gpu) {
        Map<String, Double> energy = new LinkedHashMap<>();
        energy.put("package_0", pkg);
        energy.put("nvidia_gpu_0", gpu);
        return new EnergySample(timestamp, tag, duration, energy);
    }

    private final EnergyTrace trace = new EnergyTrace(List.of(
            sample(1700000001.5, "foo", 2.0, 3000, 120.5),
            sample(1700000003.5, "bar", 0.25, 1e16, 0)),
            new EnergyOrigin("powercap", "RAPL counters in /sys/class/powercap", false));

    @Test
    void printHandlerWritesPyJoulesLines() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new PrintHandler(new PrintStream(bytes, true, StandardCharsets.UTF_8)).process(trace);
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(
                "begin timestamp : 1700000001.5; tag : foo; duration : 2.0; package_0 : 3000.0; nvidia_gpu_0 : 120.5"
                        + System.lineSeparator()
                        + "begin timestamp : 1700000003.5; tag : bar; duration : 0.25; package_0 : 1e+16; "
                        + "nvidia_gpu_0 : 0.0" + System.lineSeparator());
    }

    @Test
    void csvHandlerWritesTheHeaderOnlyInANewFileAndAppendsRows() throws Exception {
        Path file = dir.resolve("result.csv");
        CsvHandler csv = new CsvHandler(file);
        csv.process(trace);
        assertThat(file).as("process only buffers").doesNotExist();
        csv.saveData();
        csv.process(EnergyTrace.of(List.of(sample(1700000010, "baz", 1, 7, 8))));
        csv.saveData();
        csv.saveData();

        assertThat(Files.readString(file)).isEqualTo("""
                timestamp;tag;duration;package_0;nvidia_gpu_0
                1700000001.5;foo;2.0;3000.0;120.5
                1700000003.5;bar;0.25;1e+16;0.0
                1700000010.0;baz;1.0;7.0;8.0
                """);
        CsvHandler another = new CsvHandler(file);
        another.process(EnergyTrace.of(List.of(sample(1700000020, "qux", 1, 1, 2))));
        another.saveData();
        assertThat(Files.readAllLines(file)).hasSize(5).last().isEqualTo("1700000020.0;qux;1.0;1.0;2.0");
    }

    @Test
    void csvHandlerWritesNoFileWhenSamplesHaveDifferentDomains() {
        Path file = dir.resolve("mixed.csv");
        CsvHandler csv = new CsvHandler(file);
        csv.process(trace);
        csv.process(EnergyTrace.of(List.of(new EnergySample(1, "dram", 1, Map.of("dram_0", 5.0)))));
        assertThatThrownBy(csv::saveData).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("sample 'dram' measures [dram_0] but the first sample measures "
                        + "[package_0, nvidia_gpu_0]");
        assertThat(file).doesNotExist();
    }

    @Test
    void csvHandlerRefusesToAppendUnderAnotherHeader() throws Exception {
        Path file = dir.resolve("other.csv");
        Files.writeString(file, "timestamp;tag;duration;dram_0\n1.0;x;1.0;2.0\n");
        CsvHandler csv = new CsvHandler(file);
        csv.process(trace);
        assertThatThrownBy(csv::saveData).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("its header is 'timestamp;tag;duration;dram_0'");
        assertThat(Files.readString(file)).isEqualTo("timestamp;tag;duration;dram_0\n1.0;x;1.0;2.0\n");
    }

    @Test
    void jsonHandlerWritesOneLinePerSampleInJoulesWithTheOrigin() {
        StringWriter out = new StringWriter();
        EnergyTrace estimated = new EnergyTrace(List.of(sample(1700000001.5, "foo", 2.0, 3_000_000, 250_000)),
                new EnergyOrigin("model", "utilisation x 10 W per CPU", true));
        JsonHandler json = new JsonHandler(out);
        json.process(estimated);
        json.process(trace);
        assertThat(out.toString()).isEqualTo("""
                {"timestamp_s":1700000001.5,"tag":"foo","duration_s":2,"domains":{"package_0":{"energy_j":3},\
                "nvidia_gpu_0":{"energy_j":0.25}},"source":"model","estimated":true,\
                "method":"utilisation x 10 W per CPU"}
                {"timestamp_s":1700000001.5,"tag":"foo","duration_s":2,"domains":{"package_0":{"energy_j":0.003},\
                "nvidia_gpu_0":{"energy_j":0.0001205}},"source":"powercap","estimated":false,\
                "method":"RAPL counters in /sys/class/powercap"}
                {"timestamp_s":1700000003.5,"tag":"bar","duration_s":0.25,"domains":{"package_0":\
                {"energy_j":10000000000},"nvidia_gpu_0":{"energy_j":0}},"source":"powercap","estimated":false,\
                "method":"RAPL counters in /sys/class/powercap"}
                """);
    }

    @Test
    void jsonHandlerAppendsToAFile() throws Exception {
        Path file = dir.resolve("trace.jsonl");
        JsonHandler json = JsonHandler.appendingTo(file);
        json.process(trace);
        json.process(trace);
        assertThat(Files.readAllLines(file)).hasSize(4).allSatisfy(l -> assertThat(l).startsWith("{\"timestamp_s\""));
    }
}
