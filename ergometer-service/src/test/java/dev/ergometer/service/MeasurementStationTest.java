package dev.ergometer.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ergometer.meter.Sleeper;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.service.sandbox.Language;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.powercap.PowercapSource;
import dev.ergometer.testkit.FakePowercapTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The worker's bench on a fake powercap tree with a clock that moves only when waited on: the idle calibration is
 * measured exactly, stored with its time, reused while fresh and measured again when old; settling waits for power
 * to come back to idle.
 */
class MeasurementStationTest {

    private static final long SECOND = 1_000_000_000L;

    @TempDir
    Path root;

    private final ManualTicker ticker = new ManualTicker();
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-03-01T12:00:00Z"));
    private final AtomicInteger idleWatts = new AtomicInteger(4);
    private final AtomicInteger waits = new AtomicInteger();
    private CounterFile counter;
    private EnergySource source;
    private Sampler sampler;
    private Database database;
    private SystemPaths paths;

    /** Waiting moves the sampler's clock and the counter at the current idle power. */
    private final Sleeper sleeper = nanos -> {
        waits.incrementAndGet();
        ticker.advanceNanos(nanos);
        counter.add(Math.round(idleWatts.get() * nanos / 1e3));
    };

    private final Clock clock = new Clock() {
        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now.get();
        }
    };

    @BeforeEach
    void open() throws Exception {
        FakePowercapTree tree = FakePowercapTree.in(root.resolve("sys"))
                .zone("intel-rapl:0", "package-0", FakePowercapTree.TYPICAL_RANGE_MICROJOULES);
        counter = new CounterFile(tree.energyFile("intel-rapl:0"));
        Files.createDirectories(root.resolve("proc"));
        Files.writeString(root.resolve("proc/cpuinfo"), "processor\t: 0\nmodel name\t: Test CPU 9000 @ 3.00GHz\n");
        Path governor = root.resolve("sys/devices/system/cpu/cpu1/cpufreq/scaling_governor");
        Files.createDirectories(governor.getParent());
        Files.writeString(governor, "performance\n");
        paths = new SystemPaths(root.resolve("sys"), root.resolve("proc"), root.resolve("dev"));
        source = PowercapSource.FACTORY.open(paths, ticker);
        sampler = new Sampler(source, ticker, Sampler.DEFAULT_INTERVAL_NANOS);
        database = Database.open("jdbc:h2:mem:station" + System.nanoTime() + ";DB_CLOSE_DELAY=-1", null, null);
    }

    @AfterEach
    void close() {
        sampler.close();
        source.close();
        database.close();
    }

    private MeasurementStation station(ScriptedSandbox sandbox, Duration maxAge) throws Exception {
        return new MeasurementStation(sampler, sandbox, sleeper, clock, new IdlePowerStore(database), "bench",
                Duration.ofSeconds(2), maxAge, List.of(0, 1), new MachineDescription(paths),
                TrialLength.DEFAULT_MINIMUM);
    }

    private ScriptedSandbox oneJoulePerTrial() {
        return ScriptedSandbox.answering(inputs -> inputs, t -> {
            ticker.advanceNanos(SECOND);
            counter.add(idleWatts.get() * 1_000_000L + 1_000_000L);
        });
    }

    private static MeasureRequest request(double thermalWaitSeconds, Optional<Integer> core) {
        return new MeasureRequest("x", List.of(new TestCase(5, 5, "t", Map.of())), "solve", Language.PYTHON, 30, 512,
                3, 0, core, thermalWaitSeconds, Optional.empty(), Optional.empty());
    }

    @Test
    void idlePowerIsMeasuredStoredWithItsTimeAndTakenOffEachTrial() throws Exception {
        MeasurementStation station = station(oneJoulePerTrial(), Duration.ofMinutes(30));

        MeasurementStation.Result result = station.measure(request(0, Optional.empty()), Measurement.Progress.NONE,
                () -> false);

        MeasurementStation.Environment environment = result.environment().orElseThrow();
        assertThat(environment.idle().watts(0)).isCloseTo(4.0, within(1e-9));
        assertThat(environment.idle().window()).isEqualTo(Duration.ofSeconds(2));
        assertThat(environment.idle().measuredAt()).isEqualTo(now.get());
        assertThat(environment.idleAge()).isZero();
        assertThat(((MeasurementOutcome.Completed) result.outcome()).metrics().medianTotalJoules())
                .isCloseTo(1.0, within(1e-9));
        assertThat(new IdlePowerStore(database).load("bench", "powercap")).contains(environment.idle());
        assertThat(environment.cpuModel()).contains("Test CPU 9000 @ 3.00GHz");
        assertThat(environment.core()).isZero();
    }

    @Test
    void aFreshCalibrationIsReusedWithItsAgeAndAnOldOneMeasuredAgain() throws Exception {
        MeasurementStation station = station(oneJoulePerTrial(), Duration.ofMinutes(30));
        station.measure(request(0, Optional.empty()), Measurement.Progress.NONE, () -> false);
        int waitsAfterFirst = waits.get();

        now.set(now.get().plus(Duration.ofMinutes(10)));
        idleWatts.set(6);
        MeasurementStation.Environment fresh = station.measure(request(0, Optional.empty()),
                Measurement.Progress.NONE, () -> false).environment().orElseThrow();

        assertThat(waits.get()).isEqualTo(waitsAfterFirst);
        assertThat(fresh.idle().watts(0)).isCloseTo(4.0, within(1e-9));
        assertThat(fresh.idleAge()).isEqualTo(Duration.ofMinutes(10));

        now.set(now.get().plus(Duration.ofMinutes(25)));
        MeasurementStation.Result renewed = station.measure(request(0, Optional.empty()), Measurement.Progress.NONE,
                () -> false);

        assertThat(renewed.environment().orElseThrow().idle().watts(0)).isCloseTo(6.0, within(1e-9));
        assertThat(renewed.environment().orElseThrow().idleAge()).isZero();
        assertThat(((MeasurementOutcome.Completed) renewed.outcome()).metrics().medianTotalJoules())
                .isCloseTo(1.0, within(1e-9));
    }

    @Test
    void settlingWaitsUntilPowerIsBackNearIdle() throws Exception {
        MeasurementStation station = station(oneJoulePerTrial(), Duration.ofMinutes(30));
        station.currentIdle(Measurement.Progress.NONE);
        AtomicInteger windows = new AtomicInteger();
        Sampler s = sampler;
        Sleeper hot = nanos -> {
            ticker.advanceNanos(nanos);
            int watts = windows.incrementAndGet() <= 3 ? 20 : 4;
            counter.add(Math.round(watts * nanos / 1e3));
        };
        EnergySlots slots = EnergySlots.of(s.domains());
        IdlePower idle = station.currentIdle(Measurement.Progress.NONE);

        Settling.Result settled = Settling.await(s, hot, slots, idle, Duration.ofSeconds(5));
        Settling.Result timedOut = Settling.await(s, nanos -> {
            ticker.advanceNanos(nanos);
            counter.add(Math.round(30 * nanos / 1e3));
        }, slots, idle, Duration.ofSeconds(2));

        assertThat(settled.settled()).isTrue();
        assertThat(settled.waitedSeconds()).isCloseTo(2.0, within(1e-9));
        assertThat(settled.lastPowerWatts()).isCloseTo(4.0, within(1e-9));
        assertThat(timedOut.settled()).isFalse();
        assertThat(timedOut.waitedSeconds()).isCloseTo(2.0, within(1e-9));
        assertThat(Settling.await(s, hot, slots, idle, Duration.ZERO).attempted()).isFalse();
    }

    @Test
    void theFrequencyGovernorOfTheChosenCoreIsReported() throws Exception {
        MeasurementStation station = station(oneJoulePerTrial(), Duration.ofMinutes(30));

        MeasurementStation.Environment environment = station.measure(request(0, Optional.of(1)),
                Measurement.Progress.NONE, () -> false).environment().orElseThrow();

        assertThat(environment.core()).isEqualTo(1);
        assertThat(environment.governor()).contains("performance");
    }

    @Test
    void aCoreThisProcessMayNotUseFailsTheTaskWithTheAllowedCores() throws Exception {
        MeasurementStation station = station(oneJoulePerTrial(), Duration.ofMinutes(30));

        MeasurementStation.Result result = station.measure(request(0, Optional.of(4000)), Measurement.Progress.NONE,
                () -> false);

        MeasurementOutcome.Failed failed = (MeasurementOutcome.Failed) result.outcome();
        assertThat(failed.errorType()).isEqualTo("invalid_cpu_core");
        assertThat(failed.errorMessage()).contains("core 4000", "leave cpu_core out");
    }

    @Test
    void twoMeasurementsNeverShareACore() throws Exception {
        CorePool pool = new CorePool(List.of(2, 3));

        int first = pool.acquire(Optional.empty());
        int second = pool.acquire(Optional.empty());
        Thread waiting = Thread.ofPlatform().start(() -> {
            try {
                pool.release(pool.acquire(Optional.of(2)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        waiting.join(200);

        assertThat(List.of(first, second)).containsExactly(2, 3);
        assertThat(waiting.isAlive()).isTrue();
        pool.release(2);
        waiting.join(5_000);
        assertThat(waiting.isAlive()).isFalse();
        assertThat(pool.busyCount()).isEqualTo(1);
    }
}
