package dev.ergometer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.testkit.FakePowercapTree;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the packaged distribution's {@code bin/erg} as a user would, on this machine (which has no RAPL, so the model
 * source answers) and on fake trees. Runs in the integration-test phase, after the archive is built.
 */
class ErgEndToEndIT {

    /** A copy of the distribution that every user may read, so it can also run as nobody. */
    private static Path distribution;

    @TempDir
    static Path shared;

    @BeforeAll
    static void copyDistribution() throws IOException {
        Path built;
        try (Stream<Path> dirs = Files.list(Path.of("target"))) {
            built = dirs.filter(p -> p.getFileName().toString().startsWith("ergometer-")
                            && Files.isDirectory(p.resolve("ergometer/bin")))
                    .findFirst().orElseThrow(() -> new IllegalStateException(
                            "no distribution under target/: run the package phase first")).resolve("ergometer");
        }
        openToEveryone(shared);
        distribution = shared.resolve("ergometer");
        try (Stream<Path> files = Files.walk(built)) {
            for (Path from : files.sorted(Comparator.naturalOrder()).toList()) {
                Path to = distribution.resolve(built.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to);
                }
                openToEveryone(to);
            }
        }
    }

    private static void openToEveryone(Path path) throws IOException {
        boolean executable = Files.isDirectory(path) || path.getParent().getFileName().toString().equals("bin");
        Files.setPosixFilePermissions(path, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
    }

    record Result(int exitCode, String out, String err) {
    }

    private static Result erg(List<String> prefix, String... args) throws Exception {
        List<String> command = new ArrayList<>(prefix);
        command.add(distribution.resolve("bin/erg").toString());
        command.addAll(List.of(args));
        Path out = Files.createTempFile(shared, "out", ".txt");
        Path err = Files.createTempFile(shared, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().put("HOME", shared.toString());
        builder.environment().remove("ERGOMETER_SYSFS");
        Process process = builder.start();
        process.getOutputStream().close();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("erg finished").isTrue();
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void measureSleepOnThisMachinePrintsEstimatedEnergyAndNamesTheModel() throws Exception {
        Result run = erg(List.of(), "measure", "--", "sleep", "1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("source    model (ESTIMATED)").contains("package_0")
                .contains("ESTIMATED by a model").containsIgnoringCase("model");
    }

    @Test
    void measureFalseExitsOne() throws Exception {
        assertThat(erg(List.of(), "measure", "--idle", "off", "--", "false").exitCode()).isEqualTo(1);
    }

    @Test
    void versionNamesTheRelease() throws Exception {
        Result run = erg(List.of(), "--version");
        assertThat(run.out()).startsWith("erg 0.").contains("Java 25");
    }

    @Test
    void profileRunsAJavaProgramAndNamesItsMethodsWithTheProfilerFromLibOptional() throws Exception {
        Path program = shared.resolve("Spin.java");
        Files.writeString(program, """
                public class Spin {
                    static volatile long sink;

                    public static void main(String[] args) {
                        long end = System.nanoTime() + 1_500_000_000L;
                        while (System.nanoTime() < end) {
                            spin();
                        }
                    }

                    static void spin() {
                        long x = sink;
                        for (int i = 0; i < 100_000; i++) {
                            x = x * 31 + i;
                        }
                        sink = x;
                    }
                }
                """);
        openToEveryone(program);
        Path output = shared.resolve("profile");

        Result run = erg(List.of(), "profile", "--from-start", "-o", output.toString(), "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), program.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.err()).contains("Energy profile of JVM").contains("estimated energy").contains("Spin.spin");
        assertThat(output.resolve("flamegraph.html")).exists();
    }

    @Test
    void unreadableEnergyFileAsAnOrdinaryUserGivesTheRootOnlyMessageAndTheNextSourceIsUsed() throws Exception {
        Path sysfs = Files.createDirectories(shared.resolve("sysfs-root-only"));
        FakePowercapTree tree = FakePowercapTree.oneSocket(sysfs);
        try (Stream<Path> files = Files.walk(sysfs)) {
            for (Path p : files.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "r--r--r--"));
            }
        }
        for (String zone : tree.zones()) {
            Files.setPosixFilePermissions(tree.energyFile(zone), PosixFilePermissions.fromString("r--------"));
        }
        List<String> asNobody = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--");

        Result domains = erg(asNobody, "domains", "--sysfs", sysfs.toString());
        assertThat(domains.out()).contains("readable by root only since Linux 5.10").contains("run as root");

        Result measure = erg(asNobody, "measure", "--sysfs", sysfs.toString(), "--idle", "off", "--", "true");
        assertThat(measure.exitCode()).as(measure.err()).isZero();
        assertThat(measure.err()).doesNotContain("source    powercap").contains("source    ");
    }
}
