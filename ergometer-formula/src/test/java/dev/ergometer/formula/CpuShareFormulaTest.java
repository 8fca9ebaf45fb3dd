package dev.ergometer.formula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ergometer.attribution.AttributedInterval;
import dev.ergometer.attribution.Attribution;
import dev.ergometer.attribution.Consumer;
import dev.ergometer.attribution.DomainShare;
import dev.ergometer.fleet.HwpcReport;
import dev.ergometer.fleet.HwpcReports;
import dev.ergometer.fleet.PowerReport;
import dev.ergometer.model.Domain;
import dev.ergometer.model.Resource;
import dev.ergometer.sampler.EnergyInterval;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CpuShareFormulaTest {

    private static final Consumer WEB = new Consumer.Cgroup("/web");
    private static final Consumer DB = new Consumer.Cgroup("/db");

    private static AttributedInterval interval(long[] microjoules, long[] cpu) {
        List<Domain> domains = List.of(Domain.packageOf(0), Domain.dramOf(0), Domain.of(new Resource.Machine()),
                Domain.of(new Resource.Gpu("nvidia", 0)));
        EnergyInterval energy = new EnergyInterval(domains, 0, 2_000_000_000L, microjoules, 0);
        List<DomainShare> shares = new ArrayList<>();
        for (long e : microjoules) {
            shares.add(Attribution.split(e, 3_000_000_000L, 8_000_000_000L, cpu));
        }
        return new AttributedInterval(energy, 3_000_000_000L, 8_000_000_000L, List.of(WEB, DB), List.of("/web", "/db"),
                cpu, shares);
    }

    @Test
    void ergometersReportsAreSplitExactlyAsTheAgentSplitsThem() {
        long[] microjoules = {30_000_000, 6_000_000, 50_000_000, 40_000_000};
        long[] cpu = {1_500_000_000L, 500_000_000L};
        AttributedInterval interval = interval(microjoules, cpu);
        List<HwpcReport> reports = new ArrayList<>(HwpcReports.fromInterval("node-1", 1_000, interval));
        reports.addAll(HwpcReports.fromInterval("node-1", 3_000, interval));   // the next tick closes the first

        FormulaEngine engine = new FormulaEngine(new CpuShareFormula(1000));
        List<PowerReport> out = new ArrayList<>();
        reports.forEach(r -> out.addAll(engine.accept(r)));

        assertThat(out).allSatisfy(r -> assertThat(r.timestampMillis()).isEqualTo(1_000));
        assertThat(power(out, "rapl", "package_0")).isEqualTo(15.0);
        assertThat(power(out, "global", "machine")).isEqualTo(25.0);
        assertThat(power(out, "global", "nvidia_gpu_0")).isEqualTo(20.0);
        for (int d = 0; d < 3; d++) {
            String domain = interval.domains().get(d).id();
            assertThat(power(out, WEB.id(), domain))
                    .isEqualTo(interval.microjoules(WEB, d) * 1e3 / 2_000_000_000L);
            assertThat(power(out, DB.id(), domain)).isEqualTo(interval.microjoules(DB, d) * 1e3 / 2_000_000_000L);
        }
        assertThat(out).noneMatch(r -> r.target().equals(WEB.id()) && r.domain().equals("nvidia_gpu_0"));
        PowerReport web = out.stream().filter(r -> r.target().equals(WEB.id()) && r.domain().equals("package_0"))
                .findFirst().orElseThrow();
        assertThat(web.metadata()).containsEntry("formula", "cpu-share").containsEntry("scope", "cpu")
                .containsEntry("socket", 0L).containsEntry("kind", "cgroup");
        assertThat(((Number) web.metadata().get("ratio")).doubleValue())
                .isCloseTo(3.0 / 8.0 * 1.5 / 3.0, within(1e-12));
    }

    @Test
    void hwpcSensorReportsAreSplitByUnhaltedCyclesAgainstMperfAndTsc() {
        List<HwpcReport> reports = new ArrayList<>(SyntheticFleet.tick("node-0", 0, 0, 2, 20, 30, 1.0, 1.5e9));
        reports.addAll(SyntheticFleet.tick("node-0", 0, 1, 2, 20, 30, 1.0, 1.5e9));

        FormulaEngine engine = new FormulaEngine(new CpuShareFormula(1000));
        List<PowerReport> out = new ArrayList<>();
        reports.forEach(r -> out.addAll(engine.accept(r)));

        double c0 = SyntheticFleet.cycles(0, 0, 0);
        double c1 = SyntheticFleet.cycles(0, 0, 1);
        double raplWatts = power(out, "rapl", "package_0");
        double active = Math.floor(Math.round(raplWatts * 1e6) * (3e9 / 4.2e9));   // busy = MPERF, total = TSC
        assertThat(power(out, "container-0", "package_0"))
                .isCloseTo(Math.floor(active * c0 / Math.max(3e9, c0 + c1)) / 1e6, within(1e-6));
        assertThat(power(out, "container-1", "package_0"))
                .isCloseTo(Math.floor(active * c1 / Math.max(3e9, c0 + c1)) / 1e6, within(1e-6));
    }

    @Test
    void aTickWaitsForTheFirstReportOfTheNextTick() {
        FormulaEngine engine = new FormulaEngine(new CpuShareFormula(1000));
        List<HwpcReport> tick = SyntheticFleet.tick("node-0", 0, 0, 2, 20, 30, 1.0, 1.5e9);

        tick.forEach(r -> assertThat(engine.accept(r)).isEmpty());
        List<PowerReport> out = engine.accept(SyntheticFleet.tick("node-0", 0, 1, 2, 20, 30, 1.0, 1.5e9).getFirst());

        assertThat(out).extracting(PowerReport::target).contains("rapl", "container-0", "container-1");
        assertThat(out).extracting(PowerReport::identity).doesNotHaveDuplicates();
    }

    private static double power(List<PowerReport> reports, String target, String domain) {
        return reports.stream().filter(r -> r.target().equals(target) && r.domain().equals(domain))
                .findFirst().orElseThrow(() -> new AssertionError("no report for " + target + "/" + domain))
                .powerWatts();
    }
}
