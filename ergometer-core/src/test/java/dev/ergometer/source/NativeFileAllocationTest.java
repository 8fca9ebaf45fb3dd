package dev.ergometer.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The read path of NativeFile allocates nothing, in the interpreter and C1 as in C2, and still says why it failed. */
class NativeFileAllocationTest {

    @TempDir
    Path dir;

    @Test
    void readDecimalAllocatesNothingWhicheverJitTierRunsIt() throws Exception {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assertThat(threads.isThreadAllocatedMemoryEnabled()).as("this JVM measures allocation per thread").isTrue();
        Path energy = Files.writeString(dir.resolve("energy_uj"), "262143328849\n");
        try (NativeFile file = NativeFile.open(energy)) {
            long sum = 0;
            for (int i = 0; i < 1_000; i++) {
                sum += file.readDecimal();
            }
            int reads = 20_000;
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < reads; i++) {
                sum += file.readDecimal();
            }
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(sum).isEqualTo(21_000 * 262_143_328_849L);
            // Capturing errno on every read cost 40 bytes per read outside C2 (800,000 here); allow a stray object.
            assertThat(allocated).as("bytes allocated by %d reads", reads).isLessThan(reads);
        }
    }

    @Test
    void failedReadStillNamesErrno() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("energy_uj"));
        try (NativeFile file = NativeFile.open(folder)) {
            assertThatThrownBy(file::readDecimal)
                    .isInstanceOf(EnergyReadException.class)
                    .hasMessage("cannot read " + folder + ": errno 21");
        }
    }

    @Test
    void readAfterAFailedReadSucceedsWhenTheFileIsReadableAgain() throws Exception {
        Path energy = Files.writeString(dir.resolve("energy_uj"), "42\n");
        try (NativeFile file = NativeFile.open(energy)) {
            assertThat(file.readDecimal()).isEqualTo(42);
            assertThatThrownBy(() -> file.readLongAt(-1)).isInstanceOf(EnergyReadException.class)
                    .hasMessageContaining("errno 22");
            assertThat(file.readDecimal()).isEqualTo(42);
        }
    }
}
