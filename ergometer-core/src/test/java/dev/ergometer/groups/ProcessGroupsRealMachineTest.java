package dev.ergometer.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySources;
import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The process-group API on this machine's real cgroups, with the best energy source there is (the model where there
 * is no RAPL: its energy follows /proc/stat, so the shares still follow CPU time). Needs root (CI runs as root);
 * without it every test fails saying so, rather than being skipped.
 */
class ProcessGroupsRealMachineTest {

    private static final long INTERVAL_NANOS = 250_000_000L;
    private static final String FULL_LOAD = "while :; do :; done";
    private static final String HALF_LOAD =
            "while :; do i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; sleep 0.05; done";

    private final SystemPaths paths = SystemPaths.real();
    private final List<Process> children = new ArrayList<>();
    private final String suffix = Long.toString(ProcessHandle.current().pid());

    @BeforeEach
    void runsAsRoot() throws IOException {
        int uid = (int) Files.getAttribute(paths.proc("self"), "unix:uid");
        assertThat(uid).as("these tests create real cgroups and must run as root (CI does): run the build as root,"
                + " for example sudo ./mvnw test; running as uid %d", uid).isZero();
    }

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Process child : children) {
            child.destroyForcibly();
            child.waitFor();
        }
    }

    private ProcessGroups open(long intervalNanos) throws Exception {
        return ProcessGroups.open(paths, EnergySources.all(), Ticker.system(), intervalNanos);
    }

    @Test
    void twoLoadsGetEnergyInTheRatioOfTheirCpuTimeAndTheMachineIsConserved() throws Exception {
        CgroupFs cgroups = CgroupFs.discover(paths);
        boolean sliceExisted = sliceExists(cgroups);
        Process full = child(FULL_LOAD);
        Process half = child(HALF_LOAD);
        List<ProcessGroup> created = new ArrayList<>();
        try (ProcessGroups api = open(INTERVAL_NANOS)) {
            MeteredGroup fullGroup = api.createGroup("test-full-" + suffix, full.pid());
            MeteredGroup halfGroup = api.createGroup("test-half-" + suffix, half.pid());
            created.add(fullGroup.cgroup());
            created.add(halfGroup.cgroup());
            Consumption fullBefore = fullGroup.consumption();
            Consumption halfBefore = halfGroup.consumption();
            long fullCpuBefore = fullGroup.cpuNanos();
            long halfCpuBefore = halfGroup.cpuNanos();

            Thread.sleep(2_000);

            Consumption fullUsed = fullGroup.consumption().minus(fullBefore);
            Consumption halfUsed = halfGroup.consumption().minus(halfBefore);
            long fullCpu = fullGroup.cpuNanos() - fullCpuBefore;
            long halfCpu = halfGroup.cpuNanos() - halfCpuBefore;
            ProcessGroups.Balance balance = api.balance();

            assertThat(fullCpu).as("CPU time of the full load").isGreaterThan(200_000_000L);
            assertThat(halfCpu).as("CPU time of the half load").isGreaterThan(50_000_000L);
            double cpuRatio = (double) halfCpu / fullCpu;
            double energyRatio = (double) halfUsed.cpuMicrojoules() / fullUsed.cpuMicrojoules();
            System.out.printf("half/full: CPU time %.3f (%d / %d ns), energy %.3f (%s / %s) on %s%n", cpuRatio,
                    halfCpu, fullCpu, energyRatio, halfUsed, fullUsed, api.source().name());
            assertThat(energyRatio).as("energy ratio against the CPU-time ratio %.3f", cpuRatio)
                    .isCloseTo(cpuRatio, within(cpuRatio * 0.05));
            assertThat(fullUsed.estimated()).isEqualTo(api.source().estimated());

            Consumption sum = balance.idle().plus(balance.unattributed());
            for (Consumption group : balance.groups().values()) {
                sum = sum.plus(group);
            }
            assertThat(balance.groups()).hasSize(2);
            assertThat(sum.cpuMicrojoules()).isEqualTo(balance.machine().cpuMicrojoules());
            assertThat(sum.ramMicrojoules()).isEqualTo(balance.machine().ramMicrojoules());
            assertThat(sum.gpuMicrojoules()).isEqualTo(balance.machine().gpuMicrojoules());
            assertThat(balance.machine().cpuMicrojoules()).isPositive();
        }
        assertNothingLeft(cgroups, created, sliceExisted);
        assertThat(full.isAlive()).as("close() moves processes back, it does not kill them").isTrue();
        assertThat(cgroups.membership(full.pid()).cgroupPaths().values()).doesNotContain(
                "/" + CgroupFs.SLICE + "/test-full-" + suffix);
    }

    @Test
    void aProcessThatExitsMidIntervalKeepsItsEnergy() throws Exception {
        CgroupFs cgroups = CgroupFs.discover(paths);
        boolean sliceExisted = sliceExists(cgroups);
        Process busy = child(FULL_LOAD);
        List<ProcessGroup> created = new ArrayList<>();
        // one long interval: the exit falls inside it, and only the queries below end intervals
        try (ProcessGroups api = open(60_000_000_000L)) {
            MeteredGroup group = api.createGroup("test-exit-" + suffix, busy.pid());
            created.add(group.cgroup());
            Consumption before = group.consumption();

            Thread.sleep(600);
            busy.destroyForcibly();
            busy.waitFor();
            Thread.sleep(400);

            Consumption afterExit = group.consumption();
            long cpuNanos = group.cpuNanos();
            Thread.sleep(300);
            Consumption later = group.consumption();

            assertThat(cpuNanos).as("the ended process's CPU time stays in its cgroup").isGreaterThan(100_000_000L);
            assertThat(afterExit.minus(before).cpuMicrojoules())
                    .as("the interval the process ended in gives it its share").isPositive();
            assertThat(later.cpuMicrojoules()).as("and it keeps it").isEqualTo(afterExit.cpuMicrojoules());
        }
        assertNothingLeft(cgroups, created, sliceExisted);
    }

    @Test
    void thisIsAGroupHoldingTheJvmWhichCloseMovesBack() throws Exception {
        CgroupFs cgroups = CgroupFs.discover(paths);
        boolean sliceExisted = sliceExists(cgroups);
        long pid = ProcessHandle.current().pid();
        CgroupMembership origin = cgroups.membership(pid);
        List<ProcessGroup> created = new ArrayList<>();
        try (ProcessGroups api = open(INTERVAL_NANOS)) {
            MeteredGroup self = api.group("this");
            created.add(self.cgroup());
            assertThat(self.createdHere()).isTrue();
            assertThat(api.group("this")).isSameAs(self);
            assertThat(cgroups.membership(pid).cgroupPaths().values())
                    .contains("/" + CgroupFs.SLICE + "/this-" + pid);
            Consumption machineBefore = api.machine();
            Consumption before = self.consumption();

            long sum = 0;
            for (long i = 0; i < 400_000_000L; i++) {
                sum += i ^ (sum >>> 3);
            }
            assertThat(sum).isNotZero();

            Consumption used = self.consumption().minus(before);
            Consumption machineUsed = api.machine().minus(machineBefore);
            assertThat(used.cpuMicrojoules()).isPositive();
            assertThat(used.percentOf(machineUsed).cpuPercent()).isBetween(0.0, 100.0);
        }
        assertThat(cgroups.membership(pid).cgroupPaths()).isEqualTo(origin.cgroupPaths());
        assertNothingLeft(cgroups, created, sliceExisted);
    }

    @Test
    void closeRemovesOnlyTheGroupsItCreated() throws Exception {
        CgroupFs cgroups = CgroupFs.discover(paths);
        Process busy = child(FULL_LOAD);
        ProcessGroup existing = cgroups.create("test-existing-" + suffix, List.of(busy.pid()));
        try {
            ProcessGroup mine;
            try (ProcessGroups api = open(INTERVAL_NANOS)) {
                MeteredGroup found = api.group(existing.name());
                mine = api.createGroup("test-mine-" + suffix).cgroup();
                assertThat(found.createdHere()).isFalse();
                Thread.sleep(300);
                assertThat(found.cpuNanos()).isPositive();
            }
            assertThat(cgroups.used()).allSatisfy(h -> {
                assertThat(h.directory(h.cgroupPath(existing.name()))).isDirectory();
                assertThat(h.directory(h.cgroupPath(mine.name()))).doesNotExist();
            });
        } finally {
            cgroups.remove(existing);
        }
    }

    @Test
    void removeStopsFollowingAGroupAndKeepsItsEnergyInRemoved() throws Exception {
        CgroupFs cgroups = CgroupFs.discover(paths);
        Process busy = child(FULL_LOAD);
        try (ProcessGroups api = open(INTERVAL_NANOS)) {
            MeteredGroup group = api.createGroup("test-removed-" + suffix, busy.pid());
            Thread.sleep(600);
            Consumption given = group.consumption();

            api.remove(group);
            ProcessGroups.Balance balance = api.balance();

            assertThat(api.groups()).isEmpty();
            assertThat(balance.groups()).isEmpty();
            assertThat(balance.removed().cpuMicrojoules()).isGreaterThanOrEqualTo(given.cpuMicrojoules()).isPositive();
            assertThat(balance.parts()).isEqualTo(balance.machine());
            assertThat(cgroups.used()).allSatisfy(h ->
                    assertThat(h.directory(h.cgroupPath(group.name()))).doesNotExist());
            assertThat(busy.isAlive()).isTrue();
            org.assertj.core.api.Assertions.assertThatThrownBy(group::consumption)
                    .isInstanceOf(IllegalStateException.class).hasMessageContaining("no longer followed");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> api.remove(group))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not followed");
        }
    }

    private Process child(String script) throws IOException {
        Process child = new ProcessBuilder("sh", "-c", script).start();
        children.add(child);
        return child;
    }

    private static boolean sliceExists(CgroupFs cgroups) {
        return cgroups.discovered().stream().anyMatch(h -> Files.exists(h.directory(h.cgroupPath(CgroupFs.SLICE))));
    }

    /** No group made, in any hierarchy mounted (not only those used), and no slice unless one was there before. */
    private static void assertNothingLeft(CgroupFs cgroups, List<ProcessGroup> created, boolean sliceExisted) {
        for (CgroupHierarchy h : cgroups.discovered()) {
            for (ProcessGroup group : created) {
                Path directory = h.directory(h.cgroupPath(group.name()));
                assertThat(directory).as("left behind in %s", h.label()).doesNotExist();
            }
            if (!sliceExisted) {
                assertThat(h.directory(h.cgroupPath(CgroupFs.SLICE))).as("slice left in %s", h.label())
                        .doesNotExist();
            }
        }
    }
}
