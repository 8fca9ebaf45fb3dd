package dev.ergometer.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.groups.CgroupFs;
import dev.ergometer.groups.CgroupHierarchy;
import dev.ergometer.groups.Consumption;
import dev.ergometer.groups.MeteredGroup;
import dev.ergometer.groups.ProcessGroup;
import dev.ergometer.groups.ProcessGroups;
import dev.ergometer.json.JsonReader;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.EnergySources;
import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real agent in this JVM serving process groups on a Unix socket in a temp folder, and clients talking to it over
 * that socket, on this machine's real cgroups with the best energy source there is (the model where there is no
 * RAPL). Needs root (CI runs as root); without it every test fails saying so, rather than being skipped.
 */
class GroupsSocketTest {

    private static final String FULL_LOAD = "while :; do :; done";

    @TempDir
    Path dir;

    private final SystemPaths paths = SystemPaths.real();
    private final List<Process> children = new ArrayList<>();
    private final String suffix = Long.toString(ProcessHandle.current().pid());
    private EnergySource source;
    private Agent agent;
    private Path socket;

    @BeforeEach
    void startAgentAsRoot() throws Exception {
        int uid = (int) Files.getAttribute(paths.proc("self"), "unix:uid");
        assertThat(uid).as("these tests create real cgroups and must run as root (CI does): run the build as root,"
                + " for example sudo ./mvnw test; running as uid %d", uid).isZero();
        source = EnergySources.openBest(paths, Ticker.system()).source();
        socket = dir.resolve("agent.sock");
        agent = Agent.start(config("AGENT_SOCKET", socket.toString()), source, paths);
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (agent != null) {
            agent.close();
        }
        if (source != null) {
            source.close();
        }
        for (Process child : children) {
            child.destroyForcibly();
            child.waitFor();
        }
    }

    static AgentConfig config(String... keysAndValues) {
        Map<String, String> settings = new HashMap<>(Map.of("HTTP_PORT", "0", "ATTRIBUTION", "false",
                "SCRAPE_INTERVAL_S", "0.25", "ATTRIBUTION_INTERVAL_S", "0.25", "LOG_LEVEL", "WARN",
                "FLUSH_TIMEOUT_S", "1"));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            settings.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return AgentConfig.from(settings, Map.of());
    }

    @Test
    void createConsumeAndRemoveRoundTripThroughTheAgent() throws Exception {
        CgroupFs cgroups = CgroupFs.discover(paths);
        Process busy = child();
        try (ProcessGroups api = ProcessGroups.openAgent(socket)) {
            assertThat(api.backend()).isEqualTo(ProcessGroups.Backend.AGENT);
            assertThat(api.toString()).contains("agent at " + socket).contains(source.name());
            assertThat(api.sourceName()).isEqualTo(source.name());
            assertThat(api.estimated()).isEqualTo(source.estimated());

            MeteredGroup group = api.createGroup("test-agent-" + suffix, busy.pid());
            assertThat(group.createdHere()).isTrue();
            assertThat(group.name()).isEqualTo(CgroupFs.SLICE + "/test-agent-" + suffix);
            assertThat(api.groups()).containsExactly(group);
            assertThat(directories(cgroups, group.cgroup())).allSatisfy(d -> assertThat(d).isDirectory());
            assertThat(cgroups.membership(busy.pid()).cgroupPaths().values()).contains("/" + group.name());
            Consumption before = group.consumption();
            long cpuBefore = group.cpuNanos();

            Thread.sleep(1_000);

            Consumption used = group.consumption().minus(before);
            assertThat(group.cpuNanos() - cpuBefore).as("the busy child's CPU time").isGreaterThan(300_000_000L);
            assertThat(used.cpuMicrojoules()).as("its energy through the agent").isPositive();
            assertThat(used.estimated()).isEqualTo(source.estimated());

            api.remove(group);

            assertThat(api.groups()).isEmpty();
            assertThat(directories(cgroups, group.cgroup())).allSatisfy(d -> assertThat(d).doesNotExist());
            assertThatThrownBy(group::consumption).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("no longer followed");
        }
        assertThat(busy.isAlive()).as("removing a group moves its processes back, it does not kill them").isTrue();
        assertThat(cgroups.membership(busy.pid()).cgroupPaths().values())
                .doesNotContain("/" + CgroupFs.SLICE + "/test-agent-" + suffix);
    }

    @Test
    void theAgentConservesTheMachineAcrossGroupsAndRemovals() throws Exception {
        Process a = child();
        Process b = child();
        try (ProcessGroups api = ProcessGroups.openAgent(socket)) {
            MeteredGroup first = api.createGroup("test-a-" + suffix, a.pid());
            api.createGroup("test-b-" + suffix, b.pid());
            Thread.sleep(1_000);

            ProcessGroups.Balance balance = api.balance();

            assertThat(balance.groups()).containsOnlyKeys(CgroupFs.SLICE + "/test-a-" + suffix,
                    CgroupFs.SLICE + "/test-b-" + suffix);
            assertThat(balance.removed().totalMicrojoules()).isZero();
            Consumption sum = balance.idle().plus(balance.unattributed());
            for (Consumption group : balance.groups().values()) {
                assertThat(group.cpuMicrojoules()).isPositive();
                sum = sum.plus(group);
            }
            assertThat(sum.cpuMicrojoules()).as("machine == idle + groups + unattributed")
                    .isEqualTo(balance.machine().cpuMicrojoules());
            assertThat(sum.ramMicrojoules()).isEqualTo(balance.machine().ramMicrojoules());
            assertThat(sum.gpuMicrojoules()).isEqualTo(balance.machine().gpuMicrojoules());

            api.remove(first);
            ProcessGroups.Balance after = api.balance();

            assertThat(after.groups()).containsOnlyKeys(CgroupFs.SLICE + "/test-b-" + suffix);
            assertThat(after.removed().cpuMicrojoules()).as("the removed group's energy is kept")
                    .isGreaterThanOrEqualTo(balance.groups().get(first.name()).cpuMicrojoules());
            assertThat(after.parts()).usingRecursiveComparison().ignoringFields("timeNanos")
                    .isEqualTo(after.machine());
        }
    }

    @Test
    void closingTheClientRemovesItsGroupsAndLeavesFoundOnes() throws Exception {
        CgroupFs cgroups = CgroupFs.discover(paths);
        Process busy = child();
        ProcessGroup existing = cgroups.create("test-existing-" + suffix, List.of(busy.pid()));
        try {
            ProcessGroup created;
            try (ProcessGroups api = ProcessGroups.openAgent(socket)) {
                MeteredGroup found = api.group(existing.name());
                created = api.createGroup("test-mine-" + suffix).cgroup();
                assertThat(found.createdHere()).isFalse();
                assertThat(api.group(existing.name())).isSameAs(found);
                Thread.sleep(300);
                assertThat(found.cpuNanos()).isPositive();
            }
            assertThat(directories(cgroups, existing)).allSatisfy(d -> assertThat(d).isDirectory());
            assertThat(directories(cgroups, created)).allSatisfy(d -> assertThat(d).doesNotExist());
            // The agent forgets a closed connection's groups on its own thread, just after the client returns.
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (list().contains("test-existing-" + suffix) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(list()).doesNotContain("test-existing-" + suffix).doesNotContain("test-mine-" + suffix);
        } finally {
            cgroups.remove(existing);
        }
    }

    @Test
    void thisThroughTheAgentHoldsTheCallerAndTwoClientsShareIt() throws Exception {
        CgroupFs cgroups = CgroupFs.discover(paths);
        long pid = ProcessHandle.current().pid();
        Map<CgroupHierarchy, String> origin = cgroups.membership(pid).cgroupPaths();
        try (ProcessGroups first = ProcessGroups.openAgent(socket);
                ProcessGroups second = ProcessGroups.openAgent(socket)) {
            MeteredGroup self = first.group("this");
            MeteredGroup again = second.group("this");

            assertThat(self.name()).isEqualTo(CgroupFs.SLICE + "/this-" + pid);
            assertThat(self.createdHere()).isTrue();
            assertThat(again.createdHere()).as("made by the first client, left to it").isFalse();
            assertThat(cgroups.membership(pid).cgroupPaths().values()).contains("/" + self.name());
        }
        assertThat(cgroups.membership(pid).cgroupPaths()).isEqualTo(origin);
    }

    @Test
    void aDroppedConnectionLosesTheGroupsItCreated() throws Exception {
        CgroupFs cgroups = CgroupFs.discover(paths);
        Process busy = child();
        String name = "test-dropped-" + suffix;
        try (SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            raw.connect(UnixDomainSocketAddress.of(socket));
            Map<String, Object> reply = exchange(raw, "{\"op\":\"create\",\"name\":\"" + name + "\",\"pids\":["
                    + busy.pid() + "]}");
            assertThat(reply).containsEntry("ok", true);
            assertThat(list()).contains(name);
        }
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (list().contains(name) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(list()).as("the agent removed the group when its connection dropped").doesNotContain(name);
        for (CgroupHierarchy h : cgroups.used()) {
            assertThat(h.directory(h.cgroupPath(CgroupFs.SLICE + "/" + name))).doesNotExist();
        }
        assertThat(busy.isAlive()).isTrue();
    }

    @Test
    void httpListsTheGroupsWithOwnerAndConsumption() throws Exception {
        try (ProcessGroups api = ProcessGroups.openAgent(socket)) {
            MeteredGroup group = api.createGroup("test-http-" + suffix, child().pid());
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + agent.httpPort() + "/api/v1/groups")).build(),
                    HttpResponse.BodyHandlers.ofString());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                    t -> assertThat(t).startsWith("application/json"));
            Map<String, Object> body = JsonReader.object(response.body());
            assertThat(body).containsEntry("source", source.name()).containsKeys("machine", "idle", "unattributed",
                    "removed");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> groups = (List<Map<String, Object>>) body.get("groups");
            assertThat(groups).singleElement().satisfies(g -> assertThat(g)
                    .containsEntry("name", group.name()).containsEntry("owner", "root")
                    .containsEntry("created_through_agent", true).containsKey("consumption"));
        }
    }

    @Test
    void openPrefersTheRunningAgentAndSourceIsOnlyInProcess() throws Exception {
        try (ProcessGroups api = ProcessGroups.open(socket)) {
            assertThat(api.backend()).isEqualTo(ProcessGroups.Backend.AGENT);
            assertThatThrownBy(api::source).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("sourceName()");
            assertThatThrownBy(api::cgroups).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("agent at " + socket);
            assertThat(api.machine().cpuMicrojoules()).isPositive();
        }
    }

    @Test
    void theSocketIsGroupReadableOrRootOnlyWhenTheGroupIsMissing() throws Exception {
        Path rootOnly = dir.resolve("root-only.sock");
        try (Agent second = Agent.start(config("AGENT_SOCKET", rootOnly.toString(), "AGENT_SOCKET_GROUP",
                "ergometer-no-such-group"), source, paths)) {
            assertThat(Files.getPosixFilePermissions(rootOnly)).isEqualTo(PosixFilePermissions.fromString("rw-------"));
            assertThat(second.groups().socket()).hasValueSatisfying(s -> assertThat(s.access())
                    .contains("group ergometer-no-such-group does not exist"));
        }

        Path shared = dir.resolve("shared.sock");
        try (Agent third = Agent.start(config("AGENT_SOCKET", shared.toString(), "AGENT_SOCKET_GROUP", "nogroup"),
                source, paths)) {
            assertThat(Files.getPosixFilePermissions(shared)).isEqualTo(PosixFilePermissions.fromString("rw-rw----"));
            assertThat(Files.getAttribute(shared, "unix:gid")).isEqualTo(65534);
            assertThat(third.groups().socket()).hasValueSatisfying(s -> assertThat(s.access())
                    .isEqualTo("mode 0660, group nogroup"));
        }
        assertThat(shared).as("the agent deletes its socket when it stops").doesNotExist();
    }

    @Test
    void aSecondAgentLeavesARunningOnesSocketAloneAndAStaleOneIsReplaced() throws Exception {
        try (Agent second = Agent.start(config("AGENT_SOCKET", socket.toString()), source, paths)) {
            assertThat(second.groups().socket()).isEmpty();
            assertThat(second.groups().available()).isTrue();
        }
        try (ProcessGroups api = ProcessGroups.openAgent(socket)) {
            assertThat(api.backend()).isEqualTo(ProcessGroups.Backend.AGENT);
        }

        Path stale = dir.resolve("stale.sock");
        ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(stale)).close();
        try (Agent third = Agent.start(config("AGENT_SOCKET", stale.toString()), source, paths);
                ProcessGroups api = ProcessGroups.openAgent(stale)) {
            assertThat(third.groups().socket()).isPresent();
            assertThat(api.machine()).isNotNull();
        }
    }

    private String list() throws IOException {
        try (SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            raw.connect(UnixDomainSocketAddress.of(socket));
            Map<String, Object> reply = exchange(raw, "{\"op\":\"list\"}");
            return String.valueOf(reply.get("groups"));
        }
    }

    static Map<String, Object> exchange(SocketChannel raw, String request) throws IOException {
        raw.write(ByteBuffer.wrap((request + "\n").getBytes(StandardCharsets.UTF_8)));
        StringBuilder line = new StringBuilder();
        ByteBuffer in = ByteBuffer.allocate(1);
        while (raw.read(in.clear()) > 0 && in.get(0) != '\n') {
            line.append((char) in.get(0));
        }
        return JsonReader.object(line.toString());
    }

    private static List<Path> directories(CgroupFs cgroups, ProcessGroup group) {
        List<Path> directories = new ArrayList<>();
        for (CgroupHierarchy h : cgroups.used()) {
            directories.add(h.directory(h.cgroupPath(group.name())));
        }
        return directories;
    }

    private Process child() throws IOException {
        Process child = new ProcessBuilder("sh", "-c", FULL_LOAD).start();
        children.add(child);
        return child;
    }
}
