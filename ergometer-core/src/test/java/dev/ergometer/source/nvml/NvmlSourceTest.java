package dev.ergometer.source.nvml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ergometer.sampler.EnergyInterval;
import dev.ergometer.sampler.EnergySnapshot;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.DomainCounter;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.testkit.StubNvml;
import dev.ergometer.testkit.StubNvml.Device;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvmlSourceTest {

    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    private long nowNanos = 1_000 * MS;
    private final Ticker ticker = () -> nowNanos;

    private static Device a100() {
        return Device.named("NVIDIA A100-SXM4-40GB", "GPU-a100-0000", "00000000:3B:00.0");
    }

    private static Device p100() {
        return Device.named("Tesla P100-PCIE-16GB", "GPU-p100-0001", "00000000:86:00.0").energyError("NOT_SUPPORTED");
    }

    private SystemPaths stub(Device... devices) {
        return SystemPaths.real().withNvmlLibrary(StubNvml.withDevices(dir, devices));
    }

    private SystemPaths stubScript(String script) {
        return SystemPaths.real().withNvmlLibrary(StubNvml.withScript(script, dir));
    }

    private EnergySource open(SystemPaths paths) throws SourceUnavailableException {
        return NvmlSource.FACTORY.open(paths, ticker);
    }

    @Test
    void energyOverARunIsTheScriptedCounterDelta() throws Exception {
        SystemPaths paths = stub(a100().energySequence(1_000, 1_500, 4_250, 9_000));
        try (EnergySource source = open(paths);
                Sampler sampler = new Sampler(source, ticker, Sampler.DEFAULT_INTERVAL_NANOS)) {
            assertThat(source.domains()).containsExactly(NvmlSource.domain(0));
            assertThat(source.domains().getFirst().id()).isEqualTo("nvidia_gpu_0");
            nowNanos += 1_000 * MS;
            EnergySnapshot start = sampler.sample(); // counter 4 250 mJ (1 500 was the sampler's first read)
            nowNanos += 1_000 * MS;
            EnergyInterval run = sampler.sample().minus(start); // counter 9 000 mJ

            assertThat(run.microjoules(0)).isEqualTo((9_000 - 4_250) * 1_000L);
            assertThat(source.warnings()).isEmpty();
            assertThat(source.estimated()).isFalse();
        }
    }

    @Test
    void energyCounterReadsAreCumulativeMicrojoulesThatNeverWrap() throws Exception {
        try (EnergySource source = open(stub(a100().energySequence(7, 8)))) {
            long[] microjoules = new long[1];
            source.read(microjoules);
            assertThat(microjoules[0]).isEqualTo(8_000);
            DomainCounter counter = source.counters().getFirst();
            assertThat(counter.wrapMicrojoules()).isEqualTo(Long.MAX_VALUE);
            assertThat(counter.resolutionMicrojoules()).isEqualTo(1_000.0);
            assertThat(counter.origin()).contains("NVIDIA A100-SXM4-40GB", "00000000:3B:00.0", "GPU-a100-0000",
                    "energy counter");
            assertThat(source.maxReadIntervalNanos()).isEqualTo(DomainCounter.MAX_READ_INTERVAL_NANOS);
        }
    }

    @Test
    void methodSaysPerGpuWhichMethodAndNameAndPowerGpusAreReadEvery20Ms() throws Exception {
        try (EnergySource source = open(stub(a100().energySequence(1), p100().powerSequence(250_000)))) {
            assertThat(source.method()).isEqualTo("NVML: nvidia_gpu_0 NVIDIA A100-SXM4-40GB energy counter;"
                    + " nvidia_gpu_1 Tesla P100-PCIE-16GB power integrated every 20 ms");
            assertThat(source.counters().get(1).origin()).contains("Tesla P100-PCIE-16GB", "power",
                    "integrated every 20 ms");
            assertThat(source.maxReadIntervalNanos()).isEqualTo(20 * MS);
        }
    }

    @Test
    void powerIsIntegratedWithTheTrapezoidRule() throws Exception {
        try (EnergySource source = open(stub(p100().powerSequence(100_000, 200_000, 200_000)))) {
            long[] first = new long[1];
            nowNanos += 20 * MS;
            source.read(first); // (100 W + 200 W) / 2 x 20 ms = 3 J
            long[] second = new long[1];
            nowNanos += 20 * MS;
            source.read(second); // 200 W x 20 ms = 4 J
            assertThat(first[0]).isEqualTo(3_000_000);
            assertThat(second[0] - first[0]).isEqualTo(4_000_000);
        }
    }

    @Test
    void integratedPowerIsWithinHalfAPercentOfTheExactIntegralForConstantRampAndStep() throws Exception {
        long origin = System.nanoTime();
        Device constant = p100().powerRamp(150_000, 0);
        Device ramp = p100().powerRamp(60_000, 40_000); // 60 W rising 40 W per second
        Device step = p100().powerStep(100_000, 150_000, 1_000); // 100 W, then 150 W after 1 s
        String script = "origin_ns " + origin + "\n" + constant.script() + ramp.script() + step.script();
        try (EnergySource source = NvmlSource.FACTORY.open(stubScript(script), Ticker.system());
                Sampler sampler = new Sampler(source, Ticker.system(), Sampler.DEFAULT_INTERVAL_NANOS).start()) {
            assertThat(sampler.periodNanos()).isEqualTo(20 * MS);
            EnergySnapshot start = sampler.sample();
            Thread.sleep(2_000);
            EnergyInterval run = sampler.sample().minus(start);

            double t0 = (run.startNanos() - origin) / 1e9;
            double t1 = t0 + run.durationSeconds();
            double constantJoules = 150 * (t1 - t0);
            double rampJoules = 60 * (t1 - t0) + 40 * (t1 * t1 - t0 * t0) / 2;
            double stepJoules = 100 * (Math.min(t1, 1) - Math.min(t0, 1)) + 150 * (Math.max(t1, 1) - Math.max(t0, 1));
            assertThat(run.joules(0)).isCloseTo(constantJoules, within(constantJoules * 0.005));
            assertThat(run.joules(1)).isCloseTo(rampJoules, within(rampJoules * 0.005));
            assertThat(run.joules(2)).isCloseTo(stepJoules, within(stepJoules * 0.005));
            assertThat(source.warnings()).isEmpty();
        }
    }

    @Test
    void aGpuLostMidRunIsAWarningAndTheOtherGpuKeepsCounting() throws Exception {
        Device lost = a100().energySequence(0, 1_000, 2_000, 3_000, 4_000).lostAfter(2);
        Device healthy = Device.named("NVIDIA H100 80GB HBM3", "GPU-h100", "00000000:C1:00.0")
                .energySequence(0, 1_000, 2_000, 3_000, 4_000);
        try (EnergySource source = open(stub(lost, healthy));
                Sampler sampler = new Sampler(source, ticker, Sampler.DEFAULT_INTERVAL_NANOS)) {
            EnergySnapshot start = sampler.sample(); // gpu 0 is read twice (open, sampler): 1 000 mJ; then lost
            nowNanos += 1_000 * MS;
            sampler.sample();
            nowNanos += 1_000 * MS;
            EnergyInterval run = sampler.sample().minus(start);

            assertThat(run.microjoules(0)).isZero();
            assertThat(run.microjoules(1)).isEqualTo(2_000_000);
            assertThat(source.warnings()).singleElement().asString()
                    .startsWith("nvidia_gpu_0 (NVIDIA A100-SXM4-40GB, 00000000:3B:00.0) stopped counting at ")
                    .contains("nvmlDeviceGetTotalEnergyConsumption failed with NVML_ERROR_GPU_IS_LOST (15)",
                            "GPU is lost", "Fix: ", "nvidia-smi -r");
        }
    }

    @Test
    void aShortWindowIsApproximatedFromPowerAndFlaggedOnce() throws Exception {
        Device gpu = a100().energySequence(1_000, 1_000, 1_000, 5_000).powerSequence(200_000);
        try (EnergySource source = open(stub(gpu))) {
            long[] microjoules = new long[1];
            nowNanos += 5 * MS;
            source.read(microjoules); // the counter did not move: 200 W x 5 ms = 1 J
            assertThat(microjoules[0] - 1_000_000).isEqualTo(1_000_000);
            nowNanos += 5 * MS;
            source.read(microjoules);
            assertThat(microjoules[0] - 1_000_000).isEqualTo(2_000_000);
            nowNanos += 100 * MS;
            source.read(microjoules); // the counter moved: it takes over
            assertThat(microjoules[0]).isEqualTo(5_000_000);
            assertThat(source.warnings()).containsExactly("nvidia_gpu_0: a read interval shorter than the energy"
                    + " counter's update period was approximated from power");
        }
    }

    @Test
    void aShortWindowOnACounterThatMovesEvery100MsIsNotZero() throws Exception {
        String script = "origin_ns " + System.nanoTime() + "\n"
                + a100().powerRamp(300_000, 0).energyPeriod(100).script();
        try (EnergySource source = NvmlSource.FACTORY.open(stubScript(script), Ticker.system())) {
            long[] before = new long[1];
            long[] after = new long[1];
            // two reads 1 ms apart, well inside one 100 ms period of the counter
            source.read(before);
            long start = System.nanoTime();
            while (System.nanoTime() - start < MS) {
                Thread.onSpinWait();
            }
            source.read(after);
            assertThat(after[0] - before[0]).isPositive();
        }
    }

    @Test
    void aGpuWithNeitherEnergyNorPowerIsSkippedAndSaidSo() throws Exception {
        Device blind = p100().powerError("NOT_SUPPORTED");
        try (EnergySource source = open(stub(blind, a100().energySequence(5)))) {
            assertThat(source.domains()).containsExactly(NvmlSource.domain(1));
            assertThat(source.method()).endsWith("; nvidia_gpu_0 skipped: it reports neither energy nor power"
                    + " (both NVML_ERROR_NOT_SUPPORTED)");
        }
    }

    @Test
    void noGpuWithEnergyOrPowerMakesTheSourceUnavailable() {
        assertThatThrownBy(() -> open(stub(p100().powerError("NOT_SUPPORTED"))))
                .isInstanceOfSatisfying(SourceUnavailableException.class, e -> {
                    assertThat(e.source()).isEqualTo("nvml");
                    assertThat(e.reason()).contains("no NVIDIA GPU can be read", "nvidia_gpu_0 skipped");
                    assertThat(e.fix()).isNotEmpty();
                });
    }

    @Test
    void aMissingLibrarySaysInstallTheDriverOrPointNvmlAtIt() {
        SystemPaths paths = SystemPaths.real().withNvmlLibrary(dir.resolve("absent/libnvidia-ml.so.1"));
        assertThatThrownBy(() -> open(paths))
                .isInstanceOfSatisfying(SourceUnavailableException.class, e -> {
                    assertThat(e.reason()).contains("cannot load the NVIDIA Management Library",
                            dir.resolve("absent/libnvidia-ml.so.1").toString());
                    assertThat(e.fix()).contains("install the NVIDIA driver", "--nvml", "ERGOMETER_NVML");
                });
    }

    @Test
    void aBareLibraryNameGoesToTheDynamicLoader() {
        SystemPaths paths = SystemPaths.real().withNvmlLibrary(Path.of("libnvidia-ml-absent.so.9"));
        assertThatThrownBy(() -> open(paths))
                .isInstanceOfSatisfying(SourceUnavailableException.class, e -> assertThat(e.reason())
                        .contains("libnvidia-ml-absent.so.9 on the dynamic loader's search path"));
    }

    @Test
    void driverNotLoadedSaysLoadTheDriver() {
        assertThatThrownBy(() -> open(stubScript("init_error DRIVER_NOT_LOADED\n" + a100().script())))
                .isInstanceOfSatisfying(SourceUnavailableException.class, e -> {
                    assertThat(e.reason()).contains("cannot initialise NVML", "nvmlInit_v2()",
                            "NVML_ERROR_DRIVER_NOT_LOADED (9)", "Driver Not Loaded");
                    assertThat(e.fix()).contains("modprobe nvidia");
                });
    }

    @Test
    void noPermissionSaysRunAsRootOrJoinTheVideoGroup() {
        assertThatThrownBy(() -> open(stub(a100().handleError("NO_PERMISSION"))))
                .isInstanceOfSatisfying(SourceUnavailableException.class, e -> {
                    assertThat(e.reason()).contains("nvidia_gpu_0 skipped",
                            "nvmlDeviceGetHandleByIndex_v2(0) failed with NVML_ERROR_NO_PERMISSION (4)");
                    assertThat(e.fix()).contains("run as root", "/dev/nvidia*");
                });
    }

    @Test
    void zeroDevicesSaysNoGpu() {
        assertThatThrownBy(() -> open(stubScript("# no devices\n")))
                .isInstanceOfSatisfying(SourceUnavailableException.class, e -> {
                    assertThat(e.reason()).contains("sees no NVIDIA GPU");
                    assertThat(e.fix()).contains("nvidia-smi");
                });
    }
}
