package dev.ergometer.profiler;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.testkit.FakeProcfs;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ThreadCpuTableTest {

    @TempDir
    Path root;

    private FakeProcfs thread(FakeProcfs procfs, int tid, String comm, long runNanos) {
        return procfs.write("100/task/" + tid + "/comm", comm + "\n")
                .write("100/task/" + tid + "/schedstat", runNanos + " 5000 7\n")
                .write("100/task/" + tid + "/stat", tid + " (" + comm + ") S 1 1 1 0 -1 0 0 0 0 0 "
                        + runNanos / 10_000_000 + " 0 0 0 20 0 1 0 100 0 0\n");
    }

    @Test
    void eachThreadsCpuTimeOverTheIntervalInNanosecondsFromSchedstat() throws Exception {
        FakeProcfs procfs = FakeProcfs.machine(root, 2);
        thread(procfs, 100, "java", 1_000);
        thread(procfs, 101, "worker (1)", 5_000);
        try (ThreadCpuTable table = ThreadCpuTable.open(procfs.path("100/task"), 10_000_000L)) {
            assertThat(table.nanosecondResolution()).isTrue();
            assertThat(table.advance()).isEmpty();

            thread(procfs, 101, "worker (1)", 9_000);
            thread(procfs, 102, "new", 700);

            assertThat(table.advance()).containsExactlyInAnyOrder(
                    new ThreadCpuTable.ThreadCpu(101, "worker (1)", 4_000, false),
                    new ThreadCpuTable.ThreadCpu(102, "new", 700, false));
        }
    }

    @Test
    void aThreadThatEndsBetweenPollsKeepsTheTimeItUsedUntilItsLastPoll() throws Exception {
        FakeProcfs procfs = FakeProcfs.machine(root, 2);
        thread(procfs, 101, "short", 1_000);
        try (ThreadCpuTable table = ThreadCpuTable.open(procfs.path("100/task"), 10_000_000L)) {
            table.advance();
            thread(procfs, 101, "short", 3_000);
            table.poll();
            procfs.delete("100/task/101/comm").delete("100/task/101/schedstat").delete("100/task/101/stat")
                    .delete("100/task/101");

            assertThat(table.advance()).containsExactly(new ThreadCpuTable.ThreadCpu(101, "short", 2_000, true));
            assertThat(table.advance()).isEmpty();
        }
    }

    @Test
    void withoutSchedstatTheTicksOfStatAreUsed() throws Exception {
        FakeProcfs procfs = FakeProcfs.machine(root, 2);
        thread(procfs, 101, "w", 20_000_000).delete("100/task/101/schedstat");
        try (ThreadCpuTable table = ThreadCpuTable.open(procfs.path("100/task"), 10_000_000L)) {
            table.advance();
            thread(procfs, 101, "w", 70_000_000).delete("100/task/101/schedstat");

            assertThat(table.nanosecondResolution()).isFalse();
            assertThat(table.advance()).containsExactly(new ThreadCpuTable.ThreadCpu(101, "w", 50_000_000, false));
        }
    }
}
