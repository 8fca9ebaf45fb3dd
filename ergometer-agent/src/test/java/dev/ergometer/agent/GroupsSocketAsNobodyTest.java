package dev.ergometer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.groups.CgroupFs;
import dev.ergometer.groups.CgroupHierarchy;
import dev.ergometer.groups.MeteredGroup;
import dev.ergometer.groups.ProcessGroups;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.EnergySources;
import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URISyntaxException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The socket's rules with a real client that is not root: {@link NobodyClient} in a child JVM started as nobody
 * (uid and gid 65534) against an agent in this JVM whose socket belongs to the group {@code nogroup}, so that nobody
 * may connect as a member of the socket's group would. The classes are copied to a world-readable folder first. Needs
 * root (to start the child as nobody and to create cgroups); without it the test fails saying so.
 */
class GroupsSocketAsNobodyTest {

    private static final int NOBODY = 65534;

    @TempDir
    Path dir;

    @Test
    void nobodyCreatesGroupsOfItsOwnProcessesOnlyAndCannotRemoveRootsGroup() throws Exception {
        SystemPaths paths = SystemPaths.real();
        int uid = (int) Files.getAttribute(paths.proc("self"), "unix:uid");
        assertThat(uid).as("this test starts a client as nobody and creates real cgroups: run the build as root,"
                + " for example sudo ./mvnw test; running as uid %d", uid).isZero();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        String classes = copyClasses(dir.resolve("classes"));
        Path socket = dir.resolve("agent.sock");
        Path rootOnly = dir.resolve("root-only.sock");
        CgroupFs cgroups = CgroupFs.discover(paths);
        String suffix = Long.toString(ProcessHandle.current().pid());
        Process busy = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        try (EnergySource source = EnergySources.openBest(paths, Ticker.system()).source();
                Agent agent = Agent.start(GroupsSocketTest.config("AGENT_SOCKET", socket.toString(),
                        "AGENT_SOCKET_GROUP", "nogroup"), source, paths);
                ServerSocketChannel rootOnlyServer = ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                        .bind(UnixDomainSocketAddress.of(rootOnly));
                ProcessGroups asRoot = ProcessGroups.openAgent(socket)) {
            Files.setPosixFilePermissions(rootOnly, PosixFilePermissions.fromString("rw-------"));
            MeteredGroup rootGroup = asRoot.createGroup("test-roots-" + suffix, busy.pid());

            Map<String, String> out = runAsNobody(classes, socket.toString(), Long.toString(busy.pid()),
                    rootGroup.name(), rootOnly.toString());

            long child = Long.parseLong(out.get("pid"));
            assertThat(out.get("root-only")).contains("cannot connect to erg agent at " + rootOnly)
                    .contains("permission denied").contains("usermod -aG ergometer");
            assertThat(out.get("backend")).isEqualTo("AGENT");
            assertThat(out.get("own")).isEqualTo(CgroupFs.SLICE + "/nobody-own-" + child + " createdHere=true");
            assertThat(out.get("foreign")).contains("process " + busy.pid() + " belongs to user root, not to nobody")
                    .contains("Fix: pass only your own processes");
            assertThat(out.get("this-of-root")).startsWith("cannot make the group this-" + busy.pid())
                    .contains("belongs to user root, not to nobody");
            assertThat(out.get("this")).startsWith(CgroupFs.SLICE + "/this-" + child).contains("positive=true");
            assertThat(out.get("follow-root-group")).isEqualTo("createdHere=false");
            assertThat(out.get("remove-root-group")).startsWith("cannot remove process group " + rootGroup.name())
                    .contains("created through erg agent by user root, not by nobody");
            assertThat(out.get("closed")).isEqualTo("yes");

            for (CgroupHierarchy h : cgroups.used()) {
                assertThat(h.directory(h.cgroupPath(CgroupFs.SLICE + "/nobody-own-" + child))).doesNotExist();
                assertThat(h.directory(h.cgroupPath(CgroupFs.SLICE + "/nobody-foreign-" + child))).doesNotExist();
                assertThat(h.directory(h.cgroupPath(CgroupFs.SLICE + "/this-" + child))).doesNotExist();
                assertThat(h.directory(h.cgroupPath(CgroupFs.SLICE + "/this-" + busy.pid()))).doesNotExist();
                assertThat(h.directory(h.cgroupPath(rootGroup.name()))).as("root's group stays").isDirectory();
            }
            assertThat(rootGroup.cpuNanos()).isPositive();
        } finally {
            busy.destroyForcibly();
            busy.waitFor();
        }
    }

    /** Runs NobodyClient as nobody and returns its {@code step: outcome} lines; fails with its output otherwise. */
    private Map<String, String> runAsNobody(String classes, String... args) throws IOException, InterruptedException {
        Path log = dir.resolve("nobody.out");
        List<String> command = new java.util.ArrayList<>(List.of("setpriv", "--reuid=" + NOBODY,
                "--regid=" + NOBODY, "--clear-groups", "--",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:-UsePerfData",
                "-cp", classes, NobodyClient.class.getName()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("the nobody client finished").isTrue();
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("the nobody client's exit code; its output:%n%s", output).isZero();
        Map<String, String> steps = new LinkedHashMap<>();
        for (String line : output.split("\n")) {
            int colon = line.indexOf(": ");
            if (colon > 0) {
                steps.putIfAbsent(line.substring(0, colon), line.substring(colon + 2));
            }
        }
        return steps;
    }

    /**
     * Copies ergometer-core (its class folder, or its jar in a {@code verify} build) and NobodyClient to a folder every
     * user may read; returns the class path to give the nobody JVM.
     */
    private static String copyClasses(Path target) throws IOException, URISyntaxException {
        Path core = Path.of(ProcessGroups.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path tests = Path.of(NobodyClient.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Files.createDirectories(target);
        String classPath = target.toString();
        if (Files.isDirectory(core)) {
            copyTree(core, target);
        } else {
            Path jar = target.resolve("ergometer-core.jar");
            Files.copy(core, jar);
            classPath = target + java.io.File.pathSeparator + jar;
        }
        Path client = tests.resolve(NobodyClient.class.getName().replace('.', '/') + ".class");
        Path to = target.resolve(tests.relativize(client).toString());
        Files.createDirectories(to.getParent());
        Files.copy(client, to);
        try (Stream<Path> all = Files.walk(target)) {
            for (Path p : all.toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(
                        Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return classPath;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : files.sorted(Comparator.naturalOrder()).toList()) {
                Path destination = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(destination);
                } else {
                    Files.copy(source, destination);
                }
            }
        }
    }
}
