package dev.ergometer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.agent.GroupPermissions.Peer;
import dev.ergometer.groups.CgroupFs;
import dev.ergometer.groups.CgroupHierarchy;
import dev.ergometer.groups.GroupsProtocol;
import dev.ergometer.groups.ProcessGroups;
import dev.ergometer.json.JsonReader;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.EnergySources;
import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The socket's permission rules, with the client's identity injected (as {@code SO_PEERCRED} would report it) and
 * the ownership of processes read from a procfs in a temp folder whose {@code PID} folders are chowned to the users
 * under test, while the groups themselves are real cgroups of real processes. Needs root (to chown and to create
 * cgroups); without it every test fails saying so. GroupsSocketAsNobodyTest checks the same rules with a real
 * client running as nobody.
 */
class GroupsServiceRulesTest {

    private static final long ABSENT_PID = 999_999_999L;

    @TempDir
    Path dir;

    private final SystemPaths paths = SystemPaths.real();
    private final String suffix = Long.toString(ProcessHandle.current().pid());
    private final List<Process> children = new ArrayList<>();
    private EnergySource source;
    private Sampler sampler;
    private GroupsService service;
    private Path fakeProc;
    private Peer root;
    private Peer nobody;
    private Peer daemon;

    @BeforeEach
    void serviceOverRealCgroupsWithInjectedOwners() throws Exception {
        int uid = (int) Files.getAttribute(paths.proc("self"), "unix:uid");
        assertThat(uid).as("these tests chown files and create real cgroups: run the build as root, for example"
                + " sudo ./mvnw test; running as uid %d", uid).isZero();
        source = EnergySources.openBest(paths, Ticker.system()).source();
        sampler = new Sampler(source, Ticker.system(), 250_000_000L);
        fakeProc = Files.createDirectories(dir.resolve("proc"));
        service = new GroupsService(ProcessGroups.openLocal(paths, sampler, 250_000_000L),
                new GroupPermissions(paths.withProcfs(fakeProc)));
        root = Peer.of(1, user("root"));
        nobody = Peer.of(2, user("nobody"));
        daemon = Peer.of(3, user("daemon"));
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (service != null) {
            service.close();
        }
        if (sampler != null) {
            sampler.close();
        }
        if (source != null) {
            source.close();
        }
        for (Process child : children) {
            child.destroyForcibly();
            child.waitFor();
        }
    }

    @Test
    void rootIsRecognisedByUidAndOthersAreNot() {
        assertThat(root.root()).isTrue();
        assertThat(nobody.root()).isFalse();
        assertThat(daemon.root()).isFalse();
    }

    @Test
    void aMemberMayGroupItsOwnProcessesAndOwnsTheGroup() throws Exception {
        long pid = processOwnedBy("nobody");

        Map<String, Object> reply = ask(nobody, create("own", pid));

        assertThat(reply).containsEntry("ok", true);
        Map<String, Object> group = GroupsProtocol.object(reply.get("group"), "group");
        assertThat(group).containsEntry("name", CgroupFs.SLICE + "/test-own-" + suffix)
                .containsEntry("created_here", true).containsEntry("owner", "nobody");
        assertThat(CgroupFs.discover(paths).membership(pid).cgroupPaths().values())
                .contains("/" + CgroupFs.SLICE + "/test-own-" + suffix);
    }

    @Test
    void aMemberMayNotGroupAnotherUsersProcess() throws Exception {
        long mine = processOwnedBy("nobody");
        long roots = processOwnedBy("root");

        Map<String, Object> reply = ask(nobody, create("foreign", mine, roots));

        assertThat(reply).containsEntry("ok", false).containsEntry("kind", GroupsProtocol.REFUSED);
        assertThat((String) reply.get("error"))
                .startsWith("cannot create process group ergometer.slice/test-foreign-" + suffix + " for user nobody")
                .contains("process " + roots + " belongs to user root, not to nobody")
                .contains("may group only processes of their own user")
                .contains("Fix: pass only your own processes");
        assertThat(list()).doesNotContain("test-foreign-" + suffix);
        assertThat(ask(root, create("foreign", mine, roots))).as("root may group anyone's")
                .containsEntry("ok", true);
    }

    @Test
    void aMemberMayMoveThisOnlyForItsOwnProcess() throws Exception {
        long roots = processOwnedBy("root");

        Map<String, Object> reply = ask(nobody, "{\"op\":\"group\",\"path\":\"this\",\"pid\":" + roots + "}");

        assertThat(reply).containsEntry("kind", GroupsProtocol.REFUSED);
        assertThat((String) reply.get("error")).startsWith("cannot make the group this-" + roots)
                .contains("belongs to user root, not to nobody");
        for (CgroupHierarchy h : CgroupFs.discover(paths).used()) {
            assertThat(h.directory(h.cgroupPath(CgroupFs.SLICE + "/this-" + roots))).doesNotExist();
        }
    }

    @Test
    void aProcessThatDoesNotExistIsRefusedToNonRoot() throws Exception {
        Map<String, Object> reply = ask(nobody, create("gone", ABSENT_PID));

        assertThat(reply).containsEntry("kind", GroupsProtocol.REFUSED);
        assertThat((String) reply.get("error")).contains("process " + ABSENT_PID + " does not exist")
                .contains("Fix: pass the pids of running processes");
    }

    @Test
    void onlyTheCreatorsUserOrRootMayRemoveAGroup() throws Exception {
        long pid = processOwnedBy("nobody");
        String name = CgroupFs.SLICE + "/test-shared-" + suffix;
        assertThat(ask(nobody, create("shared", pid))).containsEntry("ok", true);
        assertThat(ask(daemon, "{\"op\":\"group\",\"path\":\"" + name + "\"}")).as("anyone may follow it")
                .containsEntry("ok", true);

        Map<String, Object> refused = ask(daemon, remove(name));

        assertThat(refused).containsEntry("kind", GroupsProtocol.REFUSED);
        assertThat((String) refused.get("error")).startsWith("cannot remove process group " + name)
                .contains("created through erg agent by user nobody, not by daemon")
                .contains("only the user who created a group (or root) may remove it")
                .contains("Fix: ask nobody or root to remove it");
        assertThat(list()).contains(name);
        assertThat(ask(daemon, "{\"op\":\"forget\",\"name\":\"" + name + "\"}")).as("forgetting is always allowed")
                .containsEntry("ok", true).containsEntry("removed", false);
        assertThat(list()).contains(name);

        assertThat(ask(root, remove(name))).containsEntry("ok", true).containsEntry("removed", true);
        assertThat(list()).doesNotContain(name);
        for (CgroupHierarchy h : CgroupFs.discover(paths).used()) {
            assertThat(h.directory(h.cgroupPath(name))).doesNotExist();
        }
    }

    @Test
    void aConnectionThatEndsLosesItsGroupsButNotOthers() throws Exception {
        long pid = processOwnedBy("nobody");
        long other = processOwnedBy("daemon");
        assertThat(ask(nobody, create("leaving", pid))).containsEntry("ok", true);
        assertThat(ask(daemon, create("staying", other))).containsEntry("ok", true);

        service.disconnected(nobody);

        assertThat(list()).doesNotContain("test-leaving-" + suffix).contains("test-staying-" + suffix);
        assertThat(ask(daemon, "{\"op\":\"consumption\",\"name\":\"" + CgroupFs.SLICE + "/test-staying-" + suffix
                + "\"}")).containsEntry("ok", true).containsKeys("consumption", "cpu_ns");
    }

    @Test
    void badRequestsAreAnsweredNotDropped() {
        assertThat(ask(nobody, "not json")).containsEntry("kind", GroupsProtocol.ARGUMENT)
                .hasEntrySatisfying("error", e -> assertThat((String) e).startsWith("malformed request"));
        assertThat(ask(nobody, "{\"op\":\"explode\"}")).containsEntry("kind", GroupsProtocol.ARGUMENT)
                .hasEntrySatisfying("error", e -> assertThat((String) e).contains("unknown op 'explode'"));
        assertThat(ask(nobody, "{\"op\":\"create\",\"name\":\"../x\",\"pids\":[]}"))
                .containsEntry("kind", GroupsProtocol.ARGUMENT)
                .hasEntrySatisfying("error", e -> assertThat((String) e).contains("invalid group name"));
        assertThat(ask(nobody, "{\"op\":\"consumption\",\"name\":\"nowhere\"}"))
                .containsEntry("kind", GroupsProtocol.STATE)
                .hasEntrySatisfying("error", e -> assertThat((String) e).contains("not followed by the agent"));
    }

    private Map<String, Object> ask(Peer peer, String request) {
        return JsonReader.object(service.handle(peer, request));
    }

    private String create(String name, long... pids) {
        StringBuilder list = new StringBuilder();
        for (long pid : pids) {
            list.append(list.isEmpty() ? "" : ",").append(pid);
        }
        return "{\"op\":\"create\",\"name\":\"test-" + name + "-" + suffix + "\",\"pids\":[" + list + "]}";
    }

    private static String remove(String name) {
        return "{\"op\":\"remove\",\"name\":\"" + name + "\"}";
    }

    private String list() {
        return String.valueOf(ask(root, "{\"op\":\"list\"}").get("groups"));
    }

    /** A real running process, shown as owned by {@code user} in the rules' procfs. */
    private long processOwnedBy(String user) throws IOException {
        Process child = new ProcessBuilder("sleep", "60").start();
        children.add(child);
        Path entry = Files.createDirectories(fakeProc.resolve(Long.toString(child.pid())));
        Files.setOwner(entry, user(user));
        return child.pid();
    }

    private static UserPrincipal user(String name) throws IOException {
        return FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(name);
    }
}
