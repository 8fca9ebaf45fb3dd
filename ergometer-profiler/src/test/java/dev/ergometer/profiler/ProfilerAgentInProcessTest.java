package dev.ergometer.profiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code -javaagent} form, where the profiler runs inside the profiled JVM (for programs {@code erg profile}
 * cannot start): the same 1:3 test program as {@link ProfilerEndToEndTest}, with a fake powercap tree at 20 W.
 */
class ProfilerAgentInProcessTest {

    private static final String FIXTURE = "dev.ergometer.profiler.fixture.OneToThree";

    @TempDir
    Path temp;

    private TwentyWattPackage machine;

    @BeforeEach
    void twentyWattPackage() {
        machine = TwentyWattPackage.in(temp.resolve("sys"));
    }

    @AfterEach
    void stop() {
        machine.close();
    }

    private List<String> command(Path sysfs, Path folder, String... program) throws Exception {
        Path jar = AgentJar.locate(Files.createDirectories(temp.resolve("agent")));
        String arguments = "output=" + ProfileSettings.encode(folder.toString()) + ",source=powercap,sysfs="
                + ProfileSettings.encode(sysfs.toString()) + ",packages=dev.ergometer.profiler.fixture"
                + ",interval=500ms,from-start=true";
        List<String> command = new java.util.ArrayList<>(List.of(ProfiledRun.java(), "-javaagent:" + jar + "="
                + arguments, "--enable-native-access=ALL-UNNAMED", "-cp", ProfiledRun.testClasses(), FIXTURE));
        command.addAll(List.of(program));
        return command;
    }

    @Test
    void twoMethodsBurningOneToThreeGetOneToThreeOfTheEnergyInsideTheJvm() throws Exception {
        Path folder = temp.resolve("profile");
        ProfiledRun run = ProfiledRun.runInProcess(command(temp.resolve("sys"), folder, "threads", "10", "120",
                temp.resolve("result.txt").toString()), folder);

        assertThat(run.exitCode).as(run.err).isZero();
        long a = run.ownMicrojoules("methods-app.csv", FIXTURE + ".a");
        long b = run.ownMicrojoules("methods-app.csv", FIXTURE + ".b");
        assertThat(a).isPositive();
        assertThat((double) b / a).as("b / a, a = %d µJ, b = %d µJ", a, b).isCloseTo(3.0, within(0.15));
        assertThat(run.read("summary.txt")).contains("Energy profile of JVM").contains("measured energy of package_0");
        // in process, the profiler's own threads are part of the JVM and charged to [profiler]
        assertThat(run.read("threads.csv")).contains("erg-profiler");
    }

    @Test
    void anEnergySourceThatCannotOpenLeavesTheProgramRunningAndSaysWhy() throws Exception {
        Path folder = temp.resolve("nosource");
        Path output = temp.resolve("program-output.txt");
        ProfiledRun run = ProfiledRun.runInProcess(command(temp.resolve("empty"), folder, "alternate", "1", "10",
                output.toString()), folder);

        assertThat(run.exitCode).as(run.err).isZero();
        assertThat(run.err).contains("cannot profile this JVM: powercap").contains("class/powercap is absent");
        assertThat(run.read("error.txt")).contains("class/powercap is absent");
        assertThat(Files.readString(output)).as("the program ran on, unprofiled").startsWith("a=");
    }
}
