package dev.ergometer.formula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ergometer.fleet.HwpcReport;
import dev.ergometer.fleet.PowerReport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SmartWattsFormulaTest {

    private static final SmartWattsSettings CPU_ONLY = SmartWattsSettings.defaults()
            .withTopology(new CpuTopology(125, 100, 4, 19, 42)).withFormulas(true, false);

    private static List<PowerReport> run(FormulaEngine engine, List<HwpcReport> reports) {
        List<PowerReport> out = new ArrayList<>();
        reports.forEach(r -> out.addAll(engine.accept(r)));
        return out;
    }

    private static List<HwpcReport> ticks(int from, int to, double idle, double perGigacycle, double ratio) {
        List<HwpcReport> reports = new ArrayList<>();
        for (int i = from; i < to; i++) {
            reports.addAll(SyntheticFleet.tick("node-0", 0, i, 3, idle, perGigacycle, ratio, 1.5e9));
        }
        return reports;
    }

    @Test
    void tenTicksGiveFiveRaplReportsAndNoEstimateAsInSmartWattsNormalBehaviour() {
        List<PowerReport> out = run(new FormulaEngine(new SmartWattsFormula(CPU_ONLY)), ticks(0, 10, 20, 30, 1.0));

        assertThat(out).hasSize(10 - 5).allSatisfy(r -> assertThat(r.target()).isEqualTo("rapl"));
        assertThat(out).extracting(PowerReport::timestampMillis)
                .containsExactly(SyntheticFleet.START_MILLIS, SyntheticFleet.START_MILLIS + 1000,
                        SyntheticFleet.START_MILLIS + 2000, SyntheticFleet.START_MILLIS + 3000,
                        SyntheticFleet.START_MILLIS + 4000);
    }

    @Test
    void realTimeModeWaitsForTwoTicksOnly() {
        List<PowerReport> out = run(new FormulaEngine(new SmartWattsFormula(CPU_ONLY.withRealTimeMode(true))),
                ticks(0, 10, 20, 30, 1.0));

        assertThat(out).hasSize(10 - 2);
    }

    @Test
    void aTickWithMperfZeroGivesItsRaplReportAndLearnsNothing() {
        List<HwpcReport> reports = new ArrayList<>(SyntheticFleet.tick("node-0", 0, 0, 3, 20, 30, 1.0, 0.0));
        reports.addAll(ticks(1, 10, 20, 30, 1.0));

        List<PowerReport> out = run(new FormulaEngine(new SmartWattsFormula(CPU_ONLY)), reports);

        assertThat(out).hasSize(5);
        assertThat(out.getFirst().target()).isEqualTo("rapl");
    }

    @Test
    void raplPowerIsTheReferenceEventInWattsWithSmartWattsMetadata() {
        List<PowerReport> out = run(new FormulaEngine(new SmartWattsFormula(CPU_ONLY)), ticks(0, 6, 20, 30, 1.0));

        PowerReport rapl = out.getFirst();
        double cycles = SyntheticFleet.cycles(0, 0, 0) + SyntheticFleet.cycles(0, 0, 1) + SyntheticFleet.cycles(0, 0, 2);
        assertThat(rapl.powerWatts()).isCloseTo(20 + 30 * cycles / 1e9, within(1e-9));
        assertThat(rapl.domain()).isEqualTo("package_0");
        assertThat(rapl.metadata()).containsEntry("scope", "cpu").containsEntry("socket", 0L)
                .containsEntry("formula", "RAPL_ENERGY_PKG").containsEntry("ratio", 1L);
    }

    @Test
    void onceLearntTheModelEstimatesTheMachineAndTheTargetsShareIt() {
        List<PowerReport> out = run(new FormulaEngine(new SmartWattsFormula(CPU_ONLY)), ticks(0, 100, 20, 30, 1.0));

        Map<Long, List<PowerReport>> byTick = out.stream()
                .collect(Collectors.groupingBy(PowerReport::timestampMillis));
        long last = SyntheticFleet.START_MILLIS + 94_000;
        List<PowerReport> tick = byTick.get(last);
        PowerReport rapl = tick.stream().filter(r -> r.target().equals("rapl")).findFirst().orElseThrow();
        PowerReport global = tick.stream().filter(r -> r.target().equals("global")).findFirst().orElseThrow();
        List<PowerReport> targets = tick.stream().filter(r -> r.target().startsWith("container-")).toList();

        assertThat(global.powerWatts()).isCloseTo(rapl.powerWatts(), within(2.0));
        assertThat(targets).hasSize(3);
        assertThat(targets.stream().mapToDouble(PowerReport::powerWatts).sum())
                .isCloseTo(global.powerWatts(), within(1e-9));
        assertThat(targets.stream().mapToDouble(r -> ((Number) r.metadata().get("ratio")).doubleValue()).sum())
                .isCloseTo(1.0, within(1e-12));
        assertThat(targets.getFirst().metadata()).containsEntry("container", "c0")
                .containsEntry("formula", global.metadata().get("formula"));
        assertThat((String) global.metadata().get("formula")).hasSize(40);
    }

    @Test
    void modelsAreLearntPerFrequencyLayerFromAperfOverMperf() {
        FormulaEngine engine = new FormulaEngine(new SmartWattsFormula(CPU_ONLY));
        run(engine, ticks(0, 20, 20, 30, 1.0));
        run(engine, ticks(20, 40, 20, 30, 1.5));

        String state = engine.state("node-0");
        // base 1900 MHz × 1.0 -> layer 1900; × 1.5 = 2850 MHz -> layer 2800
        assertThat(state).contains("\"frequency\":1900").contains("\"frequency\":2800");
    }

    @Test
    void aModelWhoseErrorExceedsTheThresholdIsLearntAgain() {
        FormulaEngine engine = new FormulaEngine(new SmartWattsFormula(CPU_ONLY));
        List<PowerReport> before = run(engine, ticks(0, 80, 20, 30, 1.0));
        List<PowerReport> after = run(engine, ticks(80, 200, 35, 30, 1.0));

        Object firstModel = before.stream().filter(r -> r.target().equals("global")).reduce((a, b) -> b)
                .orElseThrow().metadata().get("formula");
        PowerReport lastGlobal = after.stream().filter(r -> r.target().equals("global")).reduce((a, b) -> b)
                .orElseThrow();
        PowerReport lastRapl = after.stream().filter(r -> r.target().equals("rapl")).reduce((a, b) -> b)
                .orElseThrow();
        assertThat(lastGlobal.metadata().get("formula")).isNotEqualTo(firstModel);
        assertThat(lastGlobal.powerWatts()).isCloseTo(lastRapl.powerWatts(), within(2.0));
    }

    @Test
    void aRestoredFormulaContinuesExactlyAsTheOneThatWroteItsState() {
        List<HwpcReport> reports = ticks(0, 120, 20, 30, 1.0);
        List<PowerReport> straight = run(new FormulaEngine(new SmartWattsFormula(CPU_ONLY)), reports);

        FormulaEngine first = new FormulaEngine(new SmartWattsFormula(CPU_ONLY));
        List<PowerReport> split = new ArrayList<>(run(first, reports.subList(0, 250)));
        FormulaEngine second = new FormulaEngine(new SmartWattsFormula(CPU_ONLY));
        second.restore("node-0", first.state("node-0"));
        split.addAll(run(second, reports.subList(250, reports.size())));

        assertThat(split).isEqualTo(straight);
        assertThat(second.state("node-0")).isEqualTo(stateAfter(reports));
    }

    private static String stateAfter(List<HwpcReport> reports) {
        FormulaEngine engine = new FormulaEngine(new SmartWattsFormula(CPU_ONLY));
        run(engine, reports);
        return engine.state("node-0");
    }
}
