package dev.ergometer.source.nvml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.testkit.StubNvml;
import dev.ergometer.testkit.StubNvml.Device;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvmlTest {

    @TempDir
    Path dir;

    @Test
    void readsIdentityEnergyAndPowerOfEachDevice() throws Exception {
        Path library = StubNvml.withDevices(dir,
                Device.named("NVIDIA A100-SXM4-40GB", "GPU-1111", "00000000:3B:00.0").energySequence(42)
                        .powerSequence(65_432));
        try (Nvml nvml = Nvml.load(library)) {
            nvml.init();
            assertThat(nvml.deviceCount()).isEqualTo(1);
            MemorySegment gpu = nvml.deviceHandle(0);
            assertThat(nvml.name(gpu)).isEqualTo("NVIDIA A100-SXM4-40GB");
            assertThat(nvml.uuid(gpu)).isEqualTo("GPU-1111");
            assertThat(nvml.pciBusId(gpu)).isEqualTo("00000000:3B:00.0");
            assertThat(nvml.totalEnergyMillijoules(gpu)).isEqualTo(42);
            assertThat(nvml.powerMilliwatts(gpu)).isEqualTo(65_432);
            nvml.shutdown();
        }
    }

    @Test
    void listsComputeProcessesAndTheirUtilisation() throws Exception {
        Path library = StubNvml.withDevices(dir, Device.named("GPU", "GPU-1", "00000000:01:00.0")
                .process(1234, 1L << 33).process(5678, 1_000_000)
                .sample(1234, 1_000, 90, 40, 0, 0).sample(5678, 2_000, 10, 5, 3, 7));
        try (Nvml nvml = Nvml.load(library)) {
            nvml.init();
            MemorySegment gpu = nvml.deviceHandle(0);
            assertThat(nvml.computeRunningProcesses(gpu)).containsExactly(
                    new Nvml.ComputeProcess(1234, 1L << 33, -1, -1),
                    new Nvml.ComputeProcess(5678, 1_000_000, -1, -1));
            assertThat(nvml.processUtilization(gpu, 0)).containsExactly(
                    new Nvml.ProcessUtilization(1234, 1_000, 90, 40, 0, 0),
                    new Nvml.ProcessUtilization(5678, 2_000, 10, 5, 3, 7));
            assertThat(nvml.processUtilization(gpu, 1_000)).extracting(Nvml.ProcessUtilization::pid)
                    .containsExactly(5678);
            assertThat(nvml.processUtilization(gpu, 2_000)).isEmpty();
            nvml.shutdown();
        }
    }

    @Test
    void noProcessesIsAnEmptyList() throws Exception {
        Path library = StubNvml.withDevices(dir, Device.named("GPU", "GPU-1", "00000000:01:00.0"));
        try (Nvml nvml = Nvml.load(library)) {
            nvml.init();
            assertThat(nvml.computeRunningProcesses(nvml.deviceHandle(0))).isEmpty();
            nvml.shutdown();
        }
    }

    @Test
    void anUnsupportedCounterIsAnExceptionWithNvmlsNameAndText() throws Exception {
        Path library = StubNvml.withDevices(dir,
                Device.named("Tesla K80", "GPU-k80", "00000000:04:00.0").energyError("NOT_SUPPORTED"));
        try (Nvml nvml = Nvml.load(library)) {
            nvml.init();
            MemorySegment gpu = nvml.deviceHandle(0);
            assertThat(nvml.tryTotalEnergyMillijoules(gpu)).isEqualTo(-NvmlException.ERROR_NOT_SUPPORTED);
            assertThatThrownBy(() -> nvml.totalEnergyMillijoules(gpu))
                    .isInstanceOfSatisfying(NvmlException.class, e -> {
                        assertThat(e.code()).isEqualTo(3);
                        assertThat(e.codeName()).isEqualTo("NVML_ERROR_NOT_SUPPORTED (3)");
                        assertThat(e.reason()).contains("nvmlDeviceGetTotalEnergyConsumption()", "Not Supported");
                        assertThat(e.fix()).contains("Volta");
                    });
            nvml.shutdown();
        }
    }

    @Test
    void callsBeforeInitAnswerUninitialized() throws Exception {
        Path library = StubNvml.withDevices(dir, Device.named("GPU", "GPU-1", "00000000:01:00.0"));
        try (Nvml nvml = Nvml.load(library)) {
            assertThatThrownBy(nvml::deviceCount).isInstanceOfSatisfying(NvmlException.class,
                    e -> assertThat(e.code()).isEqualTo(NvmlException.ERROR_UNINITIALIZED));
        }
    }
}
