package dev.ergometer.sink.file;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sample;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvFileSinkTest {

    private static final long T = 1_764_115_200_123L;

    @TempDir
    Path dir;

    @Test
    void writesTheHeaderThenOneRowPerSampleWithSortedLabels() throws Exception {
        Path csv = dir.resolve("energy.csv");
        try (CsvFileSink sink = CsvFileSink.open(FileSinkSettings.of(csv))) {
            sink.accept(Batch.of(
                    Sample.of("ergometer_energy_joules_total", 12.5, T,
                            "source", "powercap", "socket", "0", "domain", "package_0", "estimated", "false"),
                    Sample.of("ergometer_power_watts", 1.7000000015E9, T + 1,
                            "domain", "psys", "estimated", "true", "source", "model")));
        }
        assertThat(Files.readString(csv)).isEqualTo("""
                timestamp_ms,metric,value,labels
                1764115200123,ergometer_energy_joules_total,12.5,domain=package_0;estimated=false;socket=0;source=powercap
                1764115200124,ergometer_power_watts,1700000001.5,domain=psys;estimated=true;source=model
                """);
    }

    @Test
    void quotesTheLabelsFieldWhenAValueHoldsACommaAQuoteOrALineBreak() {
        Sample consumer = Sample.of("ergometer_consumer_power_watts", 0.75, T,
                "consumer", "/kubepods/pod\"a\"", "kind", "pod", "name", "web, api", "domain", "package_0",
                "source", "powercap", "estimated", "true");
        assertThat(CsvFileSink.row(consumer)).isEqualTo("1764115200123,ergometer_consumer_power_watts,0.75,"
                + "\"consumer=/kubepods/pod\"\"a\"\";domain=package_0;estimated=true;kind=pod;name=web, api;"
                + "source=powercap\"\n");
        assertThat(CsvFileSink.row(Sample.of("m", 1, T, "name", "two\nlines")))
                .isEqualTo("1764115200123,m,1,\"name=two\nlines\"\n");
    }

    @Test
    void escapesSemicolonsAndBackslashesInsideLabelValuesSoTheLabelsSplitBack() {
        assertThat(CsvFileSink.row(Sample.of("m", 1, T, "a", "x;y=z", "b", "c:\\d")))
                .isEqualTo("1764115200123,m,1,a=x\\;y=z;b=c:\\\\d\n");
    }

    @Test
    void writesValuesAsPlainDecimalsAndNonFiniteOnesByName() {
        assertThat(List.of(1e-7, 1e20, -0.001, 3.0, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY)
                .stream().map(v -> CsvFileSink.row(Sample.of("m", v, 0)).split(",")[2]).toList())
                .containsExactly("0.0000001", "100000000000000000000", "-0.001", "3", "NaN", "Infinity",
                        "-Infinity");
    }

    @Test
    void aSampleWithoutLabelsHasAnEmptyLabelsField() {
        assertThat(CsvFileSink.row(Sample.of("pyjoules_x", 2, 7))).isEqualTo("7,pyjoules_x,2,\n");
    }

    @Test
    void appendsOnRestartWithoutASecondHeader() throws Exception {
        Path csv = dir.resolve("energy.csv");
        try (CsvFileSink sink = CsvFileSink.open(FileSinkSettings.of(csv))) {
            sink.accept(Batch.of(Sample.of("m", 1, 1)));
        }
        try (CsvFileSink sink = CsvFileSink.open(FileSinkSettings.of(csv))) {
            sink.accept(Batch.of(Sample.of("m", 2, 2)));
        }
        assertThat(Files.readString(csv)).isEqualTo("timestamp_ms,metric,value,labels\n1,m,1,\n2,m,2,\n");
    }

    @Test
    void anEmptyExistingFileGetsTheHeader() throws Exception {
        Path csv = Files.createFile(dir.resolve("energy.csv"));
        try (CsvFileSink sink = CsvFileSink.open(FileSinkSettings.of(csv))) {
            sink.accept(Batch.of(Sample.of("m", 1, 1)));
        }
        assertThat(Files.readString(csv)).isEqualTo("timestamp_ms,metric,value,labels\n1,m,1,\n");
    }

    @Test
    void refusesToAppendToAFileWithAnotherHeaderNamingThePath() throws Exception {
        Path csv = Files.writeString(dir.resolve("energy.csv"), "timestamp;tag;duration;package_0\n1;a;2;3\n");
        assertThatThrownBy(() -> CsvFileSink.open(FileSinkSettings.of(csv)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining(csv.toString())
                .hasMessageContaining("timestamp;tag;duration;package_0")
                .hasMessageContaining("move that file away or choose another path");
        assertThat(Files.readString(csv)).isEqualTo("timestamp;tag;duration;package_0\n1;a;2;3\n");
    }

    @Test
    void everyRotatedFileStartsWithTheHeader() throws Exception {
        Path csv = dir.resolve("energy.csv");
        try (CsvFileSink sink = CsvFileSink.open(FileSinkSettings.of(csv).withMaxBytes(80).withKeep(10))) {
            for (int i = 0; i < 12; i++) {
                sink.accept(Batch.of(Sample.of("m", i, i, "domain", "package_0")));
            }
        }
        List<Path> files = Files.list(dir).sorted().toList();
        assertThat(files).hasSizeGreaterThan(2);
        for (Path file : files) {
            assertThat(Files.readAllLines(file, StandardCharsets.UTF_8)).first().isEqualTo(CsvFileSink.HEADER);
        }
    }

    @Test
    void isNamedAfterItsPathForMetricLabels() throws Exception {
        Path csv = dir.resolve("energy.csv");
        try (CsvFileSink sink = CsvFileSink.open(FileSinkSettings.of(csv), new MutableClock(Instant.EPOCH))) {
            assertThat(sink.name()).isEqualTo("csv:" + csv);
            assertThat(sink.path()).isEqualTo(csv);
        }
    }
}
