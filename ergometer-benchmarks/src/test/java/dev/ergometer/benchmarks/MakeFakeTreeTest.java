package dev.ergometer.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.model.Domain;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.powercap.PowercapSource;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MakeFakeTreeTest {

    @TempDir
    Path sysfs;

    @Test
    void powercapSourceReadsTheEightEnergiesInTheOrderTheCFloorReadsThem() throws Exception {
        MakeFakeTree.create(sysfs);
        try (PowercapSource source = PowercapSource.open(SystemPaths.real().withSysfs(sysfs))) {
            assertThat(source.domains()).extracting(Domain::id).containsExactly(
                    "package_0", "core_0", "uncore_0", "dram_0", "package_1", "core_1", "uncore_1", "dram_1");
            long[] microjoules = new long[8];
            source.read(microjoules);
            assertThat(microjoules).containsExactly(MakeFakeTree.ENERGIES_MICROJOULES);
        }
    }

    @Test
    void benchmarkStateMakesATreeReadsItAndDeletesIt() throws Exception {
        PowercapReadBenchmark benchmark = new PowercapReadBenchmark();
        benchmark.sysfs = "";
        benchmark.openSource();
        assertThat(benchmark.read()).containsExactly(MakeFakeTree.ENERGIES_MICROJOULES);
        Path made = benchmark.madeDir;
        assertThat(made).isDirectory();
        benchmark.closeSource();
        assertThat(made).doesNotExist();
    }

    @Test
    void benchmarkStateReadsAGivenTreeAndLeavesItInPlace() throws Exception {
        MakeFakeTree.create(sysfs);
        PowercapReadBenchmark benchmark = new PowercapReadBenchmark();
        benchmark.sysfs = sysfs.toString();
        benchmark.openSource();
        assertThat(benchmark.read()).containsExactly(MakeFakeTree.ENERGIES_MICROJOULES);
        benchmark.closeSource();
        assertThat(sysfs.resolve("class/powercap/intel-rapl:0/energy_uj")).isRegularFile();
    }

    @Test
    void samplerBenchmarkCountsNoEnergyOnAStillTree() throws Exception {
        SamplerBenchmark benchmark = new SamplerBenchmark();
        benchmark.openSampler();
        benchmark.update();
        var snapshot = benchmark.sample();
        assertThat(snapshot.domains()).hasSize(8);
        for (int i = 0; i < 8; i++) {
            assertThat(snapshot.totalMicrojoules(i)).isZero();
        }
        benchmark.close();
        assertThat(benchmark.dir).doesNotExist();
    }
}
