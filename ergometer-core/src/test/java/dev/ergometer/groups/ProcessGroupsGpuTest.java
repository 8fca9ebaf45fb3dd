package dev.ergometer.groups;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ergometer.sampler.Sampler;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.nvml.NvmlSource;
import dev.ergometer.testkit.StubNvml;
import dev.ergometer.testkit.StubNvml.Device;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Process groups on the real cgroup tree with a GPU read through the stub NVML: the GPU's energy goes to the groups
 * by their processes' SM utilisation, never by CPU time, and stays unattributed when the GPU cannot tell its
 * processes. Needs root (real cgroups), as CI runs.
 */
class ProcessGroupsGpuTest {

    private static final long INTERVAL_NANOS = 100_000_000L;

    @TempDir
    Path dir;

    private final List<Process> children = new ArrayList<>();
    private final String suffix = Long.toString(ProcessHandle.current().pid());

    @BeforeEach
    void runsAsRoot() throws IOException {
        int uid = (int) Files.getAttribute(SystemPaths.real().proc("self"), "unix:uid");
        assertThat(uid).as("these tests create real cgroups and must run as root (CI does); running as uid %d", uid)
                .isZero();
    }

    @AfterEach
    void stopChildren() throws InterruptedException {
        for (Process child : children) {
            child.destroyForcibly();
            child.waitFor();
        }
    }

    private Process sleeper() throws IOException {
        Process child = new ProcessBuilder("sleep", "60").start();
        children.add(child);
        return child;
    }

    private static void assertConserved(ProcessGroups.Balance balance) {
        long sum = balance.idle().gpuMicrojoules() + balance.unattributed().gpuMicrojoules()
                + balance.removed().gpuMicrojoules();
        for (Consumption group : balance.groups().values()) {
            sum += group.gpuMicrojoules();
        }
        assertThat(sum).isEqualTo(balance.machine().gpuMicrojoules());
    }

    @Test
    void gpuEnergyGoesToTheGroupsByTheirProcessesUtilisation() throws Exception {
        Path nvml = StubNvml.withDevices(dir, Device.named("NVIDIA A100-SXM4-40GB", "GPU-0", "00000000:3B:00.0")
                .powerRamp(100_000, 0).utilizationSample(1_000, 0));
        SystemPaths paths = SystemPaths.real().withNvmlLibrary(nvml);
        Process light = sleeper();
        Process heavy = sleeper();
        try (EnergySource source = NvmlSource.FACTORY.open(paths, Ticker.system());
             Sampler sampler = new Sampler(source, Ticker.system(), INTERVAL_NANOS).start();
             ProcessGroups api = ProcessGroups.openLocal(paths, sampler, INTERVAL_NANOS)) {
            MeteredGroup lightGroup = api.createGroup("test-gpu-light-" + suffix, light.pid());
            MeteredGroup heavyGroup = api.createGroup("test-gpu-heavy-" + suffix, heavy.pid());
            Thread.sleep(300);
            StubNvml.addUtilizationSample(nvml, 0, 10_000, 80);
            StubNvml.addProcessSample(nvml, 0, (int) light.pid(), 10_000, 20);
            StubNvml.addProcessSample(nvml, 0, (int) heavy.pid(), 10_000, 60);
            Thread.sleep(500);

            long lightMicrojoules = lightGroup.consumption().gpuMicrojoules();
            long heavyMicrojoules = heavyGroup.consumption().gpuMicrojoules();
            assertThat(lightMicrojoules).as("light's GPU energy").isPositive();
            assertThat((double) heavyMicrojoules / lightMicrojoules).as("60 %% against 20 %% of the SMs")
                    .isCloseTo(3.0, within(0.01));
            assertThat(lightGroup.consumption().cpuMicrojoules()).isZero();
            ProcessGroups.Balance balance = api.balance();
            assertThat(balance.idle().gpuMicrojoules()).as("intervals without samples are idle").isPositive();
            assertConserved(balance);
        }
    }

    @Test
    void aGpuThatCannotTellItsProcessesLeavesItsEnergyUnattributed() throws Exception {
        Path nvml = StubNvml.withDevices(dir, Device.named("NVIDIA GeForce RTX 3090", "GPU-0", "00000000:01:00.0")
                .powerRamp(100_000, 0).processUtilizationError("NOT_SUPPORTED"));
        SystemPaths paths = SystemPaths.real().withNvmlLibrary(nvml);
        Process busy = new ProcessBuilder("sh", "-c", "while :; do :; done").start();
        children.add(busy);
        try (EnergySource source = NvmlSource.FACTORY.open(paths, Ticker.system());
             Sampler sampler = new Sampler(source, Ticker.system(), INTERVAL_NANOS).start();
             ProcessGroups api = ProcessGroups.openLocal(paths, sampler, INTERVAL_NANOS)) {
            MeteredGroup group = api.createGroup("test-gpu-busy-" + suffix, busy.pid());
            Thread.sleep(500);

            assertThat(group.cpuNanos()).as("the group did use CPU time").isPositive();
            assertThat(group.consumption().gpuMicrojoules()).as("not shared by CPU time").isZero();
            ProcessGroups.Balance balance = api.balance();
            assertThat(balance.unattributed().gpuMicrojoules()).isPositive();
            assertConserved(balance);
        }
    }
}
