package dev.ergometer.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.event;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ergometer.testkit.FakePowercapTree;
import dev.ergometer.testkit.FakeProcfs;
import dev.ergometer.testkit.PowerCurve;
import dev.ergometer.testkit.SyntheticCounter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;

class EnergyExtensionTest {

    private static final double WATTS = 10.0;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    private FakePowercapTree tree;
    private SyntheticCounter counter;
    private Path reports;

    @BeforeEach
    void startAFakePackageAtTenWatts() {
        tree = FakePowercapTree.in(temp.resolve("sys"))
                .zone("intel-rapl:0", "package-0", FakePowercapTree.TYPICAL_RANGE_MICROJOULES)
                .zone("intel-rapl:0:0", "core", FakePowercapTree.TYPICAL_RANGE_MICROJOULES);
        counter = SyntheticCounter.start(tree.energyFile("intel-rapl:0"), PowerCurve.constant(WATTS),
                FakePowercapTree.TYPICAL_RANGE_MICROJOULES, 50_000);
        reports = temp.resolve("reports");
    }

    @AfterEach
    void stopTheCounter() {
        counter.close();
    }

    @Test
    void aMeasuredTestGetsAJsonReportWithTheEnergyOfItsKnownPower() throws IOException {
        EngineExecutionResults results = run(SleepingSample.class);

        results.testEvents().assertStatistics(stats -> stats.started(1).succeeded(1));
        JsonNode report = onlyReport("EnergyExtensionTest.SleepingSample.sleepsTwoHundredMillis.json");
        double seconds = report.get("duration_s").asDouble();
        assertThat(seconds).isBetween(0.19, 0.6);
        assertThat(report.get("energy_j").get("package_0").asDouble()).isCloseTo(WATTS * seconds,
                within(WATTS * seconds * 0.20));
        assertThat(report.get("power_w").get("package_0").asDouble()).isCloseTo(WATTS, within(WATTS * 0.20));
        assertThat(report.get("energy_j").get("core_0").asDouble()).isZero();
        assertThat(report.get("source").asText()).isEqualTo("powercap");
        assertThat(report.get("estimated").asBoolean()).isFalse();
        assertThat(report.get("passed").asBoolean()).isTrue();
        assertThat(report.get("display_name").asText()).isEqualTo("EnergyExtensionTest$SleepingSample > sleepsTwoHundredMillis()");
        assertThat(report.get("test_id").asText()).contains("sleepsTwoHundredMillis");
    }

    @Test
    void theSummaryListsEachMeasuredTestAtTheEndOfTheRun() throws IOException {
        run(SleepingSample.class);

        String table = Files.readString(reports.resolve("summary.txt"));
        assertThat(table).contains("EnergyExtensionTest$SleepingSample > sleepsTwoHundredMillis()").contains("package_0 J")
                .contains("source: powercap");
        JsonNode summary = JSON.readTree(reports.resolve("summary.json").toFile());
        assertThat(summary.get("source").asText()).isEqualTo("powercap");
        assertThat(summary.get("estimated").asBoolean()).isFalse();
        assertThat(summary.get("tests")).hasSize(1);
        JsonNode row = summary.get("tests").get(0);
        assertThat(row.get("runs").asInt()).isEqualTo(1);
        double seconds = row.get("duration_s").get("median").asDouble();
        assertThat(row.get("energy_j").get("package_0").get("median").asDouble())
                .isCloseTo(WATTS * seconds, within(WATTS * seconds * 0.20));
    }

    @Test
    void beforeEachIsNotMeasuredOnlyTheTestMethod() throws IOException {
        run(SlowSetUpSample.class).testEvents().assertStatistics(stats -> stats.succeeded(1));

        JsonNode report = onlyReport("EnergyExtensionTest.SlowSetUpSample.sleepsFiftyMillis.json");
        assertThat(report.get("duration_s").asDouble()).isBetween(0.045, 0.25);
    }

    @Test
    void repeatedTestsAreMeasuredOneByOneAndGatheredInTheSummary() throws IOException {
        run(RepeatedSample.class).testEvents().assertStatistics(stats -> stats.succeeded(3));

        for (int i = 1; i <= 3; i++) {
            JsonNode report = JSON.readTree(
                    reports.resolve("EnergyExtensionTest.RepeatedSample.sleeps-" + i + ".json").toFile());
            assertThat(report.get("invocation").asInt()).isEqualTo(i);
            double seconds = report.get("duration_s").asDouble();
            // Plumbing, not accuracy (that is the sampler's tests): a loaded machine delays the synthetic counter's
            // writer by several ms, which is a big part of a 60 ms test.
            assertThat(report.get("energy_j").get("package_0").asDouble())
                    .isCloseTo(WATTS * seconds, within(WATTS * seconds * 0.30));
        }
        JsonNode row = JSON.readTree(reports.resolve("summary.json").toFile()).get("tests").get(0);
        assertThat(row.get("runs").asInt()).isEqualTo(3);
        assertThat(row.get("test").asText()).isEqualTo("EnergyExtensionTest$RepeatedSample > sleeps()");
    }

    @Test
    void aFailingTestStillGetsItsReportMarkedNotPassed() throws IOException {
        run(FailingSample.class).testEvents()
                .assertThatEvents().haveExactly(1, event(finishedWithFailure(message("the test itself fails"))));

        JsonNode report = onlyReport("EnergyExtensionTest.FailingSample.fails.json");
        assertThat(report.get("passed").asBoolean()).isFalse();
        assertThat(report.get("energy_j").get("package_0").asDouble()).isPositive();
    }

    @Test
    void aDomainTheSourceLacksFailsTheTestNamingTheDomainsThereAre() {
        run(MissingDomainSample.class).testEvents()
                .assertThatEvents().haveExactly(1, event(finishedWithFailure(
                        message(m -> m.contains("dram_0") && m.contains("package_0, core_0")))));
    }

    @Test
    void aReportOfTheModelSaysItIsEstimated() throws IOException {
        FakeProcfs.machine(temp.resolve("proc"), 2);

        EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(SleepingSample.class))
                .configurationParameter(OnlyInsideEngineTestKit.PARAMETER, "enabled")
                .configurationParameter(EnergyRun.SOURCE_PARAMETER, "model")
                .configurationParameter(EnergyRun.PROCFS_PARAMETER, temp.resolve("proc").toString())
                .configurationParameter(EnergyRun.REPORT_PARAMETER, reports.toString())
                .execute()
                .testEvents().assertStatistics(stats -> stats.succeeded(1));

        JsonNode report = onlyReport("EnergyExtensionTest.SleepingSample.sleepsTwoHundredMillis.json");
        assertThat(report.get("source").asText()).isEqualTo("model");
        assertThat(report.get("estimated").asBoolean()).isTrue();
        assertThat(Files.readString(reports.resolve("summary.txt"))).contains("ESTIMATED");
    }

    @Test
    void anUnknownSourceNameSaysWhichSourcesThereAre() {
        EngineExecutionResults results = EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(SleepingSample.class))
                .configurationParameter(OnlyInsideEngineTestKit.PARAMETER, "enabled")
                .configurationParameter(EnergyRun.SOURCE_PARAMETER, "wattmeter")
                .execute();

        results.testEvents().assertThatEvents().haveExactly(1, event(finishedWithFailure(
                message(m -> m.contains("wattmeter") && m.contains("powercap")))));
    }

    private EngineExecutionResults run(Class<?> sample) {
        return EngineTestKit.engine("junit-jupiter")
                .selectors(selectClass(sample))
                .configurationParameter(OnlyInsideEngineTestKit.PARAMETER, "enabled")
                .configurationParameter(EnergyRun.SYSFS_PARAMETER, tree.sysfs().toString())
                .configurationParameter(EnergyRun.REPORT_PARAMETER, reports.toString())
                .execute();
    }

    private JsonNode onlyReport(String name) throws IOException {
        try (Stream<Path> files = Files.list(reports)) {
            List<String> reportNames = files.map(f -> f.getFileName().toString())
                    .filter(f -> !f.startsWith("summary")).toList();
            assertThat(reportNames).containsExactly(name);
        }
        return JSON.readTree(reports.resolve(name).toFile());
    }

    @OnlyInsideEngineTestKit
    @MeasureEnergy
    static class SleepingSample {
        @Test
        void sleepsTwoHundredMillis() throws InterruptedException {
            Thread.sleep(200);
        }
    }

    @OnlyInsideEngineTestKit
    static class SlowSetUpSample {
        @BeforeEach
        void setUpSlowly() throws InterruptedException {
            Thread.sleep(300);
        }

        @Test
        @MeasureEnergy(domains = "package_0")
        void sleepsFiftyMillis() throws InterruptedException {
            Thread.sleep(50);
        }
    }

    @OnlyInsideEngineTestKit
    @MeasureEnergy(domains = "package_0")
    static class RepeatedSample {
        @RepeatedTest(3)
        void sleeps() throws InterruptedException {
            Thread.sleep(60);
        }
    }

    @OnlyInsideEngineTestKit
    @MeasureEnergy
    static class FailingSample {
        @Test
        void fails() throws InterruptedException {
            Thread.sleep(20);
            throw new AssertionError("the test itself fails");
        }
    }

    @OnlyInsideEngineTestKit
    @MeasureEnergy(domains = "dram_0")
    static class MissingDomainSample {
        @Test
        void wantsDram() {
        }
    }
}
