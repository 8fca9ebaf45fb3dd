package dev.ergometer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ergometer.testkit.FakePowercapTree;
import dev.ergometer.testkit.PowerCurve;
import dev.ergometer.testkit.SyntheticCounter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CompareCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Thirty runs each, 2% noise, B 12% below A on package_0 and equal on dram_0. */
    private Path[] twelvePercentApart() throws Exception {
        Random random = new Random(12);
        Path a = Files.writeString(dir.resolve("before.json"),
                SyntheticResults.measureJson(SyntheticResults.runs(random, 30, 40.0, 0.02), "powercap", false));
        Path b = Files.writeString(dir.resolve("after.json"),
                SyntheticResults.measureJson(SyntheticResults.runs(random, 30, 35.2, 0.02), "powercap", false));
        return new Path[] {a, b};
    }

    @Test
    void aKnownTwelvePercentSavingGetsTheRightVerdict() throws Exception {
        Path[] files = twelvePercentApart();

        CliRun run = CliRun.of("compare", files[0].toString(), files[1].toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).containsPattern("after\\.json uses 1[123](\\.\\d)?% less package_0 energy than"
                + " before\\.json \\(95% CI 1\\d(\\.\\d)?-1\\d(\\.\\d)?% less; Mann-Whitney p < 0\\.001\\)\\.")
                .contains("No significant difference in dram_0 energy between before.json and after.json")
                .contains("package_0").contains("B uses 1").contains("a million runs");
    }

    @Test
    void identicalDataSayNoSignificantDifference() throws Exception {
        Path[] files = twelvePercentApart();
        Path copy = Files.copy(files[0], dir.resolve("copy.json"));

        CliRun run = CliRun.of("compare", files[0].toString(), copy.toString());

        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).contains("No significant difference in package_0 energy between before.json and"
                + " copy.json (copy.json vs before.json: 0.0%, 95% CI -").contains("Mann-Whitney p = 1)")
                .doesNotContain(" uses ");
    }

    @Test
    void jsonOutputCarriesTheNumbersAndTheVerdict() throws Exception {
        Path[] files = twelvePercentApart();

        CliRun run = CliRun.of("compare", "--format", "json", "--domain", "package_0", "--grid-intensity", "100",
                files[0].toString(), files[1].toString());

        assertThat(run.exitCode()).isZero();
        JsonNode report = JSON.readTree(run.out());
        assertThat(report.get("schema").asText()).isEqualTo("ergometer.compare/1");
        assertThat(report.get("domains")).hasSize(1);
        JsonNode pkg = report.get("domains").get(0);
        assertThat(pkg.get("domain").asText()).isEqualTo("package_0");
        assertThat(pkg.get("significant").asBoolean()).isTrue();
        assertThat(pkg.get("percent_change").asDouble()).isBetween(-13.5, -10.5);
        assertThat(pkg.get("percent_ci_low").asDouble()).isLessThan(-12 + 1.5);
        assertThat(pkg.get("p_value").asDouble()).isLessThan(0.001);
        assertThat(pkg.get("verdict").asText()).startsWith("after.json uses 1");
        assertThat(pkg.get("co2e_difference_g").asDouble())
                .isEqualTo(pkg.get("difference_j").asDouble() / 3.6e6 * 100, org.assertj.core.api.Assertions
                        .within(1e-9));
        assertThat(report.get("a").get("energy_basis").asText()).isEqualTo("net");
    }

    @Test
    void aMalformedFileExitsTwoNamingTheFileAndLine() throws Exception {
        Path[] files = twelvePercentApart();
        Path broken = Files.writeString(dir.resolve("broken.csv"), "timestamp;tag;duration;package_0\n1;a;x;2\n");

        CliRun run = CliRun.of("compare", files[0].toString(), broken.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("erg: " + broken + " line 2: expected a number in column 'duration',"
                + " found 'x'");
    }

    @Test
    void anUnknownDomainExitsTwoListingTheDomains() throws Exception {
        Path[] files = twelvePercentApart();

        CliRun run = CliRun.of("compare", "--domain", "gpu_0", files[0].toString(), files[1].toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("before.json has no gpu_0 energy; its domains are package_0, dram_0");
    }

    @Test
    void aMissingArgumentIsAUsageError() {
        assertThat(CliRun.of("compare", "only-one.json").exitCode()).isEqualTo(2);
        assertThat(CliRun.of("compare", "--confidence", "95", "a.json", "b.json").err())
                .contains("0.95 for 95%");
    }

    @Test
    void estimatedValuesAndFewRunsAreWarnedAbout() throws Exception {
        Random random = new Random(1);
        Path a = Files.writeString(dir.resolve("a.json"),
                SyntheticResults.measureJson(SyntheticResults.runs(random, 3, 40, 0.02), "model", true));
        Path b = Files.writeString(dir.resolve("b.json"),
                SyntheticResults.measureJson(SyntheticResults.runs(random, 3, 20, 0.02), "model", true));

        CliRun run = CliRun.of("compare", a.toString(), b.toString());

        assertThat(run.out()).contains("(ESTIMATED)").contains("a.json's values are ESTIMATED by a model")
                .contains("with 3 and 3 runs the Mann-Whitney test cannot reach p < 0.05 (its smallest p-value is"
                        + " 0.100)")
                .contains("No significant difference in package_0 energy");
    }

    @Test
    void comparesWhatErgMeasureWrote() throws Exception {
        FakePowercapTree tree = FakePowercapTree.in(dir)
                .zone("intel-rapl:0", "package-0", FakePowercapTree.TYPICAL_RANGE_MICROJOULES);
        Path a = dir.resolve("sleep-short.json");
        Path b = dir.resolve("sleep-long.json");
        try (SyntheticCounter counter = SyntheticCounter.start(tree.energyFile("intel-rapl:0"),
                PowerCurve.constant(10), FakePowercapTree.TYPICAL_RANGE_MICROJOULES, 100_000L)) {
            CliRun first = CliRun.of("measure", "--sysfs", dir.toString(), "--idle", "off", "--repeat", "6",
                    "--format", "json", "--output", a.toString(), "--", "sleep", "0.05");
            CliRun second = CliRun.of("measure", "--sysfs", dir.toString(), "--idle", "off", "--repeat", "6",
                    "--format", "json", "--output", b.toString(), "--", "sleep", "0.25");
            assertThat(first.exitCode()).isZero();
            assertThat(second.exitCode()).isZero();
        }

        CliRun run = CliRun.of("compare", a.toString(), b.toString());

        // A constant 10 W over five times as long: B uses several times A's energy.
        assertThat(run.exitCode()).isZero();
        assertThat(run.out()).containsPattern("sleep-long\\.json uses \\d+% more package_0 energy than"
                + " sleep-short\\.json");
    }
}
