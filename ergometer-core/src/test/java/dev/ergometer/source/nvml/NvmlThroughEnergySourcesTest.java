package dev.ergometer.source.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.sampler.Ticker;
import dev.ergometer.meter.DomainSelection;
import dev.ergometer.meter.EnergyMeter;
import dev.ergometer.meter.EnergyTrace;
import dev.ergometer.meter.NvidiaDomains;
import dev.ergometer.source.EnergySources;
import dev.ergometer.source.model.ModelSource;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.testkit.StubNvml;
import dev.ergometer.testkit.StubNvml.Device;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvmlThroughEnergySourcesTest {

    @TempDir
    Path dir;

    private SystemPaths stub() {
        return SystemPaths.real().withNvmlLibrary(StubNvml.withDevices(dir,
                Device.named("NVIDIA L4", "GPU-l4", "00000000:01:00.0").energySequence(10, 20)));
    }

    @Test
    void theGpusAreReadNextToTheBestMachineSource() throws Exception {
        EnergySources.Selection selection = EnergySources.openBest(
                List.of(ModelSource.FACTORY, NvmlSource.FACTORY), stub(), Ticker.system());
        try (var source = selection.source()) {
            assertThat(source.name()).isEqualTo("model+nvml");
            assertThat(source.domains()).extracting(d -> d.id()).contains("package_0", "nvidia_gpu_0");
        }
    }

    @Test
    void nvmlOpensByNameOnceRegistered() throws Exception {
        try (var source = EnergySources.open("nvml", stub(), Ticker.system()).source()) {
            long[] microjoules = new long[1];
            source.read(microjoules);
            assertThat(microjoules[0]).isEqualTo(20_000);
        }
    }

    @Test
    void theMeterMeasuresAnNvidiaGpuAsPyJoulesDoes() throws Exception {
        SystemPaths paths = SystemPaths.real().withNvmlLibrary(StubNvml.withDevices(dir,
                Device.named("NVIDIA L4", "GPU-l4", "00000000:01:00.0").energySequence(1_000, 1_250, 1_500, 1_750)));
        try (EnergyMeter meter = EnergyMeter.open(DomainSelection.of(NvidiaDomains.gpu(0)),
                List.of(ModelSource.FACTORY, NvmlSource.FACTORY), paths, Ticker.system())) {
            meter.start("gpu");
            meter.stop();
            EnergyTrace trace = meter.getTrace();
            assertThat(trace.domains()).containsExactly("nvidia_gpu_0");
            assertThat(trace.get(0).energyMicrojoules("nvidia_gpu_0")).isPositive();
        }
    }
}
