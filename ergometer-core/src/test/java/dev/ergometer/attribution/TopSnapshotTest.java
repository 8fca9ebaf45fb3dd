package dev.ergometer.attribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.ergometer.model.Domain;
import dev.ergometer.model.Resource;
import dev.ergometer.sampler.EnergyInterval;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TopSnapshotTest {

    private static final String DOCKER_ID = "3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708";

    @Test
    void rowsAreSortedByTheirTotalOverPackageAndDramButNotCores() {
        TopSnapshot top = TopSnapshot.of(threeProcesses(), Consumer.Kind.PROCESS, 10, "powercap", "RAPL", false);

        assertThat(top.domains()).extracting(TopSnapshot.DomainPower::id)
                .containsExactly("package_0", "core_0", "dram_0");
        assertThat(top.domains()).extracting(TopSnapshot.DomainPower::inTotal).containsExactly(true, false, true);
        // package 10 J, cores 6 J, dram 4 J over 2 s; busy 4 of 5 CPU-seconds; busy used 2 s, light 1 s
        TopSnapshot.Row busy = top.rows().getFirst();
        assertThat(busy.label()).isEqualTo("busy (pid 10)");
        assertThat(busy.watts()).containsExactly(2.0, 1.2, 0.8);
        assertThat(busy.totalWatts()).isCloseTo(2.8, within(1e-9));
        assertThat(busy.cpuPercent()).hasValue(100.0);
        assertThat(top.rows()).extracting(TopSnapshot.Row::label)
                .containsExactly("busy (pid 10)", "light (pid 11)", "idle (pid 12)");
        TopSnapshot.DomainPower pkg = top.domains().getFirst();
        assertThat(pkg.machineWatts()).isEqualTo(5.0);
        assertThat(pkg.idleWatts() + pkg.attributedWatts() + pkg.unattributedWatts()).isCloseTo(5.0, within(1e-9));
        assertThat(top.durationNanos()).isEqualTo(2_000_000_000L);
        assertThat(top.consumerCount()).isEqualTo(3);
    }

    @Test
    void limitKeepsTheBiggestAndCountsAll() {
        TopSnapshot top = TopSnapshot.of(threeProcesses(), Consumer.Kind.PROCESS, 1, "powercap", "RAPL", false);

        assertThat(top.rows()).extracting(TopSnapshot.Row::label).containsExactly("busy (pid 10)");
        assertThat(top.consumerCount()).isEqualTo(3);
    }

    @Test
    void containersAddUpTheirProcessesAndHaveNoCpuPercent() {
        TopSnapshot top = TopSnapshot.of(threeProcesses(), Consumer.Kind.CONTAINER, 10, "powercap", "RAPL", false);

        assertThat(top.rows()).singleElement().satisfies(row -> {
            assertThat(row.kind()).isEqualTo(Consumer.Kind.CONTAINER);
            assertThat(row.id()).isEqualTo("container/docker/" + DOCKER_ID);
            assertThat(row.watts().getFirst()).isCloseTo(3.0, within(1e-9));
            assertThat(row.cpuPercent()).isEmpty();
        });
    }

    @Test
    void withoutPackagesTheTotalIsPsysAloneOrTheMachineDomain() {
        boolean[] psys = TopSnapshot.inTotal(List.of(Domain.psys(0), Domain.dramOf(0),
                Domain.of(new Resource.Gpu("nvidia", 0))));
        assertThat(psys).containsExactly(true, false, true);
        psys = TopSnapshot.inTotal(List.of(Domain.psys(0), Domain.dramOf(0)));
        assertThat(psys).containsExactly(true, false);
        assertThat(TopSnapshot.inTotal(List.of(Domain.of(new Resource.Machine())))).containsExactly(true);
        assertThat(TopSnapshot.inTotal(List.of(Domain.packageOf(0), Domain.psys(0), Domain.uncoreOf(0))))
                .containsExactly(true, false, false);
    }

    @Test
    void jsonReadsBackTheSameSnapshot() {
        TopSnapshot top = TopSnapshot.of(threeProcesses(), Consumer.Kind.PROCESS, 10, "model", "a \"model\"", true);
        top = new TopSnapshot(top.source(), top.method(), top.estimated(), top.kind(), top.durationNanos(),
                top.domains(), top.nodeBusyNanos(), top.nodeTotalNanos(), top.rows(), top.consumerCount(),
                List.of("gpu energy left unattributed"));

        String json = TopSnapshotJson.write(top);

        assertThat(json).contains("\"view\":\"processes\"", "\"interval_s\":2", "\"kind\":\"process\"",
                "\"power_watts\":{\"package_0\":2,\"core_0\":1.2,\"dram_0\":0.8}", "\"in_total\":false");
        assertThat(TopSnapshotJson.read(json)).isEqualTo(top);
    }

    @Test
    void jsonWithoutAMemberSaysWhichOne() {
        assertThatThrownBy(() -> TopSnapshotJson.read("{\"source\":\"powercap\",\"domains\":[],\"rows\":[]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("\"warnings\" must be an array");
    }

    @Test
    void viewNamesAreProcessesCgroupsAndContainersOnly() {
        assertThat(TopSnapshot.view("Containers")).isEqualTo(Consumer.Kind.CONTAINER);
        assertThat(TopSnapshot.view("p")).isEqualTo(Consumer.Kind.PROCESS);
        assertThat(TopSnapshot.viewName(Consumer.Kind.CGROUP)).isEqualTo("cgroups");
        assertThatThrownBy(() -> TopSnapshot.view("pods")).hasMessageContaining("processes, cgroups or containers");
        assertThatThrownBy(() -> TopSnapshot.of(threeProcesses(), Consumer.Kind.POD, 1, "s", "m", false))
                .isInstanceOf(IllegalArgumentException.class);
    }

    /**
     * package 10 J, core 6 J, dram 4 J over 2 s, node busy 4 s of 5 s; in a container, pid 10 used 2 s and pid 11
     * 1 s; pid 12 outside, idle.
     */
    private static AttributedInterval threeProcesses() {
        List<Domain> domains = List.of(Domain.packageOf(0), Domain.coreOf(0), Domain.dramOf(0));
        long[] energy = {10_000_000, 6_000_000, 4_000_000};
        EnergyInterval interval = new EnergyInterval(domains, 0, 2_000_000_000L, energy, 0);
        List<Consumer> consumers = List.of(new Consumer.Process(10, 1, "busy"), new Consumer.Process(11, 1, "light"),
                new Consumer.Process(12, 1, "idle"));
        String inContainer = "/system.slice/docker-" + DOCKER_ID + ".scope";
        List<String> paths = List.of(inContainer, inContainer, "/user.slice");
        long[] cpu = {2_000_000_000L, 1_000_000_000L, 0};
        List<DomainShare> shares = new ArrayList<>();
        for (long microjoules : energy) {
            shares.add(Attribution.split(microjoules, 4_000_000_000L, 5_000_000_000L, cpu));
        }
        return new AttributedInterval(interval, 4_000_000_000L, 5_000_000_000L, consumers, paths, cpu, shares);
    }
}
