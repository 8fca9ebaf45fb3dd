package dev.ergometer.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.sampler.Sampler;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.powercap.PowercapSource;
import dev.ergometer.testkit.FakePowercapTree;
import dev.ergometer.testkit.FakeProcfs;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AttributionSamplerTest {

    private static final String CONTAINER = "3f2a9c0b1d4e5f60718293a4b5c6d7e8f90112233445566778899aabbccddeef";

    @TempDir
    Path root;
    private FakePowercapTree rapl;
    private FakeProcfs proc;
    private final AtomicLong clock = new AtomicLong();

    @BeforeEach
    void machine() {
        rapl = FakePowercapTree.oneSocket(root);
        proc = FakeProcfs.machine(root.resolve("proc"), 2);
    }

    private SystemPaths paths() {
        return SystemPaths.real().withSysfs(root).withProcfs(proc.root());
    }

    private void advanceEnergy(long packageMicrojoules) {
        rapl.setEnergy("intel-rapl:0", packageMicrojoules);
        rapl.setEnergy("intel-rapl:0:0", packageMicrojoules / 2);
        clock.addAndGet(1_000_000_000L);
    }

    private static void assertConserved(AttributedInterval interval) {
        for (int d = 0; d < interval.domains().size(); d++) {
            DomainShare share = interval.share(d);
            long sum = share.idleMicrojoules() + share.unattributedMicrojoules();
            for (Consumer c : interval.consumers()) {
                sum += interval.microjoules(c, d);
            }
            assertThat(sum).isEqualTo(interval.energy().microjoules(d));
        }
    }

    @Test
    void processesShareTheActiveEnergyByCpuTime() throws Exception {
        proc.process(100, "light", 1, 0, 0, 0, 0, 10, "/user.slice");
        proc.process(200, "heavy", 1, 0, 0, 0, 0, 20, "/system.slice/docker-" + CONTAINER + ".scope");
        try (PowercapSource source = PowercapSource.open(paths());
                Sampler sampler = new Sampler(source, clock::get, Sampler.DEFAULT_INTERVAL_NANOS);
                AttributionSampler attribution = AttributionSampler.processes(sampler, paths())) {
            // 2 CPUs over 1 s: 200 ticks, 100 busy; light used 25, heavy 75; the package used 20 J
            proc.advance(100, 100);
            proc.process(100, "light", 1, 20, 5, 0, 0, 10, "/user.slice");
            proc.process(200, "heavy", 1, 70, 5, 0, 0, 20, "/system.slice/docker-" + CONTAINER + ".scope");
            advanceEnergy(20_000_000);

            AttributedInterval interval = attribution.tick();

            Consumer light = new Consumer.Process(100, 10, "light");
            Consumer heavy = new Consumer.Process(200, 20, "heavy");
            assertThat(interval.share("package_0").idleMicrojoules()).isEqualTo(10_000_000);
            assertThat(interval.microjoules(light, 0)).isEqualTo(2_500_000);
            assertThat(interval.microjoules(heavy, 0)).isEqualTo(7_500_000);
            assertThat(interval.microjoules(heavy, 1)).isEqualTo(3_750_000);
            assertThat(interval.cpuNanos(heavy)).isEqualTo(750_000_000L);
            assertThat(interval.microjoulesBy(Consumer.Kind.CONTAINER, 0))
                    .containsExactly(java.util.Map.entry(new Consumer.Container("docker", CONTAINER), 7_500_000L));
            assertThat(interval.microjoulesBy(Consumer.Kind.CGROUP, 0))
                    .containsEntry(new Consumer.Cgroup("/user.slice"), 2_500_000L);
            assertConserved(interval);
        }
    }

    @Test
    void aProcessThatEndsMidIntervalKeepsItsLastShare() throws Exception {
        proc.process(300, "parent", 1, 0, 0, 0, 0, 10, "/");
        proc.process(301, "child", 300, 10, 0, 0, 0, 20, "/");
        try (PowercapSource source = PowercapSource.open(paths());
                Sampler sampler = new Sampler(source, clock::get, Sampler.DEFAULT_INTERVAL_NANOS);
                AttributionSampler attribution = AttributionSampler.processes(sampler, paths())) {
            // the child runs 100 more ticks (one CPU for 1 s) and exits; the parent waits: cutime 110
            proc.advance(100, 100);
            proc.endProcess(301);
            proc.process(300, "parent", 1, 0, 0, 110, 0, 10, "/");
            advanceEnergy(10_000_000);

            AttributedInterval interval = attribution.tick();

            assertThat(interval.microjoules(new Consumer.Process(301, 20, "child"), 0)).isEqualTo(5_000_000);
            assertThat(interval.share(0).unattributedMicrojoules()).isZero();
            assertConserved(interval);
            assertThat(attribution.tick().consumers()).containsExactly(new Consumer.Process(300, 10, "parent"));
        }
    }

    @Test
    void cgroupsV2AndV1AreReadFromTheirUsageFiles() throws Exception {
        Path v1 = root.resolve("fs/cgroup/cpuacct/batch");
        Files.createDirectories(v1);
        Files.writeString(v1.resolve("cpuacct.usage"), "1000000000\n");
        Path v2 = root.resolve("fs/cgroup/unified/web.slice");
        Files.createDirectories(v2);
        Files.writeString(v2.resolve("cpu.stat"), "usage_usec 2000000\nuser_usec 1500000\nsystem_usec 500000\n");
        List<Consumer.Cgroup> groups = List.of(Consumer.Cgroup.of("batch"), Consumer.Cgroup.of("web.slice"));
        try (PowercapSource source = PowercapSource.open(paths());
                Sampler sampler = new Sampler(source, clock::get, Sampler.DEFAULT_INTERVAL_NANOS);
                AttributionSampler attribution = AttributionSampler.cgroups(sampler, paths(), groups)) {
            proc.advance(200, 0);
            Files.writeString(v1.resolve("cpuacct.usage"), "1500000000\n");
            Files.writeString(v2.resolve("cpu.stat"), "usage_usec 3500000\nuser_usec 1500000\nsystem_usec 500000\n");
            advanceEnergy(8_000_000);

            AttributedInterval interval = attribution.tick();

            assertThat(interval.microjoules(groups.get(0), 0)).isEqualTo(2_000_000);
            assertThat(interval.microjoules(groups.get(1), 0)).isEqualTo(6_000_000);
            assertConserved(interval);
        }
    }

    @Test
    void aCgroupWithoutUsageFileSaysWhereItLooked() throws Exception {
        try (PowercapSource source = PowercapSource.open(paths());
                Sampler sampler = new Sampler(source, Ticker.system(), Sampler.DEFAULT_INTERVAL_NANOS)) {
            assertThatThrownBy(() -> AttributionSampler.cgroups(sampler, paths(), List.of(Consumer.Cgroup.of("nope"))))
                    .isInstanceOf(NoSuchFileException.class)
                    .hasMessageContaining("cpuacct/nope/cpuacct.usage")
                    .hasMessageContaining("controller is mounted");
        }
    }
}
