package dev.ergometer.results;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ergometer.meter.EnergyOrigin;
import dev.ergometer.meter.EnergySample;
import dev.ergometer.meter.EnergyTrace;
import dev.ergometer.meter.handler.CsvHandler;
import dev.ergometer.meter.handler.JsonHandler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResultFilesTest {

    @TempDir
    Path dir;

    /** An erg measure JSON report of three runs with an idle baseline, as docs/measure.md lays it out. */
    static String measureJson(double... packageNetJoules) {
        StringBuilder runs = new StringBuilder();
        for (int i = 0; i < packageNetJoules.length; i++) {
            runs.append(i == 0 ? "" : ",").append("""
                    {"run": %d, "exit_code": 0, "duration_s": 1.0, "cpu_time_s": 0.9, "domains": {
                      "package_0": {"energy_j": %s, "net_energy_j": %s, "power_w": %s, "share_j": null},
                      "dram_0": {"energy_j": 2.5, "net_energy_j": 0.5, "power_w": 2.5, "share_j": 0.4}}}
                    """.formatted(i + 1, packageNetJoules[i] + 5, packageNetJoules[i], packageNetJoules[i] + 5));
        }
        return """
                {"schema": "ergometer.measure/1", "command": ["./work"], "source": "powercap", "estimated": false,
                 "method": "RAPL through powercap", "exit_code": 0, "warmups": 1, "counter_resets": 0,
                 "warnings": [], "idle": {"duration_s": 0.5, "domains": {"package_0": {"energy_j": 2.5,
                 "power_w": 5}, "dram_0": {"energy_j": 1, "power_w": 2}}},
                 "runs": [%s], "summary": null}
                """.formatted(runs);
    }

    private Path write(String name, String text) throws IOException {
        return Files.writeString(dir.resolve(name), text);
    }

    @Test
    void measureJsonGivesNetEnergiesPerRun() throws IOException {
        ResultSeries series = ResultFiles.readOne(write("before.json", measureJson(10, 11, 12)));

        assertThat(series.name()).isEqualTo("before.json");
        assertThat(series.format()).isEqualTo(ResultFormat.MEASURE_JSON);
        assertThat(series.basis()).isEqualTo(EnergyBasis.NET);
        assertThat(series.estimated()).contains(false);
        assertThat(series.source()).isEqualTo("powercap");
        assertThat(series.domains()).containsExactly("package_0", "dram_0");
        assertThat(series.energies("package_0")).containsExactly(10, 11, 12);
        assertThat(series.powers("package_0")).containsExactly(15, 16, 17);
        assertThat(series.runs()).hasSize(3);
    }

    @Test
    void measureJsonWithoutIdleGivesRawEnergiesAndLeavesFailedRunsOut() throws IOException {
        String text = measureJson(10, 11).replaceFirst("(?s)\"idle\": \\{.*?\\}\\}\\},", "\"idle\": null,")
                .replace("{\"run\": 2, \"exit_code\": 0", "{\"run\": 2, \"exit_code\": 3");
        ResultSeries series = ResultFiles.readOne(write("raw.json", text));

        assertThat(series.basis()).isEqualTo(EnergyBasis.RAW);
        assertThat(series.energies("package_0")).containsExactly(15);
        assertThat(series.notes()).containsExactly("run 2 exited with code 3 and is left out");
    }

    @Test
    void measureJsonErrorsNameTheMemberAndWhatWasExpected() throws IOException {
        Path broken = write("broken.json", measureJson(10).replace("\"net_energy_j\": 10.0",
                "\"net_energy_j\": \"10.0\""));
        Path newer = write("newer.json", measureJson(10).replace("ergometer.measure/1", "ergometer.measure/2"));

        assertThatThrownBy(() -> ResultFiles.read(broken)).isInstanceOf(ResultFileException.class)
                .hasMessage(broken + ": runs[0].domains.package_0.net_energy_j: expected a number, found the string"
                        + " \"10.0\"")
                .satisfies(e -> assertThat(((ResultFileException) e).line()).isEmpty());
        assertThatThrownBy(() -> ResultFiles.read(newer)).hasMessageContaining("expected ergometer.measure/1");
    }

    @Test
    void jsonSyntaxErrorsNameTheLineAndColumn() throws IOException {
        Path file = write("cut.json", "{\"schema\": \"ergometer.measure/1\",\n  \"runs\": [1 2]\n}\n");
        Path truncated = write("truncated.json", "{\"schema\": \"ergometer.measure/1\",\n  \"runs\": [1, 2\n");

        assertThatThrownBy(() -> ResultFiles.read(file)).isInstanceOf(ResultFileException.class)
                .hasMessage(file + " line 2: malformed JSON at column 14: expected ',' or ']' near '2]\n}\n'")
                .satisfies(e -> assertThat(((ResultFileException) e).line()).hasValue(2));
        assertThatThrownBy(() -> ResultFiles.read(truncated))
                .hasMessage(truncated + " line 3: malformed JSON at column 1: expected more input but the input"
                        + " ended");
    }

    @Test
    void measureCsvIsReadByColumnNamesSoAddedColumnsAreWelcome() throws IOException {
        Path file = write("runs.csv", """
                run,exit_code,duration_s,cpu_time_s,domain,energy_j,net_energy_j,power_w,source,estimated,method,\
                share_j,co2e_g,cost,currency
                1,0,1.000000,0.5,package_0,15.0,10.0,15.0,model,true,"CPU model, ""TDP"" table",,0.001,0.0001,USD
                1,0,1.000000,0.5,dram_0,2.0,0.5,2.0,model,true,"CPU model, ""TDP"" table",,0.001,0.0001,USD
                2,0,1.100000,0.5,package_0,16.0,10.5,14.5,model,true,"CPU model, ""TDP"" table",,0.001,0.0001,USD
                2,0,1.100000,0.5,dram_0,2.2,0.6,2.0,model,true,"CPU model, ""TDP"" table",,0.001,0.0001,USD
                """);

        ResultSeries series = ResultFiles.readOne(file);

        assertThat(series.format()).isEqualTo(ResultFormat.MEASURE_CSV);
        assertThat(series.estimated()).contains(true);
        assertThat(series.method()).isEqualTo("CPU model, \"TDP\" table");
        assertThat(series.basis()).isEqualTo(EnergyBasis.NET);
        assertThat(series.energies("package_0")).containsExactly(10.0, 10.5);
        assertThat(series.energies("dram_0")).containsExactly(0.5, 0.6);
        assertThat(series.runs().get(1).durationSeconds()).isEqualTo(1.1);
    }

    @Test
    void measureCsvErrorsNameTheLineAndTheColumn() throws IOException {
        String header = "run,exit_code,duration_s,cpu_time_s,domain,energy_j,net_energy_j,power_w,source,estimated,"
                + "method,share_j\n";
        Path badNumber = write("a.csv", header + "1,0,1.0,0.5,package_0,fifteen,,15,powercap,false,\"m\",\n");
        Path missing = write("b.csv", "run,exit_code,domain,energy_j\n1,0,package_0,1\n");
        Path quote = write("c.csv", header + "1,0,1.0,0.5,package_0,15,,15,powercap,false,\"m,\n");

        assertThatThrownBy(() -> ResultFiles.read(badNumber))
                .hasMessage(badNumber + " line 2: expected a number in column 'energy_j', found 'fifteen'");
        assertThatThrownBy(() -> ResultFiles.read(missing))
                .hasMessageStartingWith(missing + " line 1: expected a column 'duration_s' in the header");
        assertThatThrownBy(() -> ResultFiles.read(quote))
                .hasMessageStartingWith(quote + " line 2: a quoted field opened in column 11 is never closed");
    }

    @Test
    void pyJoulesCsvFromCsvHandlerIsReadInJoulesPerTag() throws IOException {
        Path file = dir.resolve("trace.csv");
        CsvHandler handler = new CsvHandler(file);
        handler.process(EnergyTrace.of(List.of(
                sample(1.0, "sort", 0.5, 2_000_000, 300_000),
                sample(2.0, "sort", 0.5, 2_200_000, 310_000),
                sample(3.0, "load", 1.0, 1_000_000, 900_000))));
        handler.saveData();

        List<ResultSeries> series = ResultFiles.read(file);

        assertThat(series).extracting(ResultSeries::name).containsExactly("trace.csv#sort", "trace.csv#load");
        ResultSeries sort = series.getFirst();
        assertThat(sort.format()).isEqualTo(ResultFormat.PYJOULES_CSV);
        assertThat(sort.estimated()).isEmpty();
        assertThat(sort.basis()).isEqualTo(EnergyBasis.AS_RECORDED);
        assertThat(sort.energies("package_0")).containsExactly(2.0, 2.2);
        assertThat(sort.powers("dram_0")[0]).isCloseTo(0.6, within(1e-12));
        assertThatThrownBy(() -> ResultFiles.readOne(file))
                .hasMessageContaining("holds 2 tags (trace.csv#sort, trace.csv#load); expected one");
    }

    @Test
    void pyJoulesCsvErrorsNameTheLine() throws IOException {
        Path file = write("bad.csv", "timestamp;tag;duration;package_0\n1.0;a;0.5;100.0\n2.0;a;0.5\n");

        assertThatThrownBy(() -> ResultFiles.read(file)).hasMessage(file + " line 3: expected 4 ';'-separated"
                + " columns like the header (timestamp;tag;duration;package_0), found 3");
    }

    @Test
    void jsonLinesFromJsonHandlerKeepTheEstimatedLabel() throws IOException {
        Path file = dir.resolve("trace.jsonl");
        EnergyOrigin model = new EnergyOrigin("model", "CPU-utilisation model", true);
        JsonHandler.appendingTo(file).process(new EnergyTrace(List.of(
                sample(1.0, "run", 2.0, 4_000_000, 1_000_000),
                sample(3.0, "run", 2.0, 4_400_000, 1_000_000)), model));

        ResultSeries series = ResultFiles.readOne(file);

        assertThat(series.format()).isEqualTo(ResultFormat.JSON_LINES);
        assertThat(series.name()).isEqualTo("trace.jsonl");
        assertThat(series.estimated()).contains(true);
        assertThat(series.source()).isEqualTo("model");
        assertThat(series.energies("package_0")).containsExactly(4.0, 4.4);
        assertThat(series.powers("package_0")).containsExactly(2.0, 2.2);
    }

    @Test
    void aSingleJsonLineIsStillJsonLines() throws IOException {
        Path file = dir.resolve("one.jsonl");
        JsonHandler.appendingTo(file).process(EnergyTrace.of(List.of(sample(1.0, "x", 1.0, 1_000_000, 0))));

        assertThat(ResultFiles.readOne(file).format()).isEqualTo(ResultFormat.JSON_LINES);
    }

    @Test
    void jsonLinesErrorsNameTheLine() throws IOException {
        Path file = dir.resolve("trace.jsonl");
        JsonHandler.appendingTo(file).process(EnergyTrace.of(List.of(sample(1.0, "x", 1.0, 1_000_000, 0))));
        Files.writeString(file, "{\"timestamp_s\": 2, \"tag\": \"x\", \"duration_s\": 1, \"domains\": {}}\n"
                + "{\"timestamp_s\": 3, \"tag\": \"x\", \"domains\": {}}\n", java.nio.file.StandardOpenOption.APPEND);

        assertThatThrownBy(() -> ResultFiles.read(file))
                .hasMessage(file + " line 3: duration_s: expected this member, but it is missing");
    }

    @Test
    void aServiceTaskResultGivesItsTrialsAsTheTotalDomain() throws IOException {
        Path file = write("task.json", """
                {"task_id": "0b6d", "request_id": "r1", "status": "completed", "candidate_id": "fast",
                 "problem_name": "sum", "runs": 3,
                 "validation": {"is_correct": true, "passed_tests": 1, "total_tests": 1, "pass_rate": 100.0},
                 "energy_metrics": {"median_package_energy_joules": 1.2, "median_ram_energy_joules": 0.3,
                   "median_total_energy_joules": 1.5, "median_execution_time_seconds": 0.2,
                   "trial_energies_joules": [1.4, 1.5, 1.6], "trial_times_seconds": [0.19, 0.2, 0.21]},
                 "measurement_environment": {"meter_type": "powercap", "source_method": "RAPL", "estimated": false,
                   "warnings": []}}
                """);

        ResultSeries series = ResultFiles.readOne(file);

        assertThat(series.format()).isEqualTo(ResultFormat.SERVICE_JSON);
        assertThat(series.domains()).containsExactly("total");
        assertThat(series.energies("total")).containsExactly(1.4, 1.5, 1.6);
        assertThat(series.durations()).containsExactly(0.19, 0.2, 0.21);
        assertThat(series.basis()).isEqualTo(EnergyBasis.NET);
        assertThat(series.estimated()).contains(false);
        assertThat(series.notes()).anyMatch(n -> n.contains("package 1.2000 J, RAM 0.3000 J"))
                .contains("candidate fast");
    }

    @Test
    void aFailedServiceTaskSaysWhyItHasNoEnergy() throws IOException {
        Path file = write("failed.json", """
                {"task_id": "1", "status": "failed", "error_type": "validation_failed",
                 "error_message": "2 of 3 tests failed"}
                """);

        assertThatThrownBy(() -> ResultFiles.read(file)).hasMessageContaining("status: expected a completed task,"
                + " found \"failed\" (validation_failed: 2 of 3 tests failed)");
    }

    @Test
    void aDirectoryIsOneSeriesOfAllItsFiles() throws IOException {
        Path runs = Files.createDirectory(dir.resolve("fast"));
        Files.writeString(runs.resolve("1.json"), measureJson(10, 11));
        Files.writeString(runs.resolve("2.json"), measureJson(12));
        Files.writeString(runs.resolve("notes.txt"), "ignored");

        ResultSeries series = ResultFiles.readOne(runs);

        assertThat(series.name()).isEqualTo("fast");
        assertThat(series.format()).isEqualTo(ResultFormat.DIRECTORY);
        assertThat(series.energies("package_0")).containsExactly(10, 11, 12);
        assertThat(series.runs()).extracting(ResultRun::number).containsExactly(1, 2, 3);
        assertThat(series.files()).hasSize(2);
    }

    @Test
    void aDirectoryMixingNetAndRawEnergiesIsRefused() throws IOException {
        Path runs = Files.createDirectory(dir.resolve("mixed"));
        Files.writeString(runs.resolve("1.json"), measureJson(10));
        Files.writeString(runs.resolve("2.json"), measureJson(10).replaceFirst("(?s)\"idle\": \\{.*?\\}\\}\\},",
                "\"idle\": null,"));

        assertThatThrownBy(() -> ResultFiles.read(runs)).hasMessageContaining("mixes energies net of idle (1.json)"
                + " and raw, the whole machine's (2.json)");
    }

    @Test
    void anUnknownFileSaysWhatWasExpected() throws IOException {
        Path file = write("other.csv", "a,b,c\n1,2,3\n");
        Path object = write("other.json", "{\"hello\": 1}");

        assertThatThrownBy(() -> ResultFiles.read(file)).hasMessageStartingWith(file + " line 1: expected one of:"
                + " erg measure JSON").hasMessageEndingWith("the file starts with 'a,b,c'");
        assertThatThrownBy(() -> ResultFiles.read(object)).hasMessageEndingWith("this JSON object has the members"
                + " hello");
        assertThatThrownBy(() -> ResultFiles.read(dir.resolve("absent.json")))
                .hasMessageEndingWith("absent.json: no such file or directory");
    }

    private static EnergySample sample(double timestamp, String tag, double duration, double packageMicrojoules,
            double dramMicrojoules) {
        Map<String, Double> energy = new LinkedHashMap<>();
        energy.put("package_0", packageMicrojoules);
        energy.put("dram_0", dramMicrojoules);
        return new EnergySample(timestamp, tag, duration, energy);
    }
}
