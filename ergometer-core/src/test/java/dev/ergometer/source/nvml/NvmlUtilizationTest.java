package dev.ergometer.source.nvml;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.source.ProcessUtilizationSource;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.UtilizationSamples;
import dev.ergometer.testkit.StubNvml;
import dev.ergometer.testkit.StubNvml.Device;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvmlUtilizationTest {

    @TempDir
    Path dir;

    private static Device gpu() {
        return Device.named("NVIDIA A100", "GPU-1", "00000000:3B:00.0").energySequence(1_000);
    }

    @Test
    void deviceUtilisationSamplesAreThoseNewerThanTheLastSeen() throws Exception {
        Path library = StubNvml.withDevices(dir, gpu().utilizationSample(1_000, 40).utilizationSample(2_000, 90));
        try (Nvml nvml = Nvml.load(library)) {
            nvml.init();
            MemorySegment device = nvml.deviceHandle(0);
            assertThat(nvml.gpuUtilizationSamples(device, 0)).containsExactly(
                    new Nvml.UtilizationSample(1_000, 40), new Nvml.UtilizationSample(2_000, 90));
            assertThat(nvml.gpuUtilizationSamples(device, 1_000)).containsExactly(
                    new Nvml.UtilizationSample(2_000, 90));
            assertThat(nvml.gpuUtilizationSamples(device, 2_000)).isEmpty(); // NVML_ERROR_NOT_FOUND

            StubNvml.addUtilizationSample(library, 0, 3_000, 15); // a sample period ends

            assertThat(nvml.gpuUtilizationSamples(device, 2_000)).containsExactly(
                    new Nvml.UtilizationSample(3_000, 15));
            nvml.shutdown();
        }
    }

    @Test
    void anUnsupportedSampleQueryIsAnException() throws Exception {
        Path library = StubNvml.withDevices(dir, gpu().utilizationError("NOT_SUPPORTED"));
        try (Nvml nvml = Nvml.load(library)) {
            nvml.init();
            assertThatThrownBy(() -> nvml.gpuUtilizationSamples(nvml.deviceHandle(0), 0))
                    .isInstanceOfSatisfying(NvmlException.class, e -> assertThat(e.reason())
                            .contains("nvmlDeviceGetSamples(NVML_GPU_UTILIZATION_SAMPLES)", "NOT_SUPPORTED"));
            nvml.shutdown();
        }
    }

    @Test
    void theSourceGivesEachGpusSamplesSinceTheCallersCursors() throws Exception {
        Path library = StubNvml.withDevices(dir, gpu().sample(7, 1_000, 30, 0, 0, 0).utilizationSample(1_000, 30),
                gpu().sample(8, 1_500, 250, 0, 0, 0)); // a driver glitch over 100 %
        try (NvmlSource source = NvmlSource.open(SystemPaths.real().withNvmlLibrary(library), () -> 0)) {
            ProcessUtilizationSource utilization = source;
            UtilizationSamples first = utilization.utilizationSince(0, 0, 0);
            assertThat(first.processes()).containsExactly(new UtilizationSamples.ProcessSample(7, 1_000, 30));
            assertThat(first.device()).containsExactly(new UtilizationSamples.DeviceSample(1_000, 30));
            assertThat(first.newestProcessMicros(0)).isEqualTo(1_000);

            StubNvml.addProcessSample(library, 0, 9, 2_000, 55);
            UtilizationSamples next = utilization.utilizationSince(0, 1_000, 1_000);
            assertThat(next.processes()).containsExactly(new UtilizationSamples.ProcessSample(9, 2_000, 55));
            assertThat(next.device()).isEmpty();
            assertThat(next.deviceUnavailable()).isEmpty();

            assertThat(utilization.utilizationSince(1, 0, 0).processes())
                    .containsExactly(new UtilizationSamples.ProcessSample(8, 1_500, 100));
        }
    }

    @Test
    void aGpuThatCannotReportProcessesSaysWhyWithoutThrowing() throws Exception {
        Path library = StubNvml.withDevices(dir, gpu().processUtilizationError("NOT_SUPPORTED"));
        try (NvmlSource source = NvmlSource.open(SystemPaths.real().withNvmlLibrary(library), () -> 0)) {
            UtilizationSamples samples = source.utilizationSince(0, 0, 0);

            assertThat(samples.processes()).isEmpty();
            assertThat(samples.processesUnavailable()).hasValueSatisfying(why -> assertThat(why)
                    .contains("nvidia_gpu_0", "NVIDIA A100", "nvmlDeviceGetProcessUtilization",
                            "NVML_ERROR_NOT_SUPPORTED", "Maxwell"));
            assertThat(samples.deviceUnavailable()).isEmpty();
        }
    }
}
