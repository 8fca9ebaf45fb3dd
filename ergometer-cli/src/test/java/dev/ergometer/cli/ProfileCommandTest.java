package dev.ergometer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.testkit.FakePowercapTree;
import dev.ergometer.testkit.PowerCurve;
import dev.ergometer.testkit.SyntheticCounter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProfileCommandTest {

    private static final String PROGRAM = """
            package burn;

            public class Burn {
                static volatile long sink;

                public static void main(String[] args) {
                    long end = System.nanoTime() + 1_500_000_000L;
                    while (System.nanoTime() < end) {
                        work();
                    }
                }

                static void work() {
                    long x = sink;
                    for (int i = 0; i < 200_000; i++) {
                        x = x * 6364136223846793005L + 1442695040888963407L;
                    }
                    sink = x;
                }
            }
            """;

    @TempDir
    Path root;

    private SyntheticCounter counter;

    @BeforeEach
    void tenWattPackage() {
        FakePowercapTree tree = FakePowercapTree.in(root.resolve("sys"))
                .zone("intel-rapl:0", "package-0", FakePowercapTree.TYPICAL_RANGE_MICROJOULES);
        counter = SyntheticCounter.start(tree.energyFile("intel-rapl:0"), PowerCurve.constant(10),
                FakePowercapTree.TYPICAL_RANGE_MICROJOULES, 100_000L);
    }

    @AfterEach
    void stop() {
        counter.close();
    }

    @Test
    void aJavaProgramsMethodsGetTheirEnergyAndTheSummaryGoesToStandardError() throws Exception {
        Path source = root.resolve("burn/Burn.java");
        Files.createDirectories(source.getParent());
        Files.writeString(source, PROGRAM);
        Path output = root.resolve("profile");

        CliRun run = CliRun.of("profile", "--sysfs", root.resolve("sys").toString(), "--source", "powercap",
                "--packages", "burn", "--interval", "0.5", "-o", output.toString(), "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), source.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("Energy profile of JVM").contains("measured energy of package_0")
                .contains("burn.Burn.work").contains("Folder: " + output.toAbsolutePath());
        assertThat(output.resolve("methods-app.csv")).content().contains("burn.Burn.work,");
        assertThat(output.resolve("flamegraph.html")).exists();
        assertThat(output.resolve("stacks.collapsed")).exists();
        assertThat(output.resolve("timeline.csv")).exists();
    }

    @Test
    void withoutAnEnergySourceTheProgramIsNotRunAndTheReasonIsGiven() {
        Path output = root.resolve("never");

        CliRun run = CliRun.of("profile", "--sysfs", root.resolve("empty").toString(), "--source", "powercap",
                "-o", output.toString(), "--", "touch", root.resolve("ran").toString());

        assertThat(run.exitCode()).isEqualTo(Erg.EXIT_ERG_FAILED);
        assertThat(run.err()).contains("powercap").contains("Fix:");
        assertThat(root.resolve("ran")).doesNotExist();
    }

    @Test
    void badOptionsAreUsageErrorsThatSayWhatIsAccepted() {
        CliRun period = CliRun.of("profile", "--period", "0.1ms", "--", "java", "-version");
        CliRun format = CliRun.of("profile", "--format", "csv,pdf", "--", "java", "-version");
        CliRun packages = CliRun.of("profile", "--packages", "com/example", "--", "java", "-version");

        assertThat(period.exitCode()).isEqualTo(2);
        assertThat(period.err()).contains("between 1 ms and 1 s");
        assertThat(format.exitCode()).isEqualTo(2);
        assertThat(format.err()).contains("unknown report format 'pdf'");
        assertThat(packages.exitCode()).isEqualTo(2);
        assertThat(packages.err()).contains("'com/example' is not a package name");
    }
}
