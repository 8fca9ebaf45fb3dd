package dev.ergometer.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Creates, fills, reads and removes real cgroups on this machine. Needs root (CI runs as root); without it every test
 * fails saying so, rather than being skipped.
 */
class CgroupFsRealMachineTest {

    private static final long NANOS_PER_TICK = 10_000_000L; // CLK_TCK 100 (checked by clockTicksAreHundredPerSecond)

    private final SystemPaths paths = SystemPaths.real();
    private final List<Process> children = new ArrayList<>();

    @BeforeEach
    void runsAsRoot() throws IOException {
        int uid = (int) Files.getAttribute(paths.proc("self"), "unix:uid");
        assertThat(uid).as("these tests create real cgroups and must run as root (CI does): run the build as root,"
                + " for example sudo ./mvnw test; running as uid %d", uid).isZero();
    }

    @Test
    void twoBusyProcessesInTwoCreatedGroupsEachGetTheirOwnCpuTimeAndNothingIsLeftBehind() throws Exception {
        CgroupFs cgroups = CgroupFs.discover(paths);
        boolean sliceExisted = cgroups.used().stream()
                .anyMatch(h -> Files.exists(h.directory(h.cgroupPath(CgroupFs.SLICE))));
        Process first = busyChild();
        Process second = busyChild();
        CgroupMembership firstOrigin = cgroups.membership(first.pid());
        String suffix = Long.toString(ProcessHandle.current().pid());
        List<ProcessGroup> groups = new ArrayList<>();
        try {
            groups.add(cgroups.create("test-a-" + suffix, List.of(first.pid())));
            groups.add(cgroups.create("test-b-" + suffix, List.of(second.pid())));
            assertThat(groups).allSatisfy(g -> assertThat(g.skippedPids()).isEmpty());
            assertThat(groups.getFirst().cgroupPaths()).hasSize(cgroups.used().size());
            assertThat(cgroups.membership(first.pid()).cgroupPaths())
                    .containsValue("/" + CgroupFs.SLICE + "/test-a-" + suffix);

            long[] groupBefore = {cgroups.cpuNanos(groups.get(0)), cgroups.cpuNanos(groups.get(1))};
            long[] processBefore = {processCpuNanos(first.pid()), processCpuNanos(second.pid())};
            Thread.sleep(1_200);
            long[] groupAfter = {cgroups.cpuNanos(groups.get(0)), cgroups.cpuNanos(groups.get(1))};
            long[] processAfter = {processCpuNanos(first.pid()), processCpuNanos(second.pid())};

            for (int i = 0; i < 2; i++) {
                long groupNanos = groupAfter[i] - groupBefore[i];
                long processNanos = processAfter[i] - processBefore[i];
                assertThat(groupNanos).as("CPU time of group %d (the machine may be busy: only some CPU is asked for)", i).isGreaterThan(50_000_000L);
                assertThat((double) groupNanos).as("group %d against its process's /proc/PID/stat", i)
                        .isCloseTo(processNanos, within(processNanos * 0.10 + 2 * NANOS_PER_TICK));
            }

            cgroups.remove(groups.get(0));
            assertThat(cgroups.membership(first.pid()).cgroupPaths())
                    .as("removing a group moves its processes back where they came from")
                    .isEqualTo(firstOrigin.cgroupPaths());
        } finally {
            for (Process child : children) {
                child.destroyForcibly();
                child.waitFor();
            }
            for (ProcessGroup group : groups) {
                if (cgroups.used().stream().anyMatch(h -> Files.exists(directory(h, group)))) {
                    cgroups.remove(group);
                }
            }
        }
        for (ProcessGroup group : groups) {
            assertThat(cgroups.used()).allSatisfy(h -> assertThat(directory(h, group)).doesNotExist());
        }
        if (!sliceExisted) {
            assertThat(cgroups.used()).allSatisfy(h ->
                    assertThat(h.directory(h.cgroupPath(CgroupFs.SLICE))).doesNotExist());
        }
    }

    @Test
    void aGroupOfOnlyEndedProcessesIsRolledBackAndNamesThePid() throws Exception {
        CgroupFs cgroups = CgroupFs.discover(paths);
        Process child = busyChild();
        child.destroyForcibly();
        child.waitFor();
        String name = "test-gone-" + ProcessHandle.current().pid();

        assertThatThrownBy(() -> cgroups.create(name, List.of(child.pid())))
                .isInstanceOf(CgroupException.class)
                .hasMessageContaining("process " + child.pid() + " does not exist")
                .hasMessageContaining("pass the pids of running processes");
        assertThat(cgroups.used()).allSatisfy(h ->
                assertThat(h.directory(h.cgroupPath(CgroupFs.SLICE + "/" + name))).doesNotExist());
    }

    @Test
    void anEndedProcessNextToALiveOneIsListedAsSkipped() throws Exception {
        CgroupFs cgroups = CgroupFs.discover(paths);
        Process gone = busyChild();
        gone.destroyForcibly();
        gone.waitFor();
        Process alive = busyChild();
        ProcessGroup group = null;
        try {
            group = cgroups.create("test-mixed-" + ProcessHandle.current().pid(), List.of(gone.pid(), alive.pid()));

            assertThat(group.skippedPids()).containsOnlyKeys(gone.pid());
            assertThat(group.origins()).containsOnlyKeys(alive.pid());
        } finally {
            alive.destroyForcibly();
            alive.waitFor();
            if (group != null) {
                cgroups.remove(group);
            }
        }
        ProcessGroup created = group;
        assertThat(cgroups.used()).allSatisfy(h -> assertThat(directory(h, created)).doesNotExist());
    }

    @Test
    void theCurrentProcessHasAGroupWhoseCpuTimeGrows() throws Exception {
        CgroupFs cgroups = CgroupFs.discover(paths);
        ProcessGroup self = cgroups.thisProcess();

        long before = cgroups.cpuNanos(self);
        long sum = 0;
        for (long i = 0; i < 200_000_000L; i++) {
            sum += i ^ (sum >>> 3);
        }
        assertThat(sum).isNotZero();
        assertThat(cgroups.cpuNanos(self)).isGreaterThan(before);
    }

    @Test
    void clockTicksAreHundredPerSecond() throws Exception {
        Process getconf = new ProcessBuilder("getconf", "CLK_TCK").start();
        assertThat(new String(getconf.getInputStream().readAllBytes()).strip()).isEqualTo("100");
    }

    private Process busyChild() throws IOException {
        Process child = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        children.add(child);
        return child;
    }

    private long processCpuNanos(long pid) throws IOException {
        String stat = Files.readString(paths.proc(pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        // fields[0] is field 3 (state): utime and stime are fields 14 and 15
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * NANOS_PER_TICK;
    }

    private static Path directory(CgroupHierarchy h, ProcessGroup group) {
        return h.directory(h.cgroupPath(group.name()));
    }
}
