package dev.ergometer.source.perf;

import static dev.ergometer.testkit.FakePerfPowerPmu.NANOSECONDS_AS_JOULES;
import static dev.ergometer.testkit.FakePerfPowerPmu.PERF_COUNT_SW_CPU_CLOCK;
import static dev.ergometer.testkit.FakePerfPowerPmu.PERF_TYPE_SOFTWARE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.ergometer.source.SystemPaths;
import dev.ergometer.testkit.FakePerfPowerPmu;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the perf source in a JVM that {@code setpriv} starts as user nobody without capabilities, so that the real
 * kernel applies {@code perf_event_paranoid}: refused above 0 with the paranoid message, opened at 0 or below.
 */
class PerfPowerSourceAsUnprivilegedUserTest {

    private static final String NOBODY = "65534";

    @TempDir
    Path sysfs;

    /** Copies of the class folders that nobody may read: the checkout itself may sit under a private folder. */
    @TempDir
    Path classes;

    @Test
    void unprivilegedUserGetsTheParanoidSettingAndHowToAllowPerfOrOpensWithoutRoot() throws Exception {
        assumeThat(System.getProperty("user.name")).as("root, to switch to nobody").isEqualTo("root");
        assumeThat(Files.isExecutable(Path.of("/usr/bin/setpriv"))).as("setpriv (util-linux)").isTrue();
        PerfAccess access = PerfAccess.read(SystemPaths.real());
        assumeThat(access.paranoid()).as("a readable perf_event_paranoid").isPresent();
        FakePerfPowerPmu.ofType(PERF_TYPE_SOFTWARE)
                .withEvent("energy-pkg", PERF_COUNT_SW_CPU_CLOCK, NANOSECONDS_AS_JOULES)
                .writeTo(sysfs);
        makeReadableByEveryone(sysfs);

        ProbeResult result = runProbeAsNobody();

        int paranoid = access.paranoid().getAsInt();
        if (paranoid > 0) {
            assertThat(result.exitCode()).as(result.output()).isEqualTo(UnprivilegedPerfProbe.UNAVAILABLE);
            assertThat(result.output())
                    .contains("reason: cannot open perf power/energy-pkg/ on cpu 0")
                    .contains("failed with EACCES (errno 13)")
                    .contains("kernel.perf_event_paranoid is " + paranoid + " (")
                    .contains("this process has neither CAP_PERFMON nor CAP_SYS_ADMIN")
                    .contains("fix: sudo sysctl kernel.perf_event_paranoid=0 (then the perf source works without root");
        } else {
            assertThat(result.exitCode()).as(result.output()).isEqualTo(UnprivilegedPerfProbe.OPENED);
            assertThat(result.output()).contains("opened [package_0]");
        }
    }

    private ProbeResult runProbeAsNobody() throws Exception {
        List<String> copies = new java.util.ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (entry.endsWith("classes") || entry.endsWith("classes/")) {
                Path from = Path.of(entry);
                Path to = classes.resolve(copies.size() + "-" + from.getFileName());
                try (Stream<Path> tree = Files.walk(from)) {
                    for (Path path : tree.toList()) {
                        Files.copy(path, to.resolve(from.relativize(path).toString()));
                    }
                }
                copies.add(to.toString());
            }
        }
        makeReadableByEveryone(classes);
        String classPath = String.join(File.pathSeparator, copies);
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = List.of("/usr/bin/setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY,
                "--clear-groups", "--inh-caps=-all", java, "-XX:-UsePerfData", "--enable-native-access=ALL-UNNAMED",
                "-cp", classPath, UnprivilegedPerfProbe.class.getName(), sysfs.toString());
        Process probe = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).as("probe finished").isTrue();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return new ProbeResult(probe.exitValue(), command + "\n" + output);
    }

    private static void makeReadableByEveryone(Path root) throws Exception {
        try (Stream<Path> tree = Files.walk(root)) {
            for (Path path : tree.toList()) {
                Files.setPosixFilePermissions(path,
                        PosixFilePermissions.fromString(Files.isDirectory(path) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
    }

    private record ProbeResult(int exitCode, String output) {}
}
