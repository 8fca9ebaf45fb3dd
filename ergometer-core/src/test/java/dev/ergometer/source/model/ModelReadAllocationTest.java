package dev.ergometer.source.model;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.testkit.FakeProcfs;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelReadAllocationTest {

    @TempDir
    Path proc;

    @Test
    void readingTheModelDoesNotAllocate() throws Exception {
        FakeProcfs procfs = FakeProcfs.machine(proc, 4);
        procfs.advance(1_234_567, 7_654_321);
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (EnergySource model = ModelSource.FACTORY.open(SystemPaths.real().withProcfs(proc), Ticker.system())) {
            long[] microjoules = new long[model.counters().size()];
            long fewest = Long.MAX_VALUE;
            for (int round = 0; round < 300 && fewest > 0; round++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < 10_000; i++) {
                    model.read(microjoules);
                }
                fewest = Math.min(fewest, threads.getCurrentThreadAllocatedBytes() - before);
            }

            // the first rounds run interpreted or in C1 and may allocate; once compiled, a read allocates nothing
            assertThat(fewest).as("bytes allocated by 10,000 compiled reads").isLessThan(10_000);
        }
    }
}
