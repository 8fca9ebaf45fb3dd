package dev.ergometer.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ergometer.testkit.FakeHwmonTree;
import dev.ergometer.testkit.FakePowercapTree;
import dev.ergometer.testkit.PowerCurve;
import dev.ergometer.testkit.StubNvml;
import dev.ergometer.testkit.SyntheticCounter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeasureCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path root;

    private SyntheticCounter counter;

    @BeforeEach
    void tenWattPackage() {
        FakePowercapTree tree = FakePowercapTree.in(root)
                .zone("intel-rapl:0", "package-0", FakePowercapTree.TYPICAL_RANGE_MICROJOULES);
        counter = SyntheticCounter.start(tree.energyFile("intel-rapl:0"), PowerCurve.constant(10),
                FakePowercapTree.TYPICAL_RANGE_MICROJOULES, 100_000L);
    }

    @AfterEach
    void stop() {
        counter.close();
    }

    private CliRun measure(String... rest) {
        String[] args = new String[rest.length + 3];
        args[0] = "measure";
        args[1] = "--sysfs";
        args[2] = root.toString();
        System.arraycopy(rest, 0, args, 3, rest.length);
        return CliRun.of(args);
    }

    @Test
    void jsonReportHasTheDocumentedSchema() throws Exception {
        CliRun run = measure("--idle", "off", "--format", "json", "--", "sleep", "0.3");

        assertThat(run.exitCode()).isZero();
        JsonNode report = JSON.readTree(run.err());
        assertThat(report.get("schema").asText()).isEqualTo("ergometer.measure/1");
        assertThat(report.get("source").asText()).isEqualTo("powercap");
        assertThat(report.get("estimated").asBoolean()).isFalse();
        JsonNode first = report.get("runs").get(0);
        assertThat(first.get("exit_code").asInt()).isZero();
        assertThat(first.get("duration_s").asDouble()).isBetween(0.29, 1.0);
        JsonNode pkg = first.get("domains").get("package_0");
        double seconds = first.get("duration_s").asDouble();
        // Loose bounds: the fake counter's writer thread lags on a loaded machine (accuracy is SamplerAccuracyTest's).
        assertThat(pkg.get("energy_j").asDouble()).isCloseTo(10 * seconds, within(0.05 * 10 * seconds));
        assertThat(pkg.get("power_w").asDouble()).isCloseTo(10, within(0.5));
        assertThat(pkg.get("net_energy_j").isNull()).isTrue();
        assertThat(report.get("summary").get("domains").get("package_0").get("median_j").asDouble())
                .isEqualTo(pkg.get("energy_j").asDouble());
    }

    @Test
    void aRunWithNoEnergyAboveIdleShowsNoFootprintNotANegativeOne() {
        counter.close(); // the package's counter stands still: idle 0 W, run 0 J, net 0 J

        CliRun run = measure("--idle", "0.2", "--", "true");

        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains("package_0    none above idle (net energy 0.0000 J)")
                .doesNotContain("a million runs: -");
    }

    @Test
    void idlePowerIsSubtractedSoAConstantLoadNetsNearZero() throws Exception {
        CliRun run = measure("--idle", "0.3", "--format", "json", "--", "sleep", "0.3");

        JsonNode report = JSON.readTree(run.err());
        assertThat(report.get("idle").get("domains").get("package_0").get("power_w").asDouble())
                .isCloseTo(10, within(0.5));
        JsonNode pkg = report.get("runs").get(0).get("domains").get("package_0");
        // Raw is about 3 J; the synthetic writer thread can lag tens of ms behind under load, hence the margin.
        assertThat(pkg.get("energy_j").asDouble()).isGreaterThan(2.5);
        assertThat(pkg.get("net_energy_j").asDouble()).isCloseTo(0, within(0.4));
        assertThat(report.get("summary").get("energy_basis").asText()).isEqualTo("net");
    }

    @Test
    void gpuDomainsAreMeasuredNextToTheMachineSource() throws Exception {
        FakeHwmonTree.in(root).gpuChip("i915", "0000:00:02.0", 0).energy(1, 5_000_000L);

        CliRun run = measure("--idle", "off", "--format", "json", "--", "true");

        JsonNode report = JSON.readTree(run.err());
        assertThat(report.get("source").asText()).isEqualTo("powercap+gpu-hwmon");
        assertThat(report.get("runs").get(0).get("domains").has("intel_gpu_0")).isTrue();
        assertThat(report.get("runs").get(0).get("domains").has("package_0")).isTrue();
        assertThat(report.get("warnings")).isEmpty();
    }

    @Test
    void nvidiaGpuThroughNvmlIsMeasuredAndALostGpuIsReportedNotACrash() throws Exception {
        Path library = StubNvml.withDevices(java.nio.file.Files.createDirectories(root.resolve("nvml")),
                StubNvml.Device.named("NVIDIA L4", "GPU-1", "00000000:01:00.0").powerRamp(70_000, 0).lostAfter(3));

        CliRun run = measure("--nvml", library.toString(), "--idle", "off", "--format", "json", "--", "sleep", "0.3");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = JSON.readTree(run.err());
        assertThat(report.get("source").asText()).isEqualTo("powercap+nvml");
        JsonNode domains = report.get("runs").get(0).get("domains");
        assertThat(domains.has("nvidia_gpu_0")).isTrue();
        assertThat(domains.get("package_0").get("energy_j").asDouble()).as("the CPU domain still reports").isPositive();
        assertThat(report.get("warnings").toString()).contains("nvidia_gpu_0").contains("GPU_IS_LOST");
    }

    @Test
    void missingNvmlLibraryLeavesTheMachineSourceMeasuring() throws Exception {
        CliRun run = measure("--nvml", root.resolve("no/libnvidia-ml.so.1").toString(), "--idle", "off",
                "--format", "json", "--", "true");

        assertThat(run.exitCode()).isZero();
        assertThat(JSON.readTree(run.err()).get("source").asText()).isEqualTo("powercap");
        CliRun domains = CliRun.of("domains", "--sysfs", root.toString(), "--nvml",
                root.resolve("no/libnvidia-ml.so.1").toString());
        assertThat(domains.out()).contains("nvml      unavailable").contains("libnvidia-ml");
    }

    @Test
    void cpuBurningCommandGetsAShareOfTheMachineEnergyAndNeverMore() throws Exception {
        CliRun run = measure("--idle", "off", "--format", "json", "--",
                "sh", "-c", "i=0; while [ $i -lt 300000 ]; do i=$((i+1)); done");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = JSON.readTree(run.err());
        JsonNode first = report.get("runs").get(0);
        assertThat(first.get("cpu_time_s").asDouble()).isGreaterThan(0.05);
        JsonNode pkg = first.get("domains").get("package_0");
        assertThat(pkg.get("share_j").asDouble()).isGreaterThan(0).isLessThanOrEqualTo(pkg.get("energy_j").asDouble());
        // the loop keeps one CPU busy for most of the run, so its share is a real part of the active energy
        assertThat(pkg.get("share_j").asDouble()).isGreaterThan(0.1 * pkg.get("energy_j").asDouble());
        assertThat(report.get("summary").get("domains").get("package_0").get("median_share_j").asDouble())
                .isEqualTo(pkg.get("share_j").asDouble());
    }

    @Test
    void sleepingCommandGetsAShareNearZero() throws Exception {
        CliRun run = measure("--idle", "off", "--format", "json", "--", "sleep", "0.3");

        JsonNode pkg = JSON.readTree(run.err()).get("runs").get(0).get("domains").get("package_0");
        assertThat(pkg.get("share_j").isNumber()).isTrue();
        assertThat(pkg.get("share_j").asDouble()).isGreaterThanOrEqualTo(0).isLessThan(0.05 * pkg.get("energy_j").asDouble());
    }

    @Test
    void withoutProcStatTheShareIsNullAndTheMeasurementGoesOn() throws Exception {
        CliRun run = measure("--procfs", root.resolve("no-proc").toString(), "--idle", "off", "--format", "json",
                "--", "true");

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = JSON.readTree(run.err());
        assertThat(report.get("runs").get(0).get("domains").get("package_0").get("share_j").isNull()).isTrue();
        assertThat(report.get("summary").get("domains").get("package_0").get("median_share_j").isNull()).isTrue();
    }

    @Test
    void tableAndCsvShowTheShare() throws Exception {
        CliRun table = measure("--idle", "off", "--", "true");
        assertThat(table.err()).contains("share J");
        CliRun repeated = measure("--idle", "off", "--repeat", "2", "--", "true");
        assertThat(repeated.err()).contains("share J");

        Path file = root.resolve("share.csv");
        measure("--idle", "off", "--format", "csv", "--output", file.toString(), "--", "true");
        var lines = Files.readAllLines(file);
        assertThat(lines.getFirst()).endsWith(",method,share_j,co2e_g,cost,currency");
        assertThat(lines.get(1)).matches(".*,\\d+\\.\\d{6},[0-9.]+,[0-9.]+,USD$");
    }

    @Test
    void everyFormatGivesCarbonAndCostAtTheGivenRates() throws Exception {
        CliRun json = measure("--idle", "off", "--format", "json", "--grid-intensity", "100", "--price", "0.36",
                "--currency", "EUR", "--", "sleep", "0.3");

        assertThat(json.exitCode()).isZero();
        JsonNode report = JSON.readTree(json.err());
        JsonNode carbon = report.get("carbon");
        assertThat(carbon.get("grid_intensity_g_per_kwh").asDouble()).isEqualTo(100);
        assertThat(carbon.get("grid_intensity_source").asText()).isEqualTo("--grid-intensity");
        assertThat(carbon.get("currency").asText()).isEqualTo("EUR");
        assertThat(carbon.get("energy_basis").asText()).isEqualTo("raw");
        JsonNode pkg = report.get("runs").get(0).get("domains").get("package_0");
        double joules = pkg.get("energy_j").asDouble();
        assertThat(pkg.get("co2e_g").asDouble()).isCloseTo(joules / 3.6e6 * 100, within(joules / 3.6e6 * 1e-3));
        assertThat(pkg.get("cost").asDouble()).isCloseTo(joules / 3.6e6 * 0.36, within(joules / 3.6e6 * 1e-5));
        JsonNode summary = report.get("summary").get("domains").get("package_0");
        assertThat(summary.get("median_co2e_g").asDouble()).isEqualTo(pkg.get("co2e_g").asDouble());

        CliRun table = measure("--idle", "off", "--", "sleep", "0.2");
        // About 2 J: 2 / 3.6e6 kWh at 480 g/kWh is about 270 µg, at 0.15 USD/kWh about 8e-8 USD.
        assertThat(table.err()).contains("carbon    at 480 gCO2e/kWh, 0.15 USD/kWh (world averages, see"
                + " docs/carbon.md), of the raw energy")
                .containsPattern("package_0 +\\d{3} µg CO2e +0\\.0000000\\d+ USD   a million runs: \\d{3} g CO2e,"
                        + " 0\\.0\\d+ USD");
    }

    @Test
    void aCurrencyWithoutAPriceOrANegativeIntensityIsAUsageError() {
        CliRun run = measure("--idle", "off", "--currency", "EUR", "--", "true");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--currency EUR needs --price: the price in use is in USD");
        CliRun negative = measure("--idle", "off", "--grid-intensity", "-1", "--", "true");
        assertThat(negative.exitCode()).isEqualTo(2);
        assertThat(negative.err()).contains("0 or more").contains("-1.0");
    }

    @Test
    void failingCommandPassesItsExitCodeOn() {
        assertThat(measure("--idle", "off", "--", "false").exitCode()).isEqualTo(1);
        assertThat(measure("--idle", "off", "--", "sh", "-c", "exit 7").exitCode()).isEqualTo(7);
    }

    @Test
    void missingCommandExits127WithAClearMessage() {
        CliRun run = measure("--idle", "off", "--", "no-such-command-ergometer");
        assertThat(run.exitCode()).isEqualTo(127);
        assertThat(run.err()).contains("cannot run 'no-such-command-ergometer'").contains("PATH");
    }

    @Test
    void repeatedRunsGiveOneRowPerRunAndStatistics() {
        CliRun run = measure("--idle", "off", "--repeat", "3", "--warmup", "1", "--", "true");
        assertThat(run.exitCode()).isZero();
        assertThat(run.err()).contains("median").contains("95% CI").contains("3 runs");
        assertThat(run.err().lines().filter(l -> l.matches("^[123] +0 .*"))).hasSize(3);
    }

    @Test
    void csvHasOneRowPerRunAndDomainWithEstimatedColumn() throws Exception {
        Path file = root.resolve("out.csv");
        CliRun run = measure("--idle", "off", "--repeat", "2", "--format", "csv", "--output", file.toString(),
                "--", "true");
        assertThat(run.exitCode()).isZero();
        var lines = Files.readAllLines(file);
        assertThat(lines.getFirst()).isEqualTo(MeasureCsv.HEADER);
        assertThat(lines).hasSize(3);
        assertThat(lines.get(1)).startsWith("1,0,").contains(",package_0,").contains(",powercap,false,\"RAPL");
    }

    @Test
    void tableNamesSourceAndDomain() {
        CliRun run = measure("--idle", "off", "--", "true");
        assertThat(run.err()).contains("source    powercap").contains("package_0").contains("exit code 0");
    }

    @Test
    void modelCoefficientsCanBeOverriddenAndTheOutputSaysEstimated() throws Exception {
        long cpus = Files.readAllLines(Path.of("/proc/stat")).stream().filter(l -> l.matches("cpu\\d+ .*")).count();
        CliRun run = measure("--source", "model", "--model-idle-watts", "1.5", "--model-max-watts", "1.5",
                "--model-dram-watts-per-gib", "0", "--idle", "off", "--format", "json", "--", "sleep", "0.5");

        JsonNode report = JSON.readTree(run.err());
        assertThat(report.get("source").asText()).isEqualTo("model");
        assertThat(report.get("estimated").asBoolean()).isTrue();
        assertThat(report.get("method").asText()).contains("user-supplied");
        JsonNode domains = report.get("runs").get(0).get("domains");
        assertThat(domains.get("package_0").get("power_w").asDouble()).isCloseTo(1.5 * cpus, within(0.01 * cpus));
        assertThat(domains.get("dram_0").get("energy_j").asDouble()).isZero();
    }

    @Test
    void halfAModelOverrideIsRefused() {
        CliRun run = measure("--model-idle-watts", "1", "--", "true");
        assertThat(run.exitCode()).isEqualTo(Erg.EXIT_ERG_FAILED);
        assertThat(run.err()).contains("--model-idle-watts and --model-max-watts go together");
    }

    @Test
    void badIdleValueIsAUsageError() {
        CliRun run = measure("--idle", "soon", "--", "true");
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--idle takes seconds");
    }

    @Test
    void unknownSourceListsTheSources() {
        CliRun run = measure("--source", "rapl9000", "--", "true");
        assertThat(run.exitCode()).isEqualTo(Erg.EXIT_ERG_FAILED);
        assertThat(run.err()).contains("no energy source called 'rapl9000'").contains("powercap");
    }
}
