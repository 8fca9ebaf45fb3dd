package dev.ergometer.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.json.JsonWriter;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@link ProcessGroups#open(Path)} chooses between the agent and this process, and what {@link
 * ProcessGroups#openAgent} says when the socket is absent, stale or spoken by something else. The agent's side is
 * tested in ergometer-agent (GroupsSocketTest).
 */
class ProcessGroupsBackendChoiceTest {

    @TempDir
    Path dir;

    @Test
    void absentSocketMeansInProcessAndToStringSaysSo() throws Exception {
        Path socket = dir.resolve("absent.sock");
        try (ProcessGroups api = ProcessGroups.open(socket)) {
            assertThat(api.backend()).isEqualTo(ProcessGroups.Backend.IN_PROCESS);
            assertThat(api.toString()).contains("in-process").contains("no agent socket at " + socket);
            assertThat(api.source().name()).isEqualTo(api.sourceName());
            assertThat(api.machine().cpuMicrojoules()).isNotNegative();
        }
    }

    @Test
    void staleSocketFileFallsBackInProcessNamingWhy() throws Exception {
        Path socket = dir.resolve("stale.sock");
        ServerSocketChannel.open(StandardProtocolFamily.UNIX).bind(UnixDomainSocketAddress.of(socket)).close();

        try (ProcessGroups api = ProcessGroups.open(socket)) {
            assertThat(api.backend()).isEqualTo(ProcessGroups.Backend.IN_PROCESS);
            assertThat(api.toString()).contains("connection refused").contains("start `erg agent`");
        }
    }

    @Test
    void openAgentWithoutSocketSaysHowToStartTheAgent() {
        assertThatThrownBy(() -> ProcessGroups.openAgent(dir.resolve("none.sock")))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot connect to erg agent at " + dir.resolve("none.sock"))
                .hasMessageContaining("no such socket")
                .hasMessageContaining(ProcessGroups.AGENT_SOCKET_VARIABLE);
    }

    @Test
    void openAgentOnSomethingElseSaysItIsNotAnAgent() throws Exception {
        Path socket = dir.resolve("other.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread answer = Thread.ofPlatform().start(() -> {
                try (SocketChannel client = server.accept()) {
                    client.read(ByteBuffer.allocate(1024));
                    client.write(ByteBuffer.wrap("hello there\n".getBytes(StandardCharsets.UTF_8)));
                } catch (IOException ignored) {
                    // the test reports what the client saw
                }
            });
            assertThatThrownBy(() -> ProcessGroups.openAgent(socket))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("did not answer as erg agent does")
                    .hasMessageContaining("same version");
            answer.join();
        }
    }

    @Test
    void openAgentOnASilentServerGivesUpAfterTheProbeTimeout() throws Exception {
        Path socket = dir.resolve("silent.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            long start = System.nanoTime();
            assertThatThrownBy(() -> ProcessGroups.openAgent(socket))
                    .isInstanceOf(IOException.class)
                    .hasMessageContaining("did not answer within 5 s");
            assertThat(System.nanoTime() - start).isLessThan(AgentGroups.PROBE_TIMEOUT_NANOS * 2);
        }
    }

    @Test
    void agentSocketComesFromTheEnvironmentOrTheDefault() {
        assertThat(ProcessGroups.agentSocket(Map.of())).isEqualTo(ProcessGroups.DEFAULT_AGENT_SOCKET);
        assertThat(ProcessGroups.agentSocket(Map.of(ProcessGroups.AGENT_SOCKET_VARIABLE, " /tmp/a.sock ")))
                .isEqualTo(Path.of("/tmp/a.sock"));
    }

    @Test
    void consumptionAndGroupSurviveTheWireFormat() {
        Consumption c = new Consumption(123, 4_000_000_000_123L, 5, 0, true);
        String json = GroupsProtocol.write(new JsonWriter(false), c).toString();
        assertThat(GroupsProtocol.consumption(dev.ergometer.json.JsonReader.parse(json))).isEqualTo(c);

        CgroupHierarchy v2 = new CgroupHierarchy(Path.of("/sys/fs/cgroup/unified"), "/", true,
                java.util.Set.of(), false);
        CgroupHierarchy v1 = new CgroupHierarchy(Path.of("/sys/fs/cgroup/cpuacct"), "/", false,
                java.util.Set.of("cpuacct"), true);
        ProcessGroup group = new ProcessGroup("ergometer.slice/build", Map.of(v2, "/ergometer.slice/build",
                v1, "/ergometer.slice/build"), true, Map.of(), Map.of(42L, "process 42 does not exist (it ended)"));
        String groupJson = GroupsProtocol.write(new JsonWriter(false), group, true, "root").toString();
        ProcessGroup back = GroupsProtocol.processGroup(dev.ergometer.json.JsonReader.parse(groupJson));

        assertThat(back).isEqualTo(group);
        assertThat(groupJson).contains("\"owner\":\"root\"").contains("\"created_here\":true");
    }
}
