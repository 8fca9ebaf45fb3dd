package dev.ergometer.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;

/** A benchmark whose operation takes a known time (10 ms), for {@link EnergyProfilerTest} only. */
public class SleepingBenchmark {

    static final long SLEEP_MILLIS = 10;

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    public void sleepsTenMillis() throws InterruptedException {
        Thread.sleep(SLEEP_MILLIS);
    }
}
