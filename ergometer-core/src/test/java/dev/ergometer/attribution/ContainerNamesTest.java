package dev.ergometer.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ContainerNamesTest {

    static final String WEB = "3f2a9c0b1d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef";
    static final String DB = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
    static final String OTHER = "fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210";

    /** Two containers as {@code GET /containers/json} lists them: web, and db with a legacy link alias. */
    static final String LISTING = """
            [{"Id":"%s","Names":["/web"],"Image":"nginx","State":"running","Labels":{"a":"b"}},
             {"Id":"%s","Names":["/web/db-alias","/db"],"Image":"postgres","State":"exited"}]
            """.formatted(WEB, DB);

    @TempDir
    Path dir;

    private final AtomicLong clock = new AtomicLong();

    private Path socket() {
        return dir.resolve("docker.sock");
    }

    private ContainerNames names() {
        return ContainerNames.at(socket(), clock::get);
    }

    private static Function<String, List<byte[]>> engine(String version, List<byte[]> listing) {
        return target -> target.equals("/_ping") ? FakeDockerEngine.ping(version) : listing;
    }

    @Test
    void namesComeFromTheEngineAtTheDaemonsOwnApiVersionWithContentLength() throws Exception {
        try (FakeDockerEngine engine = FakeDockerEngine.serve(socket(),
                engine("1.47", FakeDockerEngine.withLength(200, "", LISTING)))) {
            ContainerNames.Lookup lookup = names().lookup(Set.of(WEB, DB, OTHER));

            assertThat(lookup.namesById()).isEqualTo(Map.of(WEB, "web", DB, "db"));
            assertThat(lookup.warning()).isEmpty();
            assertThat(engine.requests()).containsExactly("/_ping", "/v1.47/containers/json?all=true");
        }
    }

    @Test
    void aChunkedListingIsPutBackTogether() throws Exception {
        try (FakeDockerEngine engine = FakeDockerEngine.serve(socket(),
                engine("1.52", FakeDockerEngine.chunked(200, LISTING, 37)))) {
            assertThat(names().lookup(Set.of(WEB, DB)).namesById()).isEqualTo(Map.of(WEB, "web", DB, "db"));
            assertThat(engine.requests()).containsExactly("/_ping", "/v1.52/containers/json?all=true");
        }
    }

    @Test
    void aListingThatEndsWithTheConnectionIsReadToTheEnd() throws Exception {
        try (FakeDockerEngine engine = FakeDockerEngine.serve(socket(),
                engine("1.41", FakeDockerEngine.untilClose(200, LISTING)))) {
            assertThat(names().lookup(Set.of(WEB)).namesById()).isEqualTo(Map.of(WEB, "web"));
        }
    }

    @Test
    void withoutAnApiVersionHeaderTheUnversionedPathIsAsked() throws Exception {
        try (FakeDockerEngine engine = FakeDockerEngine.serve(socket(), target -> target.equals("/_ping")
                ? FakeDockerEngine.withLength(200, "", "OK")
                : FakeDockerEngine.withLength(200, "", LISTING))) {
            assertThat(names().lookup(Set.of(WEB)).namesById()).containsEntry(WEB, "web");
            assertThat(engine.requests()).containsExactly("/_ping", "/containers/json?all=true");
        }
    }

    @Test
    void aVersionRefusedAfterAnUpgradeIsNegotiatedAgain() throws Exception {
        String[] version = {"1.43"};
        try (FakeDockerEngine engine = FakeDockerEngine.serve(socket(), target -> {
            if (target.equals("/_ping")) {
                return FakeDockerEngine.ping(version[0]);
            }
            return target.startsWith("/v" + version[0] + "/") ? FakeDockerEngine.withLength(200, "", LISTING)
                    : FakeDockerEngine.withLength(400, "", "{\"message\":\"client version 1.43 is too old."
                            + " Minimum supported API version is 1.44\"}");
        })) {
            ContainerNames names = names();
            assertThat(names.lookup(Set.of(WEB)).namesById()).containsEntry(WEB, "web");
            version[0] = "1.51"; // the daemon was upgraded
            clock.addAndGet(ContainerNames.MAX_AGE_NANOS);

            assertThat(names.lookup(Set.of(WEB)).namesById()).containsEntry(WEB, "web");
            assertThat(engine.requests()).containsExactly("/_ping", "/v1.43/containers/json?all=true",
                    "/v1.43/containers/json?all=true", "/_ping", "/v1.51/containers/json?all=true");
        }
    }

    @Test
    void aMissingSocketMeansNoNamesAndNoWarning() {
        ContainerNames.Lookup lookup = names().lookup(Set.of(WEB));

        assertThat(lookup.namesById()).isEmpty();
        assertThat(lookup.warning()).isEmpty();
    }

    @Test
    void aSocketLeftBehindByAStoppedDaemonMeansNoNamesAndNoWarning() throws Exception {
        ServerSocketChannel stopped = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        stopped.bind(UnixDomainSocketAddress.of(socket()));
        stopped.close(); // the file stays, nobody listens
        assertThat(socket()).exists();

        ContainerNames.Lookup lookup = names().lookup(Set.of(WEB));

        assertThat(lookup.namesById()).isEmpty();
        assertThat(lookup.warning()).isEmpty();
    }

    @Test
    void aDaemonThatForbidsTheListingIsReportedOnceWithTheFix() throws Exception {
        try (FakeDockerEngine engine = FakeDockerEngine.serve(socket(), target -> target.equals("/_ping")
                ? FakeDockerEngine.ping("1.47")
                : FakeDockerEngine.withLength(403, "", "{\"message\":\"authorization denied by plugin opa\"}"))) {
            ContainerNames names = names();
            ContainerNames.Lookup first = names.lookup(Set.of(WEB));
            clock.addAndGet(ContainerNames.MAX_AGE_NANOS);
            ContainerNames.Lookup second = names.lookup(Set.of(WEB));

            assertThat(first.namesById()).isEmpty();
            assertThat(first.warning()).hasValueSatisfying(w -> assertThat(w)
                    .contains(socket().toString(), "HTTP 403", "authorization denied by plugin opa",
                            "containers are shown by id", "run Ergometer as root", "docker group"));
            assertThat(second.warning()).isEmpty();
            assertThat(engine.requests()).containsExactly("/_ping", "/v1.47/containers/json?all=true",
                    "/v1.47/containers/json?all=true"); // asked again, but told once
        }
    }

    @Test
    void aSocketThatClosesWithoutAnsweringIsReportedOnce() throws Exception {
        try (FakeDockerEngine engine = FakeDockerEngine.serve(socket(), target -> null)) {
            ContainerNames names = names();
            ContainerNames.Lookup first = names.lookup(Set.of(WEB));
            clock.addAndGet(ContainerNames.MAX_AGE_NANOS);

            assertThat(first.namesById()).isEmpty();
            assertThat(first.warning()).hasValueSatisfying(w -> assertThat(w)
                    .contains("closed the connection without answering GET /_ping", socket().toString()));
            assertThat(names.lookup(Set.of(WEB)).warning()).isEmpty();
        }
    }

    @Test
    void aSocketWeMayNotOpenIsReportedWithTheFix() throws Exception {
        Path restricted = Files.createDirectory(dir.resolve("restricted"),
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Path socket = restricted.resolve("docker.sock");
        try (FakeDockerEngine engine = FakeDockerEngine.serve(socket,
                engine("1.47", FakeDockerEngine.withLength(200, "", LISTING)))) {
            Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("---------"));
            Optional<String> warning = isRoot() ? lookupAsNobody(socket)
                    : ContainerNames.at(socket).lookup(Set.of(WEB)).warning();

            assertThat(warning).hasValueSatisfying(w -> assertThat(w)
                    .contains("permission denied", socket.toString(), "docker group", "usermod -aG docker"));
            assertThat(engine.requests()).isEmpty();
        }
    }

    @Test
    void namesAreKeptAFewSecondsAndAskedAgainForAnUnknownIdOnce() throws Exception {
        String[] listing = {"[]"};
        try (FakeDockerEngine engine = FakeDockerEngine.serve(socket(), target -> target.equals("/_ping")
                ? FakeDockerEngine.ping("1.47") : FakeDockerEngine.withLength(200, "", listing[0]))) {
            ContainerNames names = names();
            assertThat(names.lookup(Set.of(OTHER)).namesById()).isEmpty(); // ping + list
            assertThat(names.lookup(Set.of(OTHER)).namesById()).isEmpty(); // known to be unknown: not asked
            listing[0] = LISTING;
            assertThat(names.lookup(Set.of(OTHER, WEB)).namesById()).containsOnlyKeys(WEB); // new id: asked
            assertThat(names.lookup(Set.of(WEB)).namesById()).containsOnlyKeys(WEB); // cached
            assertThat(engine.requests()).hasSize(3);

            clock.addAndGet(ContainerNames.MAX_AGE_NANOS);
            names.lookup(Set.of(WEB));

            assertThat(engine.requests()).hasSize(4);
        }
    }

    @Test
    void noIdsMeansNoQuestion() throws Exception {
        try (FakeDockerEngine engine = FakeDockerEngine.serve(socket(),
                engine("1.47", FakeDockerEngine.withLength(200, "", LISTING)))) {
            assertThat(names().lookup(Set.of()).namesById()).isEmpty();
            assertThat(ContainerNames.none().lookup(Set.of(WEB)).namesById()).isEmpty();
            assertThat(engine.requests()).isEmpty();
        }
    }

    @Test
    void dockerHostPicksTheSocketWhenItIsAUnixAddress() {
        assertThat(ContainerNames.socketFor("unix:///run/user/1000/podman/podman.sock"))
                .isEqualTo(Path.of("/run/user/1000/podman/podman.sock"));
        assertThat(ContainerNames.socketFor("tcp://10.0.0.2:2376")).isEqualTo(Path.of("/var/run/docker.sock"));
        assertThat(ContainerNames.socketFor(null)).isEqualTo(ContainerNames.DEFAULT_SOCKET);
    }

    @Test
    void aListingThatIsNotJsonIsReported() throws Exception {
        try (FakeDockerEngine engine = FakeDockerEngine.serve(socket(),
                engine("1.47", FakeDockerEngine.withLength(200, "", "<html>proxy error</html>")))) {
            assertThat(names().lookup(Set.of(WEB)).warning()).hasValueSatisfying(w -> assertThat(w)
                    .contains("not a list of containers"));
        }
    }

    private static boolean isRoot() throws IOException {
        return Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0);
    }

    /**
     * Looks the name up in a JVM running as the user nobody ({@code setpriv}): root may open any socket, so only
     * another user meets the permission check a user outside the docker group meets.
     */
    private static Optional<String> lookupAsNobody(Path socket) throws Exception {
        String java = ProcessHandle.current().info().command().orElseThrow();
        String classPath = location(ContainerNames.class) + ":" + location(ContainerNamesProbe.class);
        Process probe = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", java,
                "-cp", classPath, ContainerNamesProbe.class.getName(), socket.toString(), WEB)
                .redirectErrorStream(true).start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(probe.exitValue()).as(output).isZero();
        String marker = "warning: ";
        int at = output.indexOf(marker);
        return at < 0 ? Optional.empty() : Optional.of(output.substring(at + marker.length()).strip());
    }

    private static String location(Class<?> type) throws Exception {
        return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }
}
