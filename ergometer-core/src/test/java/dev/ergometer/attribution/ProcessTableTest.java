package dev.ergometer.attribution;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.testkit.FakeProcfs;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessTableTest {

    private static final long TICK_NANOS = 10_000_000L;

    @TempDir
    Path dir;
    private FakeProcfs proc;
    private ProcessTable table;

    @BeforeEach
    void machine() {
        proc = FakeProcfs.machine(dir.resolve("proc"), 2);
        table = new ProcessTable(proc.root(), 100);
    }

    @AfterEach
    void close() {
        table.close();
    }

    private static Map<Consumer, Long> ticks(ConsumerCpu cpu) {
        Map<Consumer, Long> map = new HashMap<>();
        for (int i = 0; i < cpu.consumers().size(); i++) {
            map.put(cpu.consumers().get(i), cpu.cpuNanos()[i] / TICK_NANOS);
        }
        return map;
    }

    @Test
    void cpuTimeIsUserPlusSystemSinceThePreviousScan() {
        proc.process(10, "worker", 1, 100, 50, 0, 0, 500, "/a");
        table.scan();
        proc.process(10, "worker", 1, 130, 60, 0, 0, 500, "/a");

        assertThat(ticks(table.scan())).containsEntry(new Consumer.Process(10, 500, "worker"), 40L);
    }

    @Test
    void commWithSpacesAndParenthesesIsParsedFromTheLastParenthesis() {
        proc.process(11, "a) (b c) 9 9 9", 1, 1, 1, 0, 0, 77, "/");
        table.scan();
        proc.process(11, "a) (b c) 9 9 9", 1, 6, 2, 0, 0, 77, "/");

        ConsumerCpu cpu = table.scan();
        assertThat(cpu.consumers()).containsExactly(new Consumer.Process(11, 77, "a) (b c) 9 9 9"));
        assertThat(((Consumer.Process) cpu.consumers().get(0)).comm()).isEqualTo("a) (b c) 9 9 9");
        assertThat(cpu.cpuNanos()[0]).isEqualTo(6 * TICK_NANOS);
    }

    @Test
    void aProcessStartedSinceThePreviousScanCountsAllItsTime() {
        table.scan();
        proc.process(12, "new", 1, 7, 3, 0, 0, 900, "/");

        assertThat(ticks(table.scan())).containsEntry(new Consumer.Process(12, 900, "new"), 10L);
    }

    @Test
    void aReusedPidIsANewProcessAndTheOldOneEnded() {
        proc.process(13, "old", 1, 100, 0, 0, 0, 100, "/");
        table.scan();
        proc.process(13, "new", 1, 5, 0, 0, 0, 4000, "/");

        Map<Consumer, Long> ticks = ticks(table.scan());
        assertThat(ticks).containsEntry(new Consumer.Process(13, 4000, "new"), 5L);
        assertThat(ticks).containsEntry(new Consumer.Process(13, 100, "old"), 0L);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void anEndedChildGetsTheTimeItsParentsChildTimeGrewByBeyondWhatWasSeen() {
        proc.process(20, "shell", 1, 10, 10, 0, 0, 100, "/");
        proc.process(21, "make", 20, 40, 10, 0, 0, 200, "/");
        table.scan();
        // the child used 30 more ticks after this scan, then exited; the shell waited for it: cutime+cstime += 80
        proc.endProcess(21);
        proc.process(20, "shell", 1, 12, 10, 70, 10, 100, "/");

        Map<Consumer, Long> ticks = ticks(table.scan());
        assertThat(ticks).containsEntry(new Consumer.Process(21, 200, "make"), 30L);
        assertThat(ticks).containsEntry(new Consumer.Process(20, 100, "shell"), 2L);
        assertThat(table.size()).isEqualTo(1);
    }

    @Test
    void anEndedGrandchildIsNotCountedTwice() {
        proc.process(30, "sh", 1, 0, 0, 0, 0, 100, "/");
        proc.process(31, "cc", 30, 5, 0, 0, 0, 200, "/");
        proc.process(32, "ld", 31, 10, 0, 0, 0, 300, "/");
        table.scan();
        // ld used 2 more and ended (cc waited: cc.cutime = 12); cc used 2 more and ended (sh waited: 7 + 12 = 19)
        proc.endProcess(32);
        proc.endProcess(31);
        proc.process(30, "sh", 1, 0, 0, 19, 0, 100, "/");

        Map<Consumer, Long> ticks = ticks(table.scan());
        long unseen = ticks.get(new Consumer.Process(31, 200, "cc")) + ticks.get(new Consumer.Process(32, 300, "ld"));
        assertThat(unseen).isEqualTo(4L);
        assertThat(ticks).containsEntry(new Consumer.Process(30, 100, "sh"), 0L);
    }

    @Test
    void childrenNeverSeenAreCountedToTheirParent() {
        proc.process(40, "loop", 1, 0, 0, 0, 0, 100, "/");
        table.scan();
        proc.process(40, "loop", 1, 1, 0, 25, 5, 100, "/");

        assertThat(ticks(table.scan())).containsEntry(new Consumer.Process(40, 100, "loop"), 31L);
    }

    @Test
    void theProcessCgroupIsReadOnceFromProcPidCgroup() {
        proc.write("50/cgroup", "12:cpu,cpuacct:/docker/abc\n1:name=systemd:/system.slice/x.scope\n0::/\n");
        proc.process(50, "c", 1, 0, 0, 0, 0, 1, "/ignored");

        ConsumerCpu cpu = table.scan();
        assertThat(cpu.cgroupPaths()).containsExactly("/docker/abc");
    }
}
