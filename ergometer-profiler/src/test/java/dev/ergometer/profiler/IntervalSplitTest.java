package dev.ergometer.profiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;
import org.junit.jupiter.api.Test;

class IntervalSplitTest {

    private static ThreadCpuTable.ThreadCpu thread(int tid, long cpuNanos) {
        return new ThreadCpuTable.ThreadCpu(tid, "t" + tid, cpuNanos, false);
    }

    @Test
    void theJvmGetsItsShareOfTheBusyTimeAndEachThreadItsShareOfTheJvms() {
        // 10 J; CPUs busy 1000 of 2000 units; the JVM used 500 of them; its threads 100 and 300 (100 ended unseen)
        IntervalEnergy e = IntervalSplit.split(0, 1, new long[] {10_000_000}, 1000, 2000, 500,
                List.of(thread(1, 100), thread(2, 300)));

        assertThat(e.idleMicrojoules()).isEqualTo(5_000_000);
        assertThat(e.jvmMicrojoules()).isEqualTo(2_500_000);
        assertThat(e.otherProcessesMicrojoules()).isEqualTo(2_500_000);
        assertThat(e.threads()).extracting(IntervalEnergy.ThreadEnergy::microjoules).containsExactly(500_000L,
                1_500_000L);
        assertThat(e.unaccountedMicrojoules()).isEqualTo(500_000);
    }

    @Test
    void threadsReportingMoreThanTheProcessAreScaledDownNeverOverCharged() {
        IntervalEnergy e = IntervalSplit.split(0, 1, new long[] {1_000_000}, 1000, 1000, 1000,
                List.of(thread(1, 600), thread(2, 600)));

        assertThat(e.threads()).extracting(IntervalEnergy.ThreadEnergy::microjoules).containsExactly(500_000L,
                500_000L);
        assertThat(e.unaccountedMicrojoules()).isZero();
    }

    @Test
    void domainsAreSplitOneByOneThenAddedUp() {
        IntervalEnergy e = IntervalSplit.split(0, 1, new long[] {3_000_001, 1_000_000}, 1, 3, 1, List.of());

        assertThat(e.energyMicrojoules()).isEqualTo(4_000_001);
        assertThat(e.jvmMicrojoules()).isEqualTo(1_000_000 + 333_333);
        assertThat(e.unaccountedMicrojoules()).isEqualTo(e.jvmMicrojoules());
    }

    @Property(tries = 2000)
    void everyMicrojouleIsSomewhereExactly(@ForAll @LongRange(max = 1_000_000_000_000L) long energy,
            @ForAll @LongRange(max = 10_000_000_000L) long busy, @ForAll @LongRange(max = 10_000_000_000L) long idle,
            @ForAll @LongRange(max = 10_000_000_000L) long jvm, @ForAll @IntRange(max = 20) int threads,
            @ForAll @LongRange(max = 5_000_000_000L) long threadCpu) {
        List<ThreadCpuTable.ThreadCpu> cpu = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            cpu.add(thread(i, threadCpu * (i + 1) % 3_000_000_007L));
        }
        IntervalEnergy e = IntervalSplit.split(0, 1, new long[] {energy, energy / 3}, busy, busy + idle, jvm, cpu);

        long threadSum = e.threads().stream().mapToLong(IntervalEnergy.ThreadEnergy::microjoules).sum();
        assertThat(e.idleMicrojoules() + e.otherProcessesMicrojoules() + e.jvmMicrojoules())
                .isEqualTo(energy + energy / 3);
        assertThat(threadSum + e.unaccountedMicrojoules()).isEqualTo(e.jvmMicrojoules());
        assertThat(e.threads()).allSatisfy(t -> assertThat(t.microjoules()).isNotNegative());
        assertThat(e.unaccountedMicrojoules()).isNotNegative();
    }
}
