package dev.ergometer.profiler;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SampleBinsTest {

    private final SampleBins bins = new SampleBins();

    private static IntervalEnergy energy(long start, long end) {
        return new IntervalEnergy(start, end, 0, 0, 0, 0, 0, 0, 0, List.of(), 0);
    }

    @Test
    void samplesGoToTheIntervalOfTheirOwnTimestampWhenEverTheyArrive() {
        bins.open(1000);
        bins.close(energy(1000, 2000));
        bins.close(energy(2000, 3000));
        bins.add(1500, 1, "t", 0);
        bins.add(2500, 1, "t", 1);
        bins.add(2999, 1, "t", 1);

        List<SampleBins.Bin> ready = bins.takeReady(3000);

        assertThat(ready).hasSize(2);
        assertThat(ready.get(0).threads.get(1).total).isEqualTo(1);
        assertThat(ready.get(1).threads.get(1).total).isEqualTo(2);
    }

    @Test
    void anIntervalWaitsUntilTheStreamHasFlushedPastItsEnd() {
        bins.open(1000);
        bins.close(energy(1000, 2000));

        assertThat(bins.takeReady(1999)).isEmpty();
        assertThat(bins.takeReady(2000)).hasSize(1);
    }

    @Test
    void aSampleForAnIntervalAlreadyTakenIsCountedLateAndKept() {
        bins.open(1000);
        bins.close(energy(1000, 2000));
        bins.close(energy(2000, 3000));
        bins.takeReady(2000);

        bins.add(1500, 1, "t", 0);
        bins.add(500, 1, "t", 0);

        assertThat(bins.late()).isEqualTo(1);
        assertThat(bins.beforeStart()).isEqualTo(1);
        assertThat(bins.takeAll().getFirst().threads.get(1).total).isEqualTo(1);
    }

    @Test
    void samplesTakenAfterTheLastIntervalJoinIt() {
        bins.open(1000);
        bins.close(energy(1000, 2000));
        bins.add(2100, 4, "late-shutdown", 3);

        List<SampleBins.Bin> all = bins.takeAll();

        assertThat(all).hasSize(1);
        assertThat(all.getFirst().threads.get(4).countByStack.get(3)[0]).isEqualTo(1);
        assertThat(all.getFirst().threads.get(4).javaName).isEqualTo("late-shutdown");
    }
}
