package dev.ergometer.source.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ergometer.model.Domain;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.testkit.CpuTimes;
import dev.ergometer.testkit.FakeProcfs;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelSourceTest {

    private static final long SECOND = 1_000_000_000L;
    private static final String CASCADE_LAKE = "Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz";
    /** Binary-exact watts, so that expected energies are exact: 0.5 W idle, 2.5 W busy per CPU, 0.25 W per GiB. */
    private static final ModelSource.Coefficients EXACT = new ModelSource.Coefficients(0.5, 2.5, 0.25, "test");

    @TempDir
    Path proc;

    private FakeProcfs procfs;
    private SystemPaths paths;
    private long nowNanos;
    private final Ticker ticker = () -> nowNanos;

    @BeforeEach
    void createProcfs() {
        procfs = FakeProcfs.machine(proc, 2).memTotalKib(8L * 1024 * 1024); // 2 CPUs, 8 GiB
        procfs.cpuTimes(CpuTimes.of(1_000, 5_000));
        paths = SystemPaths.real().withProcfs(proc);
        nowNanos = 42 * SECOND;
    }

    private EnergySource open(ModelSource.Coefficients coefficients) throws SourceUnavailableException {
        return ModelSource.factory(coefficients).open(paths, ticker);
    }

    @Test
    void idleHalfAndFullUtilisationGiveExactlyTheExpectedJoules() throws Exception {
        try (EnergySource model = open(EXACT)) {
            long[] microjoules = new long[2];

            procfs.advance(0, 200); // 2 CPUs x 1 s x 100 ticks, all idle
            nowNanos += SECOND;
            model.read(microjoules);
            assertThat(microjoules[0]).isEqualTo(2 * 500_000L); // 2 CPUs x 0.5 W x 1 s

            procfs.advance(100, 100); // 50 %
            nowNanos += SECOND;
            model.read(microjoules);
            assertThat(microjoules[0]).isEqualTo(1_000_000L + 2 * 1_500_000L); // 2 x (0.5 + 2.0 x 0.5) W x 1 s

            procfs.advance(200, 0); // 100 %
            nowNanos += 2 * SECOND;
            model.read(microjoules);
            assertThat(microjoules[0]).isEqualTo(4_000_000L + 2 * 2 * 2_500_000L); // 2 x 2.5 W x 2 s
        }
    }

    @Test
    void dramPowerIsMemTotalTimesWattsPerGib() throws Exception {
        try (EnergySource model = open(EXACT)) {
            long[] microjoules = new long[2];
            procfs.advance(50, 150);
            nowNanos += 3 * SECOND;
            model.read(microjoules);
            assertThat(microjoules[1]).isEqualTo(3 * 2_000_000L); // 8 GiB x 0.25 W x 3 s
            assertThat(model.counters().get(1).origin()).contains("MemTotal 8.0 GiB x 0.25 W/GiB");
        }
    }

    @Test
    void theUtilisationOfAnIntervalAppliesToThatIntervalOnly() throws Exception {
        try (EnergySource model = open(EXACT)) {
            long[] microjoules = new long[2];
            procfs.advance(200, 0);
            nowNanos += SECOND;
            model.read(microjoules);
            long afterBusySecond = microjoules[0];

            procfs.advance(0, 200);
            nowNanos += SECOND;
            model.read(microjoules);
            assertThat(afterBusySecond).isEqualTo(5_000_000L);
            assertThat(microjoules[0] - afterBusySecond).isEqualTo(1_000_000L);
        }
    }

    @Test
    void guestTimeIsNotCountedTwiceAndIowaitIsIdle() throws Exception {
        try (EnergySource model = open(EXACT)) {
            long[] microjoules = new long[2];
            // 100 user ticks of which 100 guest, 60 iowait + 40 idle: 50 % busy
            procfs.cpuTimes(procfs.cpuTimes().plus(new CpuTimes(100, 0, 0, 40, 60, 0, 0, 0, 100, 0)));
            nowNanos += SECOND;
            model.read(microjoules);
            assertThat(microjoules[0]).isEqualTo(3_000_000L);

            // steal, irq and softirq are busy
            procfs.cpuTimes(procfs.cpuTimes().plus(new CpuTimes(0, 0, 0, 0, 0, 50, 50, 100, 0, 0)));
            nowNanos += SECOND;
            model.read(microjoules);
            assertThat(microjoules[0]).isEqualTo(3_000_000L + 5_000_000L);
        }
    }

    @Test
    void whenNoTickPassedTheLastUtilisationHolds() throws Exception {
        try (EnergySource model = open(EXACT)) {
            long[] microjoules = new long[2];
            procfs.advance(200, 0);
            nowNanos += SECOND;
            model.read(microjoules);

            nowNanos += SECOND / 1000; // 1 ms: no clock tick
            model.read(microjoules);
            assertThat(microjoules[0]).isEqualTo(5_000_000L + 5_000L);
        }
    }

    @Test
    void countersNeverGoBackwardsAndKeepFractions() throws Exception {
        ModelSource.Coefficients tiny = new ModelSource.Coefficients(0.25, 0.25, 0, "tiny");
        try (EnergySource model = open(tiny)) {
            long[] microjoules = new long[2];
            long previous = 0;
            for (int i = 0; i < 10; i++) {
                nowNanos += 1_000; // 1 µs: 2 CPUs x 0.25 W = 0.5 µJ
                model.read(microjoules);
                assertThat(microjoules[0]).isGreaterThanOrEqualTo(previous);
                previous = microjoules[0];
            }
            assertThat(microjoules[0]).isEqualTo(5);
        }
    }

    @Test
    void tableRowIsPickedFromTheModelNameAndNamedInTheMethod() throws Exception {
        procfs.x86Cpu("GenuineIntel", CASCADE_LAKE, "fpu vme avx512f");
        try (EnergySource model = ModelSource.FACTORY.open(paths, ticker)) {
            assertThat(((ModelSource) model).coefficients())
                    .isEqualTo(new ModelSource.Coefficients(0.64, 3.97, 0.392, "Intel Xeon Cascade Lake (CCF)"));
            assertThat(model.method()).isEqualTo("estimated: CPU-utilisation model, 'Intel Xeon Cascade Lake (CCF)'"
                    + " row: 0.64-3.97 W per CPU x 2 CPUs; DRAM 0.392 W/GiB x 8.0 GiB");

            long[] microjoules = new long[2];
            procfs.advance(100, 100);
            nowNanos += SECOND;
            model.read(microjoules);
            assertThat(microjoules[0]).isCloseTo(2 * (640_000L + 3_330_000L / 2), within(1L));
            assertThat(microjoules[1]).isCloseTo(8 * 392_000L, within(1L));
        }
    }

    @Test
    void unknownCpuFallsBackToTheDefaultRow() throws Exception {
        procfs.x86Cpu("AuthenticAMD", "AMD EPYC", "fpu");
        try (EnergySource model = ModelSource.FACTORY.open(paths, ticker)) {
            assertThat(((ModelSource) model).coefficients())
                    .isEqualTo(new ModelSource.Coefficients(0.74, 3.5, 0.392, "average of cloud CPUs (CCF)"));
            assertThat(model.method()).contains("'average of cloud CPUs (CCF)' row: 0.74-3.5 W per CPU x 2 CPUs");
        }
    }

    @Test
    void armCpuIsRecognisedByImplementerAndPart() throws Exception {
        procfs.armCpu(0x41, 0xd0c);
        try (EnergySource model = ModelSource.FACTORY.open(paths, ticker)) {
            assertThat(model.method()).contains("Arm Neoverse N1/V1/V2").contains("0.47-1.69 W per CPU");
        }
    }

    @Test
    void missingCpuinfoFallsBackToTheDefaultRow() throws Exception {
        procfs.delete("cpuinfo");
        try (EnergySource model = ModelSource.FACTORY.open(paths, ticker)) {
            assertThat(model.method()).contains("'average of cloud CPUs (CCF)' row");
        }
    }

    @Test
    void offersPackageAndDramAndSaysItIsEstimated() throws Exception {
        try (EnergySource model = open(EXACT)) {
            assertThat(model.name()).isEqualTo("model");
            assertThat(model.domains()).containsExactly(Domain.packageOf(0), Domain.dramOf(0));
            assertThat(model.estimated()).isTrue();
            assertThat(model.maxReadIntervalNanos()).isEqualTo(SECOND);
            assertThat(model.method()).isEqualTo("estimated: CPU-utilisation model, 'test' coefficients:"
                    + " 0.5-2.5 W per CPU x 2 CPUs; DRAM 0.25 W/GiB x 8.0 GiB");
            assertThat(model.counters()).allSatisfy(c -> assertThat(c.wrapMicrojoules()).isEqualTo(Long.MAX_VALUE));
            assertThat(model.counters().getFirst().maxPowerMicrowatts()).isEqualTo(5_000_000L);
        }
    }

    @Test
    void cpuCountComesFromTheCpuLinesOfProcStat() throws Exception {
        FakeProcfs eight = FakeProcfs.machine(proc.resolve("eight"), 8);
        try (EnergySource model = ModelSource.factory(EXACT).open(paths.withProcfs(eight.root()), ticker)) {
            assertThat(((ModelSource) model).cpus()).isEqualTo(8);
            assertThat(model.counters().getFirst().maxPowerMicrowatts()).isEqualTo(20_000_000L);
        }
    }

    @Test
    void withoutMeminfoOnlyThePackageIsOffered() throws Exception {
        procfs.delete("meminfo");
        try (EnergySource model = open(EXACT)) {
            assertThat(model.domains()).containsExactly(Domain.packageOf(0));
            assertThat(model.method()).contains("no DRAM estimate");
            long[] microjoules = new long[1];
            nowNanos += SECOND;
            model.read(microjoules);
            assertThat(microjoules[0]).isPositive();
        }
    }

    @Test
    void missingProcStatSaysWhatToMount() {
        procfs.delete("stat");

        assertThatThrownBy(() -> open(EXACT))
                .isInstanceOfSatisfying(SourceUnavailableException.class, e -> {
                    assertThat(e.source()).isEqualTo("model");
                    assertThat(e.reason()).contains(proc.resolve("stat").toString()).contains("does not exist");
                    assertThat(e.fix()).contains("--procfs");
                });
    }

    @Test
    void malformedProcStatIsRefusedWithTheReason() {
        procfs.write("stat", "cpu0 1 2 3 4\nintr 0\n");

        assertThatThrownBy(() -> open(EXACT))
                .isInstanceOfSatisfying(SourceUnavailableException.class,
                        e -> assertThat(e.reason()).contains("aggregate 'cpu ' line"));
    }

    @Test
    void coefficientsRefuseMaxBelowIdle() {
        assertThatThrownBy(() -> new ModelSource.Coefficients(2, 1, 0.392, "bad"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("max watts per CPU (1.0) must be >= idle watts per CPU (2.0)");
        assertThatThrownBy(() -> new ModelSource.Coefficients(Double.NaN, 1, 0.392, "nan"))
                .hasMessageContaining("idle watts per CPU must be a finite number >= 0");
    }

    @Test
    void readsTheRealProcStatOfThisMachine() throws Exception {
        try (EnergySource model = ModelSource.FACTORY.open(SystemPaths.real(), Ticker.system())) {
            long[] first = new long[model.counters().size()];
            long[] second = new long[first.length];
            model.read(first);
            Thread.sleep(30);
            model.read(second);
            assertThat(second[0]).isGreaterThan(first[0]);
            assertThat(((ModelSource) model).cpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
        }
    }
}
