package dev.ergometer.profiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The profiler on real JVMs with the real JFR: a test program whose two methods burn CPU in a known 1:3 ratio, run
 * under {@link ProfileLauncher}, with the machine's energy from a fake powercap tree at a constant 20 W (so every
 * CPU-second of the run is worth the same energy and the expected split is exact).
 */
class ProfilerEndToEndTest {

    private static final String FIXTURE = "dev.ergometer.profiler.fixture.OneToThree";
    private static final String A = FIXTURE + ".a";
    private static final String B = FIXTURE + ".b";

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

    private ProfileSettings.Builder settings(String folder) {
        return ProfileSettings.builder(temp.resolve(folder))
                .source("powercap")
                .paths(SystemPaths.real().withSysfs(temp.resolve("sys")))
                .packages(List.of("dev.ergometer.profiler.fixture"))
                .intervalNanos(500_000_000L);
    }

    @Test
    void twoMethodsBurningOneToThreeGetOneToThreeOfTheEnergy() throws Exception {
        ProfiledRun run = ProfiledRun.run(settings("threads").build(),
                List.of(ProfiledRun.java(), "-cp", ProfiledRun.testClasses(), FIXTURE, "threads", "10", "120",
                        result()));

        assertThat(run.exitCode).as(run.err).isZero();
        long a = run.ownMicrojoules("methods-app.csv", A);
        long b = run.ownMicrojoules("methods-app.csv", B);
        assertThat(a).isPositive();
        assertThat((double) b / a).as("b / a, a = %d µJ, b = %d µJ", a, b).isCloseTo(3.0, within(0.15));
        // in the all-frames view, the JDK code a calls (its CPU clock) is a's callee: a's total there is its own here
        assertThat(run.totalMicrojoules("methods.csv", A)).isEqualTo(a);
        assertThat(run.ownMicrojoules("methods.csv", A)).isLessThanOrEqualTo(a);
        assertThat(run.out).contains("Energy profile of JVM").contains(B).contains("measured energy of package_0");
    }

    @Test
    void everyMicrojouleIsAccountedForFromTheMachineDownToTheStacks() throws Exception {
        ProfiledRun run = ProfiledRun.run(settings("conservation").build(),
                List.of(ProfiledRun.java(), "-cp", ProfiledRun.testClasses(), FIXTURE, "alternate", "10", "600",
                        result()));

        assertThat(run.exitCode).as(run.err).isZero();
        long jvm = 0;
        long energy = 0;
        for (Map<String, String> row : run.csv("timeline.csv")) {
            long e = ProfiledRun.microjoules(row.get("joules"));
            long parts = ProfiledRun.microjoules(row.get("idle_joules"))
                    + ProfiledRun.microjoules(row.get("other_processes_joules"))
                    + ProfiledRun.microjoules(row.get("jvm_joules"));
            assertThat(parts).as("idle + other processes + JVM in %s", row).isEqualTo(e);
            energy += e;
            jvm += ProfiledRun.microjoules(row.get("jvm_joules"));
        }
        long stacks = 0;
        for (String line : Files.readAllLines(run.folder.resolve("stacks.collapsed"))) {
            stacks += Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
        }
        long appStacks = 0;
        for (String line : Files.readAllLines(run.folder.resolve("stacks-app.collapsed"))) {
            appStacks += Long.parseLong(line.substring(line.lastIndexOf(' ') + 1));
        }
        long threads = run.csv("threads.csv").stream().mapToLong(r -> ProfiledRun.microjoules(r.get("joules"))).sum();
        assertThat(stacks).isEqualTo(jvm);
        assertThat(appStacks).isEqualTo(jvm);
        assertThat(threads + unaccounted(run)).isEqualTo(jvm);
        // 20 W for the time the timeline covers, within the sampler's read granularity
        double seconds = run.csv("timeline.csv").stream()
                .mapToDouble(r -> Double.parseDouble(r.get("duration_seconds"))).sum();
        assertThat(energy / 1e6).isCloseTo(20 * seconds, within(0.5));
    }

    @Test
    void methodsSharingOneThreadShareItsEnergyBySamples() throws Exception {
        // 7 ms: a period that divides the fixture's 40 ms cycle would sample it in lock-step, always at the same points
        ProfiledRun run = ProfiledRun.run(settings("alternate").samplingPeriodNanos(7_000_000L).build(),
                List.of(ProfiledRun.java(), "-cp", ProfiledRun.testClasses(), FIXTURE, "alternate", "10", "3000",
                        result()));

        assertThat(run.exitCode).as(run.err).isZero();
        long a = run.ownMicrojoules("methods-app.csv", A);
        long b = run.ownMicrojoules("methods-app.csv", B);
        long samples = run.csv("methods-app.csv").stream()
                .filter(r -> r.get("method").equals(A) || r.get("method").equals(B))
                .mapToLong(r -> Long.parseLong(r.get("own_samples"))).sum();
        // one thread: the split is by samples, so it is as exact as the samples are many. a's share is 1/4; with n
        // samples its standard deviation is at most sqrt(3/16 / n): allow four of them.
        double share = (double) a / (a + b);
        assertThat(samples).isGreaterThan(100);
        assertThat(share).as("a's share with %d samples", samples)
                .isCloseTo(0.25, within(4 * Math.sqrt(3.0 / 16 / samples)));
    }

    @Test
    void aScriptThatStartsJavaIsProfiledThroughJdkJavaOptions() throws Exception {
        Path script = temp.resolve("run.sh");
        Files.writeString(script, "#!/bin/sh\nexec \"" + ProfiledRun.java() + "\" -cp \"" + ProfiledRun.testClasses()
                + "\" " + FIXTURE + " alternate 10 300 " + result() + "\n");
        script.toFile().setExecutable(true);

        ProfiledRun run = ProfiledRun.run(settings("script").fromStart(true).build(), List.of(script.toString()));

        assertThat(run.exitCode).as(run.err).isZero();
        assertThat(run.ownMicrojoules("methods-app.csv", B)).isPositive();
        assertThat(run.read("flamegraph.html")).contains(B).doesNotContain("http://").doesNotContain("https://");
    }

    @Test
    void aJvmKilledWithSigkillStillGetsTheProfileOfWhatItDidUntilThen() throws Exception {
        Path started = temp.resolve("fixture-started.txt");
        Thread killer = Thread.ofPlatform().daemon().start(() -> {
            try {
                // the fixture runs for a minute; kill it once it has run, and JFR has flushed, for a few seconds
                while (!Files.exists(started)) {
                    Thread.sleep(50);
                }
                Thread.sleep(4_000);
                ProcessHandle.current().descendants()
                        .filter(p -> p.info().commandLine().orElse("").contains(FIXTURE))
                        .forEach(ProcessHandle::destroyForcibly);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ProfiledRun run = ProfiledRun.run(settings("killed").fromStart(true).build(),
                List.of(ProfiledRun.java(), "-cp", ProfiledRun.testClasses(), FIXTURE, "alternate", "10", "60000",
                        result(), started.toString()));
        killer.join();

        assertThat(run.exitCode).as(run.err).isEqualTo(128 + 9);
        assertThat(run.err).contains("ended without JFR's final chunk");
        assertThat(run.out).contains("Energy profile of JVM");
        assertThat(run.ownMicrojoules("methods-app.csv", B)).isPositive();
    }

    @Test
    void aCommandThatRunsNoJvmSaysNoProfileWasWrittenAndHowToGetOne() throws Exception {
        ProfiledRun run = ProfiledRun.run(settings("none").build(), List.of("true"));

        assertThat(run.exitCode).isEqualTo(ProfileLauncher.EXIT_NO_PROFILE);
        assertThat(run.err).contains("no profile was written").contains("Fix: profile a java command");
    }

    @Test
    void aJvmOlderThanJdk25IsRefusedBeforeItRunsWithTheFix() throws Exception {
        Path home = temp.resolve("jdk-17");
        Files.createDirectories(home.resolve("bin"));
        Files.writeString(home.resolve("release"), "JAVA_VERSION=\"17.0.15\"\n");
        Path java = Files.writeString(home.resolve("bin/java"), "#!/bin/sh\necho ran > \"$0.ran\"\n");
        java.toFile().setExecutable(true);

        ProfiledRun run = ProfiledRun.run(settings("old").build(), List.of(java.toString(), "-version"));

        assertThat(run.exitCode).isEqualTo(ProfileLauncher.EXIT_NOT_STARTED);
        assertThat(run.err).contains("is JDK 17.0.15").contains("JDK 25 or later").contains("Fix:");
        assertThat(home.resolve("bin/java.ran")).as("the program did not run").doesNotExist();
    }

    @Test
    void aCommandThatCannotStartExitsWith127() throws Exception {
        ProfiledRun run = ProfiledRun.run(settings("missing").build(), List.of(temp.resolve("no-such").toString()));

        assertThat(run.exitCode).isEqualTo(ProfileLauncher.EXIT_NOT_STARTED);
        assertThat(run.err).contains("cannot start");
    }

    @Test
    void aFolderThatIsNotEmptyIsRefusedRatherThanMixedWith() throws Exception {
        Files.createDirectories(temp.resolve("used"));
        Files.writeString(temp.resolve("used/summary.txt"), "an earlier profile");

        assertThatThrownBy(() -> ProfiledRun.run(settings("used").build(), List.of(ProfiledRun.java(), "-version")))
                .hasMessageContaining("is not empty").hasMessageContaining("--output");
    }

    @Test
    void anEnergySourceThatCannotOpenStopsBeforeTheProgramRunsAndSaysWhy() throws Exception {
        Path output = temp.resolve("program-output.txt");

        assertThatThrownBy(() -> ProfiledRun.run(settings("nosource").paths(SystemPaths.real()
                        .withSysfs(temp.resolve("empty"))).build(),
                List.of(ProfiledRun.java(), "-cp", ProfiledRun.testClasses(), FIXTURE, "alternate", "1", "10",
                        output.toString())))
                .isInstanceOf(SourceUnavailableException.class)
                .hasMessageContaining("powercap").hasMessageContaining("class/powercap is absent");
        assertThat(output).as("the program did not run").doesNotExist();
    }

    @Test
    void theProfiledJvmLoadsNoErgometerClassButTheRecorder() throws Exception {
        Path classes = temp.resolve("classes.log");
        ProfiledRun run = ProfiledRun.run(settings("recorder-only").fromStart(true).build(),
                List.of(ProfiledRun.java(), "-Xlog:class+load=info:file=" + classes, "-cp", ProfiledRun.testClasses(),
                        FIXTURE, "alternate", "1", "40", result()));

        assertThat(run.exitCode).as(run.err).isZero();
        List<String> loaded = Files.readAllLines(classes).stream()
                .filter(line -> line.contains(" dev.ergometer."))
                .map(line -> line.replaceAll(".* (dev\\.ergometer\\.[^ ]+) .*", "$1"))
                .filter(name -> !name.startsWith("dev.ergometer.profiler.fixture."))
                .map(name -> name.replaceAll("\\$.*", ""))
                .distinct()
                .toList();
        // the recorder's own lambda and enum switch come as JfrRecorder$...
        assertThat(loaded).containsExactlyInAnyOrder("dev.ergometer.profiler.ProfilerAgent",
                "dev.ergometer.profiler.JfrRecorder", "dev.ergometer.profiler.SamplerChoice");
        assertThat(run.out).contains("Energy profile of JVM");
    }

    @Test
    void aProgramThatEndsBeforeProfilingStartedAlongsideItSaysToProfileFromTheStart() throws Exception {
        ProfiledRun run = ProfiledRun.run(settings("short").build(),
                List.of(ProfiledRun.java(), "-cp", ProfiledRun.testClasses(), FIXTURE, "alternate", "1", "1",
                        result()));

        assertThat(run.exitCode).isEqualTo(ProfileLauncher.EXIT_NO_PROFILE);
        assertThat(run.err).contains("the program ended before profiling started").contains("--from-start");
    }

    @Test
    void fromTheStartEvenAShortProgramIsProfiled() throws Exception {
        ProfiledRun run = ProfiledRun.run(settings("short-from-start").fromStart(true).build(),
                List.of(ProfiledRun.java(), "-cp", ProfiledRun.testClasses(), FIXTURE, "alternate", "1", "4",
                        result()));

        assertThat(run.exitCode).as(run.err).isZero();
        assertThat(run.out).contains("Energy profile of JVM");
        assertThat(run.err).as("from the start, nothing is missed").doesNotContain("misses its first");
    }

    /** Where the fixture writes its own figures (not to standard output: that is the test runner's channel). */
    private String result() {
        return temp.resolve("fixture-result.txt").toString();
    }

    private static long unaccounted(ProfiledRun run) throws Exception {
        return run.csv("timeline.csv").stream()
                .mapToLong(r -> ProfiledRun.microjoules(r.get("unaccounted_joules"))).sum();
    }
}
