package dev.ergometer.agent;

import static dev.ergometer.agent.TenWattMachine.quietConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.ergometer.json.JsonReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentCarbonTest {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final String ENERGY =
            "ergometer_energy_joules_total{domain=\"package_0\",estimated=\"false\",socket=\"0\"}";
    private static final String CARBON =
            "ergometer_carbon_grams_total{domain=\"package_0\",estimated=\"false\",socket=\"0\"}";

    @TempDir
    Path root;

    private TenWattMachine machine;

    @BeforeEach
    void tenWattPackage() throws Exception {
        machine = TenWattMachine.in(root);
    }

    @AfterEach
    void stop() {
        machine.close();
    }

    private static String metrics(Agent agent) throws Exception {
        return CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort() + "/metrics"))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    private static double value(String metrics, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + " (\\S+)$").matcher(metrics);
        assertThat(m.find()).as("series %s in\n%s", series, metrics).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void carbonAndCostFollowTheEnergyAtTheConfiguredIntensityAndPrice() throws Exception {
        // 360 000 g/kWh is 0.1 g per joule; 36 EUR/kWh is 0.00001 EUR per joule: easy to check, not realistic.
        try (Agent agent = machine.startAgent(quietConfig("GRID_INTENSITY_G_PER_KWH", "360000", "PRICE_PER_KWH", "36",
                "CURRENCY", "EUR"))) {
            Thread.sleep(500);
            String metrics = metrics(agent);

            double joules = value(metrics, ENERGY);
            assertThat(joules).isCloseTo(5, within(2.0));
            assertThat(value(metrics, CARBON)).isCloseTo(0.1 * joules, within(1e-9));
            assertThat(value(metrics, "ergometer_cost_total{currency=\"EUR\",domain=\"package_0\",estimated=\"false\","
                    + "socket=\"0\"}")).isCloseTo(1e-5 * joules, within(1e-12));
            assertThat(metrics).contains("# TYPE ergometer_carbon_grams_total counter",
                    "# TYPE ergometer_cost_total counter");
        }
    }

    @Test
    void openMetricsGivesTheGramsTheirUnit() throws Exception {
        try (Agent agent = machine.startAgent(quietConfig())) {
            String metrics = CLIENT.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + agent.httpPort()
                    + "/metrics")).header("Accept", "application/openmetrics-text; version=1.0.0").build(),
                    HttpResponse.BodyHandlers.ofString()).body();

            assertThat(metrics).contains("# UNIT ergometer_carbon_grams grams",
                    "ergometer_cost_total{currency=\"USD\",domain=\"package_0\"");
        }
    }

    @Test
    void everySinkGetsCarbonAndCostWithEachSample() throws Exception {
        Path jsonl = root.resolve("samples.jsonl");
        try (Agent agent = machine.startAgent(quietConfig("JSONL_FILE", jsonl.toString(), "PUSH_INTERVAL_S", "0.1",
                "SERVICE_LABEL", "bench"))) {
            Thread.sleep(500);
        }
        Set<String> metrics = new HashSet<>();
        Map<String, Object> lastCarbon = null;
        Map<String, Object> lastEnergy = null;
        for (String line : Files.readAllLines(jsonl)) {
            Map<String, Object> sample = JsonReader.object(line);
            metrics.add((String) sample.get("metric"));
            if (sample.get("metric").equals("ergometer_carbon_grams_total")) {
                lastCarbon = sample;
            } else if (sample.get("metric").equals("ergometer_energy_joules_total")) {
                lastEnergy = sample;
            }
        }
        assertThat(metrics).contains("ergometer_carbon_grams_total", "ergometer_cost_total");
        assertThat(lastCarbon).isNotNull();
        assertThat(lastCarbon.get("labels")).isEqualTo(Map.of("domain", "package_0", "socket", "0",
                "estimated", "false", "source", "bench"));
        double joules = ((Number) lastEnergy.get("value")).doubleValue();
        assertThat(((Number) lastCarbon.get("value")).doubleValue()).isCloseTo(joules / 3.6e6 * 480, within(1e-9));
    }

    @Test
    void aReloadWithAnotherIntensityCountsOnFromWhatWasCounted() throws Exception {
        try (Agent agent = machine.startAgent(quietConfig())) {
            Thread.sleep(400);
            agent.reload(quietConfig("GRID_INTENSITY_G_PER_KWH", "0"));
            String before = metrics(agent);
            Thread.sleep(400);
            String after = metrics(agent);

            assertThat(value(after, ENERGY)).isGreaterThan(value(before, ENERGY) + 2);
            assertThat(value(after, CARBON)).as("nothing more at 0 g/kWh, nothing taken back either")
                    .isPositive().isEqualTo(value(before, CARBON));
        }
    }

    @Test
    void aNewCurrencyRestartsTheCostFromTheWholeEnergy() throws Exception {
        try (Agent agent = machine.startAgent(quietConfig())) {
            Thread.sleep(300);
            agent.reload(quietConfig("PRICE_PER_KWH", "3600", "CURRENCY", "JPY"));
            Thread.sleep(200);
            String metrics = metrics(agent);

            assertThat(metrics).doesNotContain("currency=\"USD\"");
            double joules = value(metrics, ENERGY);
            assertThat(value(metrics, "ergometer_cost_total{currency=\"JPY\",domain=\"package_0\","
                    + "estimated=\"false\",socket=\"0\"}")).as("1 JPY per kJ").isCloseTo(joules / 1000, within(1e-9));
        }
    }
}
