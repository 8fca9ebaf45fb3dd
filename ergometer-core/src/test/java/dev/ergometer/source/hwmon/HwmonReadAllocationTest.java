package dev.ergometer.source.hwmon;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.testkit.FakeHwmonTree;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HwmonReadAllocationTest {

    @TempDir
    Path sysfs;

    @Test
    void readingCountersAndIntegratingPowerDoesNotAllocate() throws Exception {
        FakeHwmonTree tree = FakeHwmonTree.in(sysfs);
        tree.chip("amd_energy").energy(1, "Esocket0", 1_000).energy(2, "Esocket1", 2_000);
        tree.chip("power_meter").powerAverage(1, 100_000_000);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (EnergySource source = HwmonSource.FACTORY.open(SystemPaths.real().withSysfs(sysfs), Ticker.system())) {
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

    @Test
    void readingGpuCountersAndIntegratingGpuPowerDoesNotAllocate() throws Exception {
        FakeHwmonTree tree = FakeHwmonTree.in(sysfs);
        tree.gpuChip("amdgpu", "0000:03:00.0", 0).powerAverage(1, 100_000_000);
        tree.gpuChip("xe", "0000:04:00.0", 1).energy(1, "card", 1_000).energy(2, "pkg", 500);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (EnergySource source =
                HwmonGpuSource.FACTORY.open(SystemPaths.real().withSysfs(sysfs), Ticker.system())) {
            long[] microjoules = new long[source.counters().size()];
            long fewest = Long.MAX_VALUE;
            for (int round = 0; round < 300 && fewest > 0; round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 10_000; i++) {
                    source.read(microjoules);
                }
                fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
            }

            assertThat(fewest).as("bytes allocated by 10,000 compiled reads").isLessThan(10_000);
            assertThat(source.warnings()).isEmpty();
        }
    }
}
