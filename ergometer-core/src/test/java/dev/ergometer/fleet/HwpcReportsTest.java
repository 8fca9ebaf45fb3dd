package dev.ergometer.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.attribution.AttributedInterval;
import dev.ergometer.attribution.Attribution;
import dev.ergometer.attribution.Consumer;
import dev.ergometer.attribution.DomainShare;
import dev.ergometer.model.Domain;
import dev.ergometer.model.Resource;
import dev.ergometer.sampler.EnergyInterval;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HwpcReportsTest {

    private static final String CONTAINER = "3f2a" + "0".repeat(60);
    private static final String POD = "8a1c2b3d-4e5f-6789-abcd-ef0123456789";
    private static final Consumer WEB = new Consumer.Process(100, 5, "web");
    private static final Consumer DB = new Consumer.Process(200, 7, "db");
    private static final Consumer IDLE = new Consumer.Process(300, 9, "cron");

    private static AttributedInterval interval() {
        List<Domain> domains = List.of(Domain.packageOf(0), Domain.dramOf(0), Domain.packageOf(1),
                Domain.of(new Resource.Machine()));
        long[] microjoules = {10_000_000, 2_000_000, 8_000_000, 25_000_000};
        EnergyInterval energy = new EnergyInterval(domains, 0, 1_000_000_000L, microjoules, 0);
        long[] cpu = {600_000_000L, 200_000_000L, 0};
        List<DomainShare> shares = new ArrayList<>();
        for (long e : microjoules) {
            shares.add(Attribution.split(e, 1_000_000_000L, 4_000_000_000L, cpu));
        }
        return new AttributedInterval(energy, 1_000_000_000L, 4_000_000_000L, List.of(WEB, DB, IDLE),
                List.of("/system.slice/docker-" + CONTAINER + ".scope",
                        "/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod" + POD.replace('-', '_')
                                + ".slice/cri-containerd-" + CONTAINER + ".scope", "/"), cpu, shares);
    }

    @Test
    void machineReportCarriesRaplEnergyInHwpcUnitsAndTheNodesCpuTime() {
        List<HwpcReport> reports = HwpcReports.fromInterval("node-1", 1700000000000L, interval());

        HwpcReport machine = reports.getFirst();
        assertThat(machine.target()).isEqualTo("all");
        assertThat(machine.cpus("rapl", "0").get("0"))
                .containsEntry("RAPL_ENERGY_PKG", (double) HwpcEvents.raplUnits(10_000_000))
                .containsEntry("RAPL_ENERGY_DRAM", (double) HwpcEvents.raplUnits(2_000_000))
                .containsEntry("time_enabled", 1e9);
        assertThat(machine.cpus("rapl", "1").get("1")).containsEntry("RAPL_ENERGY_PKG",
                (double) HwpcEvents.raplUnits(8_000_000));
        assertThat(HwpcEvents.joules(machine.cpus("rapl", "0").get("0").get("RAPL_ENERGY_PKG"))).isEqualTo(10.0);
        assertThat(machine.cpus("ergometer", "0").get("-1"))
                .containsEntry("CPU_BUSY_NS", 1e9)
                .containsEntry("CPU_TOTAL_NS", 4e9)
                .containsEntry("ENERGY_UJ:machine", 25_000_000.0);
    }

    @Test
    void eachConsumerThatRanGetsAReportWithItsCpuTimeAsTaskClock() {
        List<HwpcReport> reports = HwpcReports.fromInterval("node-1", 1700000000000L, interval());

        assertThat(reports).extracting(HwpcReport::target)
                .containsExactly("all", WEB.id(), DB.id());
        HwpcReport web = reports.get(1);
        assertThat(web.timestampMillis()).isEqualTo(1700000000000L);
        assertThat(web.cpus("core", "0").get("-1"))
                .containsEntry("PERF_COUNT_SW_TASK_CLOCK", 6e8)
                .containsEntry("time_enabled", 1e9);
        assertThat(web.metadata()).containsEntry("kind", "process").containsEntry("label", "web (pid 100)")
                .containsEntry("container", "container/docker/" + CONTAINER)
                .containsEntry("cgroup", "/system.slice/docker-" + CONTAINER + ".scope")
                .doesNotContainKey("pod");
        assertThat(reports.get(2).metadata()).containsEntry("pod", "pod/" + POD)
                .containsEntry("container", "container/containerd/" + CONTAINER);
    }

    @Test
    void everyReportReadsBackFromItsJson() {
        for (HwpcReport report : HwpcReports.fromInterval("node-1", 1700000000000L, interval())) {
            assertThat(HwpcReport.fromJson(report.toJson())).isEqualTo(report);
        }
    }
}
