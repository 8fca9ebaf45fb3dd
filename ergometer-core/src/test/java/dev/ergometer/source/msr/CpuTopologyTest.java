package dev.ergometer.source.msr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.source.SystemPaths;
import dev.ergometer.testkit.FakeMsrDevices;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpuTopologyTest {

    @TempDir
    Path root;

    @Test
    void cpuListsWithRangesAndSinglesParseToAscendingCpus() {
        assertThat(CpuTopology.parseCpuList("0-3,8-11", "online")).containsExactly(0, 1, 2, 3, 8, 9, 10, 11);
        assertThat(CpuTopology.parseCpuList("0,2,4-5\n", "online")).containsExactly(0, 2, 4, 5);
        assertThat(CpuTopology.parseCpuList("7", "online")).containsExactly(7);
        assertThat(CpuTopology.parseCpuList("", "online")).isEmpty();
    }

    @Test
    void aMalformedCpuListNamesTheFile() {
        assertThatThrownBy(() -> CpuTopology.parseCpuList("3-1", "/sys/devices/system/cpu/online"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("/sys/devices/system/cpu/online");
        assertThatThrownBy(() -> CpuTopology.parseCpuList("0-x", "online"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0-x");
    }

    @Test
    void sparsePackageIdsAreListedInOrderAndEachHasItsFirstOnlineCpu() throws Exception {
        FakeMsrDevices machine = FakeMsrDevices.intel(root).sockets(2).coresPerSocket(2).threadsPerCore(2)
                .packageIds(4, 1).offline(2).build();
        CpuTopology topology = CpuTopology.read(new SystemPaths(machine.sysfs(), machine.procfs(), machine.dev()));

        assertThat(topology.packageIds()).containsExactly(1, 4);
        assertThat(topology.firstCpuOf(4)).isEqualTo(0);
        assertThat(topology.firstCpuOf(1)).isEqualTo(3);   // cpu 2, the first of socket 1, is offline
        assertThat(topology.firstCpuOfEachCore(4)).containsExactly(0, 1);
        assertThat(topology.firstCpuOfEachCore(1)).containsExactly(6, 3);   // core 0: cpu 6 (thread 1), core 1: cpu 3
    }
}
