package dev.ergometer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class CpuAffinityTest {

    private static String allowedList(long pid) throws IOException {
        return Files.readAllLines(Path.of("/proc/" + pid + "/status")).stream()
                .filter(l -> l.startsWith("Cpus_allowed_list:")).findFirst().orElseThrow()
                .substring("Cpus_allowed_list:".length()).strip();
    }

    @Test
    void aProcessPinnedToACoreRunsOnlyThere() throws Exception {
        BitSet allowed = CpuAffinity.of(0);
        int core = allowed.length() - 1;
        Process sleeper = new ProcessBuilder("sleep", "30").start();
        try {
            CpuAffinity.pin(sleeper.pid(), core);

            assertThat(allowedList(sleeper.pid())).isEqualTo(Integer.toString(core));
            BitSet pinned = CpuAffinity.of(sleeper.pid());
            assertThat(pinned.cardinality()).isEqualTo(1);
            assertThat(pinned.get(core)).isTrue();
        } finally {
            sleeper.destroy();
            sleeper.waitFor(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void thisProcessMayUseTheCoresTheKernelLists() throws Exception {
        BitSet allowed = CpuAffinity.of(0);

        assertThat(allowed.cardinality()).isPositive();
        assertThat(allowed.cardinality()).isLessThanOrEqualTo(Runtime.getRuntime().availableProcessors() * 2);
    }

    @Test
    void anOfflineOrForbiddenCoreIsRefusedWithTheReason() {
        assertThatThrownBy(() -> CpuAffinity.pin(0, 1000))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("sched_setaffinity")
                .hasMessageContaining("Invalid argument")
                .hasMessageContaining("MEASUREMENT_CORES");
    }

    @Test
    void aProcessThatDoesNotExistIsNamedInTheError() {
        assertThatThrownBy(() -> CpuAffinity.pin(Integer.MAX_VALUE - 7, 0))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("No such process");
    }
}
