package dev.ergometer.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The C floor program compiles, reads the same 8 values as PowercapSource and parses like NativeFile. */
class PreadFloorTest {

    private static final Path SOURCE = Path.of("src/main/c/pread_floor.c");

    @TempDir
    static Path bin;

    @TempDir
    Path sysfs;

    private static Path program;

    @BeforeAll
    static void compile() throws Exception {
        program = bin.resolve("pread_floor");
        Run gcc = run(List.of("gcc", "-O2", "-Wall", "-Wextra", "-Werror", "-o", program.toString(),
                SOURCE.toAbsolutePath().toString()));
        assertThat(gcc.exitCode()).as("gcc -O2 %s (install gcc: apt-get install gcc): %s", SOURCE, gcc.output())
                .isZero();
    }

    @Test
    void readsTheEnergiesMakeFakeTreeWroteAndReportsMinAndMedian() throws Exception {
        MakeFakeTree.create(sysfs);
        Run floor = run(List.of(program.toString(), sysfs.toString(), "0.02"));
        assertThat(floor.exitCode()).as(floor.output()).isZero();
        String expected = Arrays.stream(MakeFakeTree.ENERGIES_MICROJOULES).mapToObj(Long::toString)
                .collect(Collectors.joining(" ", "values: ", ""));
        assertThat(floor.output().lines()).contains(expected);
        assertThat(floor.output().lines().filter(l -> l.startsWith("repetition "))).hasSize(5);
        String[] last = floor.output().lines().reduce((a, b) -> b).orElseThrow().split(" ");
        assertThat(last[0]).isEqualTo("min");
        assertThat(last[2]).isEqualTo("median");
        assertThat(Double.parseDouble(last[1])).isPositive().isLessThanOrEqualTo(Double.parseDouble(last[3]));
    }

    @Test
    void refusesANonNumberNamingTheFileLikeNativeFile() throws Exception {
        MakeFakeTree.create(sysfs);
        Path energy = sysfs.resolve("class/powercap/intel-rapl:1:2/energy_uj");
        Files.writeString(energy, "12x4\n");
        Run floor = run(List.of(program.toString(), sysfs.toString(), "0.02"));
        assertThat(floor.exitCode()).isEqualTo(1);
        assertThat(floor.output()).contains(energy + ": does not hold a non-negative integer");
    }

    @Test
    void refusesTwentyDigitsLikeNativeFile() throws Exception {
        MakeFakeTree.create(sysfs);
        Files.writeString(sysfs.resolve("class/powercap/intel-rapl:0/energy_uj"), "12345678901234567890\n");
        Run floor = run(List.of(program.toString(), sysfs.toString(), "0.02"));
        assertThat(floor.exitCode()).isEqualTo(1);
        assertThat(floor.output()).contains("holds a number too large for 64 bits");
    }

    @Test
    void namesTheMissingZone() throws Exception {
        Run floor = run(List.of(program.toString(), sysfs.toString(), "0.02"));
        assertThat(floor.exitCode()).isEqualTo(1);
        assertThat(floor.output()).contains("class/powercap/intel-rapl:0/energy_uj: No such file or directory");
    }

    private record Run(int exitCode, String output) {
    }

    private static Run run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError(command + " did not finish in 60 s: " + output);
        }
        return new Run(process.exitValue(), output);
    }
}
