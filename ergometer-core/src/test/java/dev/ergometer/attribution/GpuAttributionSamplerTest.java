package dev.ergometer.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.sampler.Sampler;
import dev.ergometer.source.CompositeSource;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.hwmon.HwmonGpuSource;
import dev.ergometer.source.nvml.NvmlSource;
import dev.ergometer.source.powercap.PowercapSource;
import dev.ergometer.testkit.FakeHwmonTree;
import dev.ergometer.testkit.FakePowercapTree;
import dev.ergometer.testkit.FakeProcfs;
import dev.ergometer.testkit.StubNvml;
import dev.ergometer.testkit.StubNvml.Device;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GpuAttributionSamplerTest {

    private static final String WEB = ContainerNamesTest.WEB;
    private static final String IN_WEB = "/system.slice/docker-" + WEB + ".scope";

    @TempDir
    Path root;
    private FakePowercapTree rapl;
    private FakeProcfs proc;
    private final AtomicLong clock = new AtomicLong();
    private final Consumer light = new Consumer.Process(100, 10, "light");
    private final Consumer heavy = new Consumer.Process(200, 20, "heavy");
    private final Consumer cpuOnly = new Consumer.Process(300, 30, "cpu-only");

    @BeforeEach
    void machine() {
        rapl = FakePowercapTree.oneSocket(root);
        proc = FakeProcfs.machine(root.resolve("proc"), 2);
        proc.process(100, "light", 1, 0, 0, 0, 0, 10, "/user.slice");
        proc.process(200, "heavy", 1, 0, 0, 0, 0, 20, IN_WEB);
        proc.process(300, "cpu-only", 1, 0, 0, 0, 0, 30, "/user.slice");
    }

    private SystemPaths paths(Path nvml) {
        return SystemPaths.real().withSysfs(root).withProcfs(proc.root()).withNvmlLibrary(nvml);
    }

    /** One second passes: the CPUs were busy half the time, cpu-only used all of it; the package used 10 J. */
    private void oneSecond() {
        proc.advance(100, 100);
        proc.process(300, "cpu-only", 1, 100, 0, 0, 0, 30, "/user.slice");
        rapl.setEnergy("intel-rapl:0", 10_000_000);
        rapl.setEnergy("intel-rapl:0:0", 5_000_000);
        clock.addAndGet(1_000_000_000L);
    }

    private EnergySource machineWithGpu(Path nvml) throws Exception {
        return CompositeSource.of(List.of(PowercapSource.open(paths(nvml)),
                NvmlSource.FACTORY.open(paths(nvml), clock::get)));
    }

    private static int gpu(AttributedInterval interval) {
        return interval.domains().indexOf(NvmlSource.domain(0));
    }

    static void assertConserved(AttributedInterval interval) {
        for (int d = 0; d < interval.domains().size(); d++) {
            DomainShare share = interval.share(d);
            long sum = share.idleMicrojoules() + share.unattributedMicrojoules();
            for (Consumer c : interval.consumers()) {
                sum += interval.microjoules(c, d);
            }
            assertThat(sum).isEqualTo(interval.energy().microjoules(d));
        }
    }

    @Test
    void gpuEnergyIsSplitByEachProcesssSmUtilisationNotByCpuTime() throws Exception {
        // counter: 1 000 mJ when opened, at the sampler's first read and at the baseline, 21 000 mJ a second later
        Path nvml = StubNvml.withDevices(root, Device.named("NVIDIA A100-SXM4-40GB", "GPU-0", "00000000:3B:00.0")
                .energySequence(1_000, 1_000, 1_000, 21_000, 26_000)
                .sample(300, 1_000, 100, 0, 0, 0) // before the baseline: not this interval's
                .utilizationSample(1_000, 100));
        try (EnergySource source = machineWithGpu(nvml);
                Sampler sampler = new Sampler(source, clock::get, Sampler.DEFAULT_INTERVAL_NANOS);
                AttributionSampler attribution = AttributionSampler.processes(sampler, paths(nvml),
                        ContainerNames.none())) {
            oneSecond();
            StubNvml.addUtilizationSample(nvml, 0, 2_000, 80);
            StubNvml.addUtilizationSample(nvml, 0, 2_500, 100);
            StubNvml.addProcessSample(nvml, 0, 100, 2_400, 20);
            StubNvml.addProcessSample(nvml, 0, 200, 2_450, 60);
            StubNvml.addProcessSample(nvml, 0, 4242, 2_450, 10); // in another pid namespace: nobody here

            AttributedInterval interval = attribution.tick();

            int gpu = gpu(interval);
            assertThat(interval.splitBasis(gpu)).isEqualTo(AttributedInterval.SplitBasis.GPU_UTILIZATION);
            assertThat(interval.splitBasis(0)).isEqualTo(AttributedInterval.SplitBasis.CPU_TIME);
            DomainShare share = interval.share(gpu);
            assertThat(share.energyMicrojoules()).isEqualTo(20_000_000);
            assertThat(share.idleMicrojoules()).isEqualTo(2_000_000); // busy 90 %
            assertThat(interval.microjoules(light, gpu)).isEqualTo(4_000_000);
            assertThat(interval.microjoules(heavy, gpu)).isEqualTo(12_000_000);
            assertThat(interval.microjoules(cpuOnly, gpu)).isZero(); // all the CPU time, no GPU samples
            assertThat(share.unattributedMicrojoules()).isEqualTo(2_000_000); // pid 4242's 10 %
            assertThat(interval.microjoules(cpuOnly, 0)).isEqualTo(5_000_000); // the package still goes by CPU
            assertThat(interval.microjoulesBy(Consumer.Kind.CONTAINER, gpu))
                    .containsExactly(Map.entry(new Consumer.Container("docker", WEB), 12_000_000L));
            assertThat(interval.warnings()).isEmpty();
            assertConserved(interval);

            oneSecond(); // no new sample: the driver's buffers stay empty while the GPU idles
            AttributedInterval idle = attribution.tick();
            assertThat(idle.share(gpu(idle)).energyMicrojoules()).isEqualTo(5_000_000);
            assertThat(idle.share(gpu(idle)).idleMicrojoules()).isEqualTo(5_000_000);
            assertConserved(idle);
        }
    }

    @Test
    void aGpuThatCannotTellItsProcessesLeavesItsEnergyUnattributedAndSaysWhy() throws Exception {
        Path nvml = StubNvml.withDevices(root, Device.named("NVIDIA GeForce RTX 3090", "GPU-0", "00000000:01:00.0")
                .energySequence(1_000, 1_000, 1_000, 21_000, 31_000).processUtilizationError("NOT_SUPPORTED"));
        try (EnergySource source = machineWithGpu(nvml);
                Sampler sampler = new Sampler(source, clock::get, Sampler.DEFAULT_INTERVAL_NANOS);
                AttributionSampler attribution = AttributionSampler.processes(sampler, paths(nvml),
                        ContainerNames.none())) {
            oneSecond();
            AttributedInterval interval = attribution.tick();
            oneSecond();
            AttributedInterval next = attribution.tick();

            int gpu = gpu(interval);
            DomainShare share = interval.share(gpu);
            assertThat(share.unattributedMicrojoules()).isEqualTo(20_000_000);
            assertThat(share.attributedMicrojoules()).isZero();
            assertThat(interval.microjoules(cpuOnly, 0)).isEqualTo(5_000_000); // CPU domains unaffected
            assertThat(interval.splitBasis(gpu)).isEqualTo(AttributedInterval.SplitBasis.NONE);
            assertThat(interval.warnings()).singleElement().asString()
                    .startsWith("nvidia_gpu_0: energy left unattributed, not shared by CPU time")
                    .contains("nvmlDeviceGetProcessUtilization", "NVML_ERROR_NOT_SUPPORTED", "GeForce");
            assertThat(next.warnings()).isEqualTo(interval.warnings()); // every interval carries it
            assertThat(next.share(gpu).unattributedMicrojoules()).isEqualTo(10_000_000);
            assertThat(attribution.warnings()).isEqualTo(interval.warnings()); // told once
            assertConserved(interval);
        }
    }

    @Test
    void aGpuWithoutNvmlLeavesItsEnergyUnattributedAndSaysWhy() throws Exception {
        FakeHwmonTree.Chip amd = FakeHwmonTree.in(root).gpuChip("amdgpu", "0000:03:00.0", 0)
                .powerAverage(1, 150_000_000);
        SystemPaths paths = SystemPaths.real().withSysfs(root).withProcfs(proc.root());
        try (EnergySource source = CompositeSource.of(List.of(PowercapSource.open(paths),
                        HwmonGpuSource.FACTORY.open(paths, clock::get)));
                Sampler sampler = new Sampler(source, clock::get, Sampler.DEFAULT_INTERVAL_NANOS);
                AttributionSampler attribution = AttributionSampler.processes(sampler, paths,
                        ContainerNames.none())) {
            oneSecond();
            amd.setPowerAverage(1, 150_000_000);

            AttributedInterval interval = attribution.tick();

            int gpu = interval.domains().size() - 1;
            assertThat(interval.domains().get(gpu).id()).isEqualTo("amd_gpu_0");
            DomainShare share = interval.share(gpu);
            assertThat(share.energyMicrojoules()).isPositive();
            assertThat(share.unattributedMicrojoules()).isEqualTo(share.energyMicrojoules());
            assertThat(interval.microjoules(cpuOnly, gpu)).isZero();
            assertThat(interval.warnings()).singleElement().asString()
                    .contains("amd_gpu_0: energy left unattributed", "gpu-hwmon", "NVML");
            assertConserved(interval);
        }
    }

    @Test
    void withoutTheDevicesUtilisationTheIdlePartComesFromItsProcesses() throws Exception {
        Path nvml = StubNvml.withDevices(root, Device.named("NVIDIA T4", "GPU-0", "00000000:3B:00.0")
                .energySequence(1_000, 1_000, 1_000, 11_000).utilizationError("NOT_SUPPORTED"));
        try (EnergySource source = machineWithGpu(nvml);
                Sampler sampler = new Sampler(source, clock::get, Sampler.DEFAULT_INTERVAL_NANOS);
                AttributionSampler attribution = AttributionSampler.processes(sampler, paths(nvml),
                        ContainerNames.none())) {
            oneSecond();
            StubNvml.addProcessSample(nvml, 0, 100, 5_000, 30);
            StubNvml.addProcessSample(nvml, 0, 200, 5_000, 20);

            AttributedInterval interval = attribution.tick();

            int gpu = gpu(interval);
            assertThat(interval.share(gpu).idleMicrojoules()).isEqualTo(5_000_000);
            assertThat(interval.microjoules(light, gpu)).isEqualTo(3_000_000);
            assertThat(interval.microjoules(heavy, gpu)).isEqualTo(2_000_000);
            assertThat(interval.warnings()).singleElement().asString()
                    .contains("nvidia_gpu_0: idle part taken from the processes' utilisation", "nvmlDeviceGetSamples");
            assertConserved(interval);
        }
    }

    @Test
    void inCgroupModeAGpuProcessCountsForTheFollowedCgroupThatHoldsIt() throws Exception {
        Path web = root.resolve("fs/cgroup/unified/web.slice");
        Files.createDirectories(web);
        Files.writeString(web.resolve("cpu.stat"), "usage_usec 0\n");
        Path batch = root.resolve("fs/cgroup/unified/batch.slice");
        Files.createDirectories(batch);
        Files.writeString(batch.resolve("cpu.stat"), "usage_usec 0\n");
        proc.process(400, "trainer", 1, 0, 0, 0, 0, 40, "/web.slice/app/worker"); // deeper than the followed group
        Path nvml = StubNvml.withDevices(root, Device.named("NVIDIA A100", "GPU-0", "00000000:3B:00.0")
                .energySequence(1_000, 1_000, 1_000, 11_000));
        List<Consumer.Cgroup> groups = List.of(Consumer.Cgroup.of("web.slice"), Consumer.Cgroup.of("batch.slice"));
        try (EnergySource source = machineWithGpu(nvml);
                Sampler sampler = new Sampler(source, clock::get, Sampler.DEFAULT_INTERVAL_NANOS);
                AttributionSampler attribution = AttributionSampler.cgroups(sampler, paths(nvml), groups,
                        ContainerNames.none())) {
            oneSecond();
            StubNvml.addUtilizationSample(nvml, 0, 9_000, 50);
            StubNvml.addProcessSample(nvml, 0, 400, 9_000, 50);

            AttributedInterval interval = attribution.tick();

            int gpu = gpu(interval);
            assertThat(interval.microjoules(groups.get(0), gpu)).isEqualTo(5_000_000);
            assertThat(interval.microjoules(groups.get(1), gpu)).isZero();
            assertThat(interval.share(gpu).idleMicrojoules()).isEqualTo(5_000_000);
            assertConserved(interval);
        }
    }

    @Test
    void containersCarryTheirDockerNames() throws Exception {
        Path socket = root.resolve("docker.sock");
        Path nvml = StubNvml.withDevices(root, Device.named("NVIDIA A100", "GPU-0", "00000000:3B:00.0")
                .energySequence(1_000, 1_000, 1_000, 11_000));
        try (FakeDockerEngine engine = FakeDockerEngine.serve(socket, target -> target.equals("/_ping")
                        ? FakeDockerEngine.ping("1.47")
                        : FakeDockerEngine.chunked(200, ContainerNamesTest.LISTING, 64));
                EnergySource source = machineWithGpu(nvml);
                Sampler sampler = new Sampler(source, clock::get, Sampler.DEFAULT_INTERVAL_NANOS);
                AttributionSampler attribution = AttributionSampler.processes(sampler, paths(nvml),
                        ContainerNames.at(socket))) {
            oneSecond();
            StubNvml.addUtilizationSample(nvml, 0, 9_000, 40);
            StubNvml.addProcessSample(nvml, 0, 200, 9_000, 40);

            AttributedInterval interval = attribution.tick();

            Map<Consumer, Long> byContainer = interval.microjoulesBy(Consumer.Kind.CONTAINER, gpu(interval));
            assertThat(byContainer).containsExactly(Map.entry(new Consumer.Container("docker", WEB), 4_000_000L));
            Consumer.Container container = (Consumer.Container) byContainer.keySet().iterator().next();
            assertThat(container.knownName()).hasValue("web");
            assertThat(container.label()).isEqualTo("web (docker)");
            assertThat(interval.containerNames()).isEqualTo(Map.of(WEB, "web"));
        }
    }
}
