package dev.ergometer.profiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class ProfileAccumulatorTest {

    private final StackTable stacks = new StackTable();
    private final SampleBins bins = new SampleBins();
    private final ProfileAccumulator accumulator = new ProfileAccumulator(stacks, null, 0);

    private static IntervalEnergy.ThreadEnergy thread(int tid, String name, long microjoules, boolean ended) {
        return new IntervalEnergy.ThreadEnergy(tid, name, microjoules * 1000, microjoules, ended);
    }

    private static IntervalEnergy interval(long start, long end, long unaccounted,
            IntervalEnergy.ThreadEnergy... threads) {
        long jvm = unaccounted;
        for (IntervalEnergy.ThreadEnergy t : threads) {
            jvm += t.microjoules();
        }
        return new IntervalEnergy(start, end, jvm + 1000, 400, 600, jvm, 1, 2, 1, List.of(threads), unaccounted);
    }

    private Map<String, Long> stackEnergy() {
        Profile profile = accumulator.snapshot(info(), 0, 0, 0);
        return profile.stacks().stream().collect(Collectors.toMap(s -> String.join(";", s.frames()),
                Profile.Stack::microjoules));
    }

    private static Profile.Info info() {
        return new Profile.Info(1, "java Main", "model", "a model", true, "package_0", SamplerChoice.CPU_TIME,
                20_000_000, 1_000_000_000, List.of(), Instant.EPOCH, true);
    }

    @Test
    void aThreadsEnergyIsSplitAmongItsStacksBySamplesExactly() {
        int a = stacks.stack("Main.run", "Main.a");
        int b = stacks.stack("Main.run", "Main.b");
        bins.open(0);
        for (int i = 0; i < 1; i++) {
            bins.add(10, 7, "worker", a);
        }
        for (int i = 0; i < 3; i++) {
            bins.add(20, 7, "worker", b);
        }
        bins.close(interval(0, 100, 0, thread(7, "worker", 1_000_001, false)));

        accumulator.add(bins.takeAll().getFirst());

        assertThat(stackEnergy()).containsEntry("Main.run;Main.a", 250_000L).containsEntry("Main.run;Main.b", 750_001L);
    }

    @Test
    void threadsWithoutSamplesAndTheProfilerGetTheirOwnFrames() {
        bins.open(0);
        bins.close(interval(0, 100, 0, thread(8, "GC Thread#0", 300, false), thread(9, "JFR Recorder Th", 50, false),
                thread(10, "erg-profiler", 20, false)));

        ProfileAccumulator.Added added = accumulator.add(bins.takeAll().getFirst());

        assertThat(stackEnergy()).containsEntry("[not sampled];[GC Thread#0]", 300L)
                .containsEntry("[profiler];[JFR Recorder Th]", 50L).containsEntry("[profiler];[erg-profiler]", 20L);
        assertThat(added.point().profilerMicrojoules()).isEqualTo(70);
        assertThat(added.point().notSampledMicrojoules()).isEqualTo(300);
    }

    @Test
    void theUnaccountedPartGoesToTheSamplesOfThreadsThatEnded() {
        int a = stacks.stack("Main.a");
        int b = stacks.stack("Main.b");
        int c = stacks.stack("Main.c");
        bins.open(0);
        bins.add(10, 7, "living", c);
        bins.add(10, 8, "ended-seen", a);
        bins.add(10, 9, "ended-unseen", b);
        bins.add(11, 9, "ended-unseen", b);
        bins.close(interval(0, 100, 900, thread(7, "living", 100, false), thread(8, "ended-seen", 100, true)));

        ProfileAccumulator.Added added = accumulator.add(bins.takeAll().getFirst());

        // thread 8 keeps its own 100 µJ and shares the 900 unaccounted with thread 9 by samples, 1:2
        assertThat(stackEnergy()).containsEntry("Main.c", 100L).containsEntry("Main.a", 100L + 300)
                .containsEntry("Main.b", 600L).doesNotContainKey(ProfileAccumulator.UNACCOUNTED);
        assertThat(added.point().unaccountedMicrojoules()).isZero();
        assertThat(added.point().samples()).isEqualTo(4);
    }

    @Test
    void unaccountedEnergyWithNoEndedThreadStaysUnaccounted() {
        bins.open(0);
        bins.close(interval(0, 100, 42, thread(7, "living", 100, false)));

        accumulator.add(bins.takeAll().getFirst());

        assertThat(stackEnergy()).containsEntry(ProfileAccumulator.UNACCOUNTED, 42L);
    }

    @Test
    void theStacksAddUpToTheJvmsEnergyInEveryInterval() {
        int[] ids = {stacks.stack("A.x"), stacks.stack("A.x", "B.y"), stacks.stack("C.z")};
        bins.open(0);
        long jvm = 0;
        for (int k = 0; k < 50; k++) {
            for (int s = 0; s < (k * 7) % 11; s++) {
                bins.add(k * 100 + s, 1 + s % 3, "t", ids[(s + k) % 3]);
            }
            IntervalEnergy e = interval(k * 100, (k + 1) * 100, k * 13 % 5, thread(1, "t", 1000 + k * 37, false),
                    thread(2, "t", 17 * k, false), thread(3, "GC", 5, k % 4 == 0));
            jvm += e.jvmMicrojoules();
            bins.close(e);
        }
        for (SampleBins.Bin bin : bins.takeAll()) {
            accumulator.add(bin);
        }

        long stacksTotal = stackEnergy().values().stream().mapToLong(Long::longValue).sum();
        long threadsTotal = accumulator.snapshot(info(), 0, 0, 0).threads().stream()
                .mapToLong(Profile.ThreadTotal::microjoules).sum();
        assertThat(stacksTotal).isEqualTo(jvm);
        assertThat(threadsTotal + accumulator.snapshot(info(), 0, 0, 0)
                .total(Profile.TimelinePoint::unaccountedMicrojoules)).isEqualTo(jvm);
    }
}
