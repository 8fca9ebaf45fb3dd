package dev.ergometer.source.nvml;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.testkit.StubNvml;
import dev.ergometer.testkit.StubNvml.Device;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NvmlReadAllocationTest {

    @TempDir
    Path dir;

    @Test
    void readingEnergyCountersAndIntegratingPowerDoesNotAllocate() throws Exception {
        Path library = StubNvml.withDevices(dir,
                Device.named("A", "GPU-a", "00000000:01:00.0").powerRamp(100_000, 0),
                Device.named("B", "GPU-b", "00000000:02:00.0").energyError("NOT_SUPPORTED").powerRamp(50_000, 0));
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (EnergySource source = NvmlSource.FACTORY.open(SystemPaths.real().withNvmlLibrary(library),
                Ticker.system())) {
            long[] microjoules = new long[source.counters().size()];
            long fewest = Long.MAX_VALUE;
            for (int round = 0; round < 300 && fewest > 0; round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 10_000; i++) {
                    source.read(microjoules);
                }
                fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
            }

            // the first rounds run interpreted or in C1 and may allocate; once compiled, a read allocates nothing
            assertThat(fewest).as("bytes allocated by 10,000 compiled reads").isLessThan(10_000);
        }
    }
}
