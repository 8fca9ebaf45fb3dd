package dev.ergometer.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.source.SystemPaths;
import dev.ergometer.testkit.FakeCgroupTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CgroupFsFakeTreeTest {

    @TempDir
    Path temp;

    private SystemPaths paths() {
        return new SystemPaths(temp.resolve("sys"), temp.resolve("proc"), temp.resolve("dev"));
    }

    @Test
    void hybridMachineUsesUnifiedCpuacctAndCpuHierarchiesButNotMemory() throws Exception {
        FakeCgroupTree.hybrid(temp.resolve("sys"), temp.resolve("proc"));

        CgroupFs cgroups = CgroupFs.discover(paths());

        assertThat(cgroups.layout()).isEqualTo(CgroupFs.Layout.HYBRID);
        assertThat(cgroups.discovered()).hasSize(4);
        assertThat(cgroups.used()).extracting(CgroupHierarchy::mountPoint).containsExactly(
                temp.resolve("sys/fs/cgroup/unified"), temp.resolve("sys/fs/cgroup/cpuacct"),
                temp.resolve("sys/fs/cgroup/cpu"));
    }

    @Test
    void legacyMachineWithCoMountedCpuAndCpuacctUsesThatOneHierarchy() throws Exception {
        FakeCgroupTree.legacy(temp.resolve("sys"), temp.resolve("proc"));

        CgroupFs cgroups = CgroupFs.discover(paths());

        assertThat(cgroups.layout()).isEqualTo(CgroupFs.Layout.LEGACY);
        assertThat(cgroups.used()).singleElement().satisfies(h -> {
            assertThat(h.controllers()).isEqualTo(Set.of("cpu", "cpuacct"));
            assertThat(h.mountPoint()).isEqualTo(temp.resolve("sys/fs/cgroup/cpu,cpuacct"));
        });
    }

    @Test
    void unifiedMachineUsesTheCgroup2RootAtSysFsCgroup() throws Exception {
        FakeCgroupTree.unified(temp.resolve("sys"), temp.resolve("proc"), "cpu io memory");

        CgroupFs cgroups = CgroupFs.discover(paths());

        assertThat(cgroups.layout()).isEqualTo(CgroupFs.Layout.UNIFIED);
        assertThat(cgroups.used()).singleElement().satisfies(h -> {
            assertThat(h.unified()).isTrue();
            assertThat(h.mountPoint()).isEqualTo(temp.resolve("sys/fs/cgroup"));
        });
    }

    @Test
    void mountPointsUnderSysAreRootedAtSysfsAndOthersAreTakenAsTheyAre() {
        String mountinfo = """
                41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
                42 31 0:39 /docker/abc /cgroup/my\\040cpu rw,relatime - cgroup cgroup rw,cpu,cpuacct,noprefix
                43 31 0:40 / /sys/fs/cgroup/systemd ro,relatime - cgroup cgroup rw,xattr,name=systemd
                """;

        List<CgroupHierarchy> hierarchies = CgroupMounts.parse(mountinfo, paths());

        assertThat(hierarchies).hasSize(3);
        assertThat(hierarchies.get(0).mountPoint()).isEqualTo(temp.resolve("sys/fs/cgroup/unified"));
        assertThat(hierarchies.get(1).mountPoint()).isEqualTo(Path.of("/cgroup/my cpu"));
        assertThat(hierarchies.get(1).controllers()).isEqualTo(Set.of("cpu", "cpuacct"));
        assertThat(hierarchies.get(1).directory("/docker/abc/build")).isEqualTo(Path.of("/cgroup/my cpu/build"));
        assertThat(hierarchies.get(2).controllers()).isEqualTo(Set.of("name=systemd"));
        assertThat(hierarchies.get(2).readOnly()).isTrue();
        assertThatThrownBy(() -> hierarchies.get(1).directory("/kubepods/x"))
                .hasMessageContaining("outside /docker/abc");
    }

    @Test
    void noCgroupMountSaysWhatToMount() throws IOException {
        Files.createDirectories(temp.resolve("proc/self"));
        Files.writeString(temp.resolve("proc/self/mountinfo"),
                "23 1 0:22 / /sys rw,nosuid - sysfs sysfs rw\n");

        assertThatThrownBy(() -> CgroupFs.discover(paths()))
                .isInstanceOf(CgroupException.class)
                .hasMessageContaining("no cgroup2 mount and no cgroup v1 mount with the cpuacct controller")
                .hasMessageContaining("mount -t cgroup2");
    }

    @Test
    void membershipOfAProcessNamesItsCgroupInEachHierarchy() throws Exception {
        FakeCgroupTree.hybrid(temp.resolve("sys"), temp.resolve("proc")).group("app.slice/web")
                .process("42", "/app.slice/web");
        CgroupFs cgroups = CgroupFs.discover(paths());

        CgroupMembership membership = cgroups.membership(42);

        assertThat(membership.cgroupPaths()).hasSize(3).containsValues("/app.slice/web");
        assertThat(cgroups.used()).allSatisfy(h ->
                assertThat(h.directory(membership.cgroupPaths().get(h))).isDirectory());
    }

    @Test
    void membershipOfAProcessThatEndedSaysSo() throws Exception {
        FakeCgroupTree.hybrid(temp.resolve("sys"), temp.resolve("proc"));
        CgroupFs cgroups = CgroupFs.discover(paths());

        assertThatThrownBy(() -> cgroups.membership(777))
                .isInstanceOf(CgroupException.class)
                .hasMessageContaining("process 777 does not exist");
    }

    @Test
    void cpuTimeOfAGroupIsReadFromCgroup2InNanoseconds() throws Exception {
        FakeCgroupTree tree = FakeCgroupTree.hybrid(temp.resolve("sys"), temp.resolve("proc")).group("app.slice/web");
        CgroupFs cgroups = CgroupFs.discover(paths());
        ProcessGroup web = cgroups.find("app.slice/web");
        // v2 and v1 disagree on purpose, to see which one is read
        tree.cpuUsageMicros("app.slice/web", 1_500);
        Files.writeString(tree.directory("fs/cgroup/cpuacct", "app.slice/web").resolve("cpuacct.usage"), "99\n");

        try (CpuUsageCounter counter = cgroups.openCpuUsage(web)) {
            assertThat(counter.cpuNanos()).isEqualTo(1_500_000L);
            tree.cpuUsageMicros("app.slice/web", 2_000);
            assertThat(counter.cpuNanos()).isEqualTo(2_000_000L);
            assertThat(counter.path()).isEqualTo(tree.directory("fs/cgroup/unified", "app.slice/web/cpu.stat"));
        }
    }

    @Test
    void aProcessInTheCgroup2RootIsReadFromV1Cpuacct() throws Exception {
        FakeCgroupTree tree = FakeCgroupTree.hybrid(temp.resolve("sys"), temp.resolve("proc")).process("self", "/");
        Files.writeString(tree.directory("fs/cgroup/cpuacct", "").resolve("cpuacct.usage"), "123456789\n");
        CgroupFs cgroups = CgroupFs.discover(paths());

        assertThat(cgroups.cpuNanos(cgroups.thisProcess())).isEqualTo(123_456_789L);
    }

    @Test
    void legacyGroupIsReadFromCpuacctUsage() throws Exception {
        FakeCgroupTree.legacy(temp.resolve("sys"), temp.resolve("proc")).group("a.slice/b")
                .cpuUsageMicros("a.slice/b", 7);
        CgroupFs cgroups = CgroupFs.discover(paths());

        assertThat(cgroups.cpuNanos(cgroups.find("a.slice/b"))).isEqualTo(7_000L);
    }

    @Test
    void findingAMissingGroupListsTheGroupsThatExist() throws Exception {
        FakeCgroupTree.hybrid(temp.resolve("sys"), temp.resolve("proc")).group("app.slice/web")
                .group("app.slice/db");
        CgroupFs cgroups = CgroupFs.discover(paths());

        assertThatThrownBy(() -> cgroups.find("app.slice/cache"))
                .isInstanceOf(CgroupException.class)
                .hasMessageContaining("no cgroup 'app.slice/cache'")
                .hasMessageContaining("app.slice, app.slice/db, app.slice/web");
    }

    @Test
    void namesWithSlashesDotsOrOddCharactersAreRefused() throws Exception {
        FakeCgroupTree.hybrid(temp.resolve("sys"), temp.resolve("proc"));
        CgroupFs cgroups = CgroupFs.discover(paths());

        for (String bad : List.of("a/b", "..", ".", "", "name with space", "x;rm", "\u00e9t\u00e9")) {
            assertThatThrownBy(() -> cgroups.create(bad, List.of()))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid group name");
        }
        assertThatThrownBy(() -> cgroups.find("app.slice/../etc"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("invalid group path");
        assertThat(new GroupName("build-42_x.y").value()).isEqualTo("build-42_x.y");
    }

    @Test
    void creatingAGroupThatExistsIsRefusedNotAdopted() throws Exception {
        FakeCgroupTree.hybrid(temp.resolve("sys"), temp.resolve("proc")).group("ergometer.slice/build");
        CgroupFs cgroups = CgroupFs.discover(paths());

        assertThatThrownBy(() -> cgroups.create("build", List.of()))
                .isInstanceOf(CgroupException.class)
                .hasMessageContaining("already exists")
                .hasMessageContaining("find(\"ergometer.slice/build\")");
    }

    @Test
    void readOnlyCgroupTreeIsRefusedBeforeAnythingIsCreated() throws Exception {
        FakeCgroupTree.hybrid(temp.resolve("sys"), temp.resolve("proc")).readOnly();
        CgroupFs cgroups = CgroupFs.discover(paths());

        assertThatThrownBy(() -> cgroups.create("build", List.of()))
                .isInstanceOf(CgroupException.class)
                .hasMessageContaining("mounted read-only")
                .hasMessageContaining("container");
        assertThat(temp.resolve("sys/fs/cgroup/unified/ergometer.slice")).doesNotExist();
    }

    @Test
    void cgroup2WithoutCpuStatAndWithoutTheCpuControllerSaysDelegationIsMissingAndLeavesNothing() throws Exception {
        FakeCgroupTree.unified(temp.resolve("sys"), temp.resolve("proc"), "io memory");
        CgroupFs cgroups = CgroupFs.discover(paths());

        // a folder the test makes with mkdir has no cpu.stat, as on kernels before 4.15 without the cpu controller
        assertThatThrownBy(() -> cgroups.create("build", List.of()))
                .isInstanceOf(CgroupException.class)
                .hasMessageContaining("cpu controller is not available")
                .hasMessageContaining("Delegate=yes");
        try (Stream<Path> left = Files.list(temp.resolve("sys/fs/cgroup"))) {
            assertThat(left.filter(Files::isDirectory)).isEmpty();
        }
    }

    @Test
    void removingAGroupErgometerDidNotCreateIsRefused() throws Exception {
        FakeCgroupTree.hybrid(temp.resolve("sys"), temp.resolve("proc")).group("app.slice/web");
        CgroupFs cgroups = CgroupFs.discover(paths());

        assertThatThrownBy(() -> cgroups.remove(cgroups.find("app.slice/web")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not created by Ergometer");
        assertThat(temp.resolve("sys/fs/cgroup/unified/app.slice/web")).isDirectory();
    }
}
