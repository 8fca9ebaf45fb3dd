package dev.ergometer.source.perf;

import static dev.ergometer.testkit.FakePerfPowerPmu.NANOSECONDS_AS_JOULES;
import static dev.ergometer.testkit.FakePerfPowerPmu.PERF_COUNT_SW_CPU_CLOCK;
import static dev.ergometer.testkit.FakePerfPowerPmu.PERF_TYPE_SOFTWARE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.ergometer.model.Domain;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.DomainCounter;
import dev.ergometer.source.EnergyReadException;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.testkit.FakePerfPowerPmu;
import dev.ergometer.testkit.FakePerfProcfs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PerfPowerSourceTest {

    /** A power PMU whose events all count CPU clock nanoseconds as nano-"joules": 1 J per second per CPU. */
    private static final FakePerfPowerPmu CPU_CLOCK_PMU = FakePerfPowerPmu.ofType(PERF_TYPE_SOFTWARE);

    @TempDir
    Path sysfs;

    @TempDir
    Path procfs;

    private SystemPaths paths() {
        return new SystemPaths(sysfs, procfs, Path.of("/dev"));
    }

    @Test
    void cpuClockPmuCountsAboutOneJoulePerSecondOnEveryPackageAndDram() throws Exception {
        String cpumask = Runtime.getRuntime().availableProcessors() > 1 ? "0,1" : "0";
        CPU_CLOCK_PMU.withCpumask(cpumask)
                .withEvent("energy-pkg", PERF_COUNT_SW_CPU_CLOCK, NANOSECONDS_AS_JOULES)
                .withEvent("energy-ram", PERF_COUNT_SW_CPU_CLOCK, NANOSECONDS_AS_JOULES)
                .writeTo(sysfs);

        try (EnergySource perf = PerfPowerSource.FACTORY.open(paths(), Ticker.system())) {
            long[] before = new long[perf.counters().size()];
            long[] after = new long[perf.counters().size()];
            perf.read(before);
            long wallBefore = System.nanoTime();
            Thread.sleep(300);
            perf.read(after);
            double wallSeconds = (System.nanoTime() - wallBefore) / 1e9;

            List<Domain> expected = cpumask.equals("0,1")
                    ? List.of(Domain.packageOf(0), Domain.dramOf(0), Domain.packageOf(1), Domain.dramOf(1))
                    : List.of(Domain.packageOf(0), Domain.dramOf(0));
            assertThat(perf.domains()).isEqualTo(expected);
            for (int i = 0; i < before.length; i++) {
                double microjoulesPerSecond = (after[i] - before[i]) / wallSeconds;
                assertThat(microjoulesPerSecond).as(perf.domains().get(i).id()).isBetween(0.5e6, 1.5e6);
            }
        }
    }

    @Test
    void countersSayWhereTheyAreReadAndHowFine() throws Exception {
        CPU_CLOCK_PMU.withEvent("energy-pkg", PERF_COUNT_SW_CPU_CLOCK, NANOSECONDS_AS_JOULES).writeTo(sysfs);

        try (PerfPowerSource perf = PerfPowerSource.open(paths())) {
            DomainCounter counter = perf.counters().getFirst();

            assertThat(perf.name()).isEqualTo("perf");
            assertThat(perf.method()).isEqualTo("RAPL energy counters through the perf power PMU (perf_event_open)");
            assertThat(perf.estimated()).isFalse();
            assertThat(counter.domain()).isEqualTo(Domain.packageOf(0));
            assertThat(counter.origin()).isEqualTo("perf power/energy-pkg/ on cpu 0");
            assertThat(counter.resolutionMicrojoules()).isEqualTo(1e-3);
            assertThat(counter.wrapMicrojoules()).isEqualTo((long) Math.floor(0x1p64 * 1e-3));
            assertThat(counter.maxPowerMicrowatts()).isEqualTo(DomainCounter.DEFAULT_MAX_POWER_MICROWATTS);
        }
    }

    @Test
    void psysIsOpenedOnceOnTheFirstCpuAndDomainsReadInPyJoulesOrder() throws Exception {
        CPU_CLOCK_PMU.withCpumask("0-1")
                .withEvent("energy-psys", PERF_COUNT_SW_CPU_CLOCK, NANOSECONDS_AS_JOULES)
                .withEvent("energy-ram", PERF_COUNT_SW_CPU_CLOCK, NANOSECONDS_AS_JOULES)
                .withEvent("energy-gpu", PERF_COUNT_SW_CPU_CLOCK, NANOSECONDS_AS_JOULES)
                .withEvent("energy-cores", PERF_COUNT_SW_CPU_CLOCK, NANOSECONDS_AS_JOULES)
                .withEvent("energy-pkg", PERF_COUNT_SW_CPU_CLOCK, NANOSECONDS_AS_JOULES)
                .writeTo(sysfs);

        try (PerfPowerSource perf = PerfPowerSource.open(paths())) {
            assertThat(perf.domains()).extracting(Domain::id).containsExactly(
                    "package_0", "core_0", "uncore_0", "dram_0", "package_1", "core_1", "uncore_1", "dram_1", "psys");
            assertThat(perf.counters().getLast().origin()).isEqualTo("perf power/energy-psys/ on cpu 0");
            assertThat(perf.counters().get(4).origin()).isEqualTo("perf power/energy-pkg/ on cpu 1");
        }
    }

    @Test
    void eventWithMoreTermsIsOpenedWithItsEventTerm() throws Exception {
        CPU_CLOCK_PMU.withEventFiles("energy-pkg", "event=0x00,umask=0x03", "1e-9", "Joules").writeTo(sysfs);

        try (PerfPowerSource perf = PerfPowerSource.open(paths())) {
            long[] first = new long[1];
            long[] second = new long[1];
            perf.read(first);
            Thread.sleep(20);
            perf.read(second);

            assertThat(second[0]).isGreaterThan(first[0]);
        }
    }

    @Test
    void unknownEventConfigSaysEventNotSupportedAndClosesWhatItOpened() throws Exception {
        CPU_CLOCK_PMU.withEvent("energy-pkg", PERF_COUNT_SW_CPU_CLOCK, NANOSECONDS_AS_JOULES)
                .withEvent("energy-ram", 0x7f, NANOSECONDS_AS_JOULES)
                .writeTo(sysfs);
        List<Path> descriptorsBefore = PerfEventOpenTest.perfDescriptors();

        var unavailable = catchThrowableOfType(SourceUnavailableException.class, () -> PerfPowerSource.open(paths()));

        assertThat(unavailable.source()).isEqualTo("perf");
        assertThat(unavailable.reason())
                .startsWith("cannot open perf power/energy-ram/ on cpu 0 (" + sysfs.resolve(
                        "bus/event_source/devices/power/events/energy-ram") + "): perf_event_open(type 1, config 0x7f,"
                        + " all processes, CPU 0) failed with ENOENT (errno 2): event not supported");
        assertThat(unavailable.fix()).isEqualTo("use another source (erg domains lists them)");
        assertThat(unavailable.getCause()).isInstanceOf(PerfEventOpenException.class);
        assertThat(PerfEventOpenTest.perfDescriptors()).isEqualTo(descriptorsBefore);
    }

    @Test
    void pmuTypeTheKernelDoesNotKnowSaysEventNotSupported() throws Exception {
        FakePerfPowerPmu.ofType(0x7fff_0000).withEvent("energy-pkg", 2, FakePerfPowerPmu.RAPL_JOULES_PER_COUNT)
                .writeTo(sysfs);

        assertThatThrownBy(() -> PerfPowerSource.open(paths()))
                .isInstanceOf(SourceUnavailableException.class)
                .hasMessageContaining("type 2147418112, config 0x2, all processes, CPU 0) failed with ENOENT")
                .hasMessageContaining("event not supported");
    }

    @Test
    void cpuOutsideTheMachineSaysEventNotSupportedForThatCpu() throws Exception {
        CPU_CLOCK_PMU.withCpumask("100000").withEvent("energy-pkg", PERF_COUNT_SW_CPU_CLOCK, NANOSECONDS_AS_JOULES)
                .writeTo(sysfs);

        assertThatThrownBy(() -> PerfPowerSource.open(paths()))
                .isInstanceOf(SourceUnavailableException.class)
                .hasMessageContaining("cannot open perf power/energy-pkg/ on cpu 100000")
                .hasMessageContaining("failed with EINVAL");
    }

    @Test
    void absentPmuOnAVirtualMachineSaysSo() throws Exception {
        FakePerfProcfs.writeCpuFlags(procfs, "fpu", "vme", "sse2", "hypervisor", "avx2");

        var unavailable = catchThrowableOfType(SourceUnavailableException.class, () -> PerfPowerSource.open(paths()));

        assertThat(unavailable.reason()).isEqualTo("no perf power PMU ("
                + sysfs.resolve("bus/event_source/devices/power") + " is absent): this is a VM (the hypervisor flag"
                + " is set in " + procfs.resolve("cpuinfo") + "), and VMs rarely expose RAPL");
        assertThat(unavailable.fix()).isEqualTo("use another source (erg domains lists them)");
    }

    @Test
    void absentPmuOnBareMetalBlamesTheCpuOrKernel() throws Exception {
        FakePerfProcfs.writeCpuFlags(procfs, "fpu", "vme", "sse2", "rapl");

        assertThatThrownBy(() -> PerfPowerSource.open(paths()))
                .isInstanceOf(SourceUnavailableException.class)
                .hasMessageContaining("no perf power PMU")
                .hasMessageContaining("this CPU has no RAPL, or the kernel was built without the RAPL perf driver")
                .hasMessageNotContaining("VM");
    }

    @Test
    void pmuWithoutEnergyEventsIsUnavailable() throws Exception {
        CPU_CLOCK_PMU.withEvent("energy-unknown", 1, "1e-9").writeTo(sysfs);

        assertThatThrownBy(() -> PerfPowerSource.open(paths()))
                .isInstanceOf(SourceUnavailableException.class)
                .hasMessageContaining("lists no energy event (energy-pkg, energy-cores, energy-gpu, energy-ram,"
                        + " energy-psys)");
    }

    @Test
    void malformedDescriptionsNameTheFileAndItsContent() throws Exception {
        Path pmu = CPU_CLOCK_PMU.withEvent("energy-pkg", 0, "1e-9").writeTo(sysfs);
        Path events = pmu.resolve("events");

        Files.writeString(pmu.resolve("type"), "software\n");
        assertUnavailable(pmu.resolve("type") + " holds 'software', expected the PMU's type number");
        Files.writeString(pmu.resolve("type"), "1\n");

        Files.writeString(pmu.resolve("cpumask"), "\n");
        assertUnavailable(pmu.resolve("cpumask") + " holds '', expected a CPU list such as 0,8");
        Files.writeString(pmu.resolve("cpumask"), "0\n");

        Files.writeString(events.resolve("energy-pkg"), "umask=0x01\n");
        assertUnavailable(events.resolve("energy-pkg") + " holds 'umask=0x01', expected an event term such as"
                + " event=0x02");
        Files.writeString(events.resolve("energy-pkg"), "event=0xzz\n");
        assertUnavailable("the event term '0xzz' is not a number");
        Files.writeString(events.resolve("energy-pkg"), "event=0x00\n");

        Files.writeString(events.resolve("energy-pkg.scale"), "-1e-9\n");
        assertUnavailable("a scale must be positive");
        Files.delete(events.resolve("energy-pkg.scale"));
        assertUnavailable(events.resolve("energy-pkg.scale") + " is missing from the power PMU's description");
        Files.writeString(events.resolve("energy-pkg.scale"), "1e-9\n");

        Files.writeString(events.resolve("energy-pkg.unit"), "Watts\n");
        assertUnavailable(events.resolve("energy-pkg.unit") + " says the event counts in 'Watts', not Joules");
    }

    @Test
    void closedSourceRefusesToRead() throws Exception {
        CPU_CLOCK_PMU.withEvent("energy-pkg", PERF_COUNT_SW_CPU_CLOCK, NANOSECONDS_AS_JOULES).writeTo(sysfs);
        PerfPowerSource perf = PerfPowerSource.open(paths());

        perf.close();

        assertThatThrownBy(() -> perf.read(new long[1]))
                .isInstanceOf(EnergyReadException.class)
                .hasMessageContaining("perf event (type 1, config 0x0, all processes, CPU 0) is closed");
    }

    @Test
    void factoryNamesTheSourceAndSaysItWorksWithoutRoot() {
        assertThat(PerfPowerSource.FACTORY.name()).isEqualTo("perf");
        assertThat(PerfPowerSource.FACTORY.summary()).contains("perf_event_paranoid <= 0").contains("CAP_PERFMON");
    }

    private void assertUnavailable(String reasonPart) {
        assertThatThrownBy(() -> PerfPowerSource.open(paths()))
                .isInstanceOf(SourceUnavailableException.class)
                .extracting(e -> ((SourceUnavailableException) e).reason())
                .asString()
                .contains(reasonPart);
    }
}
