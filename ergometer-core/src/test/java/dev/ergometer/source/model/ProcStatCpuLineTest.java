package dev.ergometer.source.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.source.EnergyReadException;
import dev.ergometer.testkit.CpuTimes;
import dev.ergometer.testkit.FakeProcfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcStatCpuLineTest {

    @TempDir
    Path proc;

    private ProcStatCpuLine read(String content) throws Exception {
        Files.writeString(proc.resolve("stat"), content);
        ProcStatCpuLine line = ProcStatCpuLine.open(proc.resolve("stat"));
        try {
            line.read();
            return line;
        } finally {
            line.close();
        }
    }

    @Test
    void busyAndTotalMatchTheKernelFieldsForRandomTimes() throws Exception {
        FakeProcfs procfs = FakeProcfs.machine(proc, 64);
        Random random = new Random(20240601);
        try (ProcStatCpuLine line = ProcStatCpuLine.open(procfs.path("stat"))) {
            for (int i = 0; i < 500; i++) {
                long user = random.nextLong(1L << 50);
                long nice = random.nextLong(1L << 40);
                CpuTimes times = new CpuTimes(user, nice, random.nextLong(1L << 50), random.nextLong(1L << 56),
                        random.nextLong(1L << 40), random.nextLong(1L << 30), random.nextLong(1L << 30),
                        random.nextLong(1L << 40), random.nextLong(user + 1), random.nextLong(nice + 1));
                procfs.cpuTimes(times);
                line.read();
                assertThat(line.busyTicks()).as("busy of %s", times).isEqualTo(times.busy());
                assertThat(line.totalTicks()).as("total of %s", times).isEqualTo(times.total());
            }
        }
    }

    @Test
    void oldKernelsWithFourFieldsAreRead() throws Exception {
        ProcStatCpuLine line = read("cpu  10 20 30 40\ncpu0 10 20 30 40\n");

        assertThat(line.busyTicks()).isEqualTo(60);
        assertThat(line.totalTicks()).isEqualTo(100);
    }

    @Test
    void aFileEndingRightAfterTheLastNumberIsRead() throws Exception {
        ProcStatCpuLine line = read("cpu  1 2 3 4 5 6 7 8");

        assertThat(line.busyTicks()).isEqualTo(1 + 2 + 3 + 6 + 7 + 8);
        assertThat(line.totalTicks()).isEqualTo(36);
    }

    @Test
    void linesThatAreNotTheAggregateCpuLineAreRefused() {
        assertThatThrownBy(() -> read("intr 1 2 3\n")).isInstanceOf(EnergyReadException.class)
                .hasMessageContaining("aggregate 'cpu ' line");
        assertThatThrownBy(() -> read("cpu  1 2 x\n")).hasMessageContaining("unexpected byte 'x'");
        assertThatThrownBy(() -> read("cpu  1 2\n")).hasMessageContaining("has 2 numbers, expected at least 4");
        assertThatThrownBy(() -> read("cpu " + " ".repeat(300) + "1 2 3 4\n"))
                .hasMessageContaining("longer than 256 bytes");
    }
}
