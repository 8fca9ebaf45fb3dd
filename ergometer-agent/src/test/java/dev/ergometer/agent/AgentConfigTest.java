package dev.ergometer.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.carbon.CarbonSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentConfigTest {

    @TempDir
    Path dir;

    @Test
    void defaultsServeLoopbackWithoutPushing() {
        AgentConfig config = AgentConfig.defaults();

        assertThat(config.remoteWriteUrl()).isEmpty();
        assertThat(config.httpBind()).isEqualTo("127.0.0.1");
        assertThat(config.httpPort()).isEqualTo(9464);
        assertThat(config.scrapeInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(config.pushInterval()).isEqualTo(Duration.ofSeconds(4));
        assertThat(config.maxRetryBatches()).isEqualTo(5);
        assertThat(config.attribution()).isTrue();
        assertThat(config.attributionInterval()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void seedEnvironmentOverridesTheFile() throws Exception {
        Path file = dir.resolve("agent.properties");
        Files.writeString(file, """
                # machine defaults
                SCRAPE_INTERVAL_S=2
                SERVICE_LABEL=from-file
                HTTP_PORT=9999
                """);
        Map<String, String> env = Map.of("REMOTE_WRITE_URL", "http://prometheus:9090/api/v1/write",
                "SCRAPE_INTERVAL_S", "0.1", "PUSH_INTERVAL_S", "4", "MAX_RETRY_BATCHES", "5",
                "SERVICE_LABEL", "cpu-pyjoules", "LOG_LEVEL", "info", "PATH", "/usr/bin");

        AgentConfig config = AgentConfig.from(AgentConfig.readFile(file), env);

        assertThat(config.remoteWriteUrl()).contains(URI.create("http://prometheus:9090/api/v1/write"));
        assertThat(config.scrapeInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(config.serviceLabel()).isEqualTo("cpu-pyjoules");
        assertThat(config.logLevel()).isEqualTo("INFO");
        assertThat(config.httpPort()).isEqualTo(9999);
    }

    @Test
    void processGroupSocketDefaultsToRunErgometerAndCanBeTurnedOff() {
        assertThat(AgentConfig.defaults().agentSocket()).contains(Path.of("/run/ergometer/agent.sock"));
        assertThat(AgentConfig.defaults().agentSocketGroup()).isEqualTo("ergometer");
        assertThat(AgentConfig.from(Map.of("AGENT_SOCKET", "off"), Map.of()).agentSocket()).isEmpty();
        assertThat(AgentConfig.from(Map.of(), Map.of("AGENT_SOCKET", "")).agentSocket()).isEmpty();
        assertThat(AgentConfig.from(Map.of("AGENT_SOCKET", "/tmp/e.sock", "AGENT_SOCKET_GROUP", "energy"), Map.of()))
                .satisfies(c -> {
                    assertThat(c.agentSocket()).contains(Path.of("/tmp/e.sock"));
                    assertThat(c.agentSocketGroup()).isEqualTo("energy");
                });
        assertThatThrownBy(() -> AgentConfig.from(Map.of("AGENT_SOCKET", "agent.sock"), Map.of()))
                .hasMessageContaining("AGENT_SOCKET 'agent.sock' must be an absolute path");
        assertThatThrownBy(() -> AgentConfig.from(Map.of("AGENT_SOCKET_GROUP", "no group"), Map.of()))
                .hasMessageContaining("AGENT_SOCKET_GROUP 'no group' is not a Unix group name");
    }

    @Test
    void badValuesAreNamedInTheMessage() {
        assertThatThrownBy(() -> AgentConfig.from(Map.of("SCRAPE_INTERVAL_S", "fast"), Map.of()))
                .hasMessageContaining("SCRAPE_INTERVAL_S 'fast'");
        assertThatThrownBy(() -> AgentConfig.from(Map.of(), Map.of("MAX_RETRY_BATCHES", "0")))
                .hasMessageContaining("MAX_RETRY_BATCHES must be >= 1").hasMessageContaining("got 0");
        assertThatThrownBy(() -> AgentConfig.from(Map.of(), Map.of("REMOTE_WRITE_URL", "prometheus:9090")))
                .hasMessageContaining("REMOTE_WRITE_URL 'prometheus:9090'");
        assertThatThrownBy(() -> AgentConfig.from(Map.of(), Map.of("LOG_LEVEL", "loud")))
                .hasMessageContaining("LOG_LEVEL 'LOUD'");
        assertThatThrownBy(() -> AgentConfig.from(Map.of(), Map.of("PUSH_INTERVAL_S", "0")))
                .hasMessageContaining("PUSH_INTERVAL_S must be > 0");
    }

    @Test
    void unknownKeyInTheFileIsRefused() {
        assertThatThrownBy(() -> AgentConfig.from(Map.of("SCRAPE_INTERVAL", "1"), Map.of()))
                .hasMessageContaining("unknown setting 'SCRAPE_INTERVAL'").hasMessageContaining("SCRAPE_INTERVAL_S");
    }

    @Test
    void missingFileSaysSo() {
        assertThatThrownBy(() -> AgentConfig.readFile(dir.resolve("nope.properties")))
                .hasMessageContaining("nope.properties does not exist");
    }

    @Test
    void eachSinkIsSwitchedOnByItsFirstKeyAndKeepsItsOwnSettings() {
        AgentConfig config = AgentConfig.from(Map.of("CSV_FILE", "/var/log/ergometer/energy.csv", "FILE_KEEP", "3"),
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092", "KAFKA_TOPIC", "energy", "HOST_NAME", "node-1"));

        assertThat(config.sinks()).extracting(SinkConfig::name).containsExactly("csv", "kafka");
        assertThat(config.sink(SinkConfig.Kind.CSV).orElseThrow().settings())
                .containsEntry("CSV_FILE", "/var/log/ergometer/energy.csv").containsEntry("FILE_KEEP", "3");
        assertThat(config.sink(SinkConfig.Kind.KAFKA).orElseThrow().settings())
                .containsOnlyKeys("KAFKA_BOOTSTRAP_SERVERS", "KAFKA_TOPIC");
        assertThat(config.hostName()).isEqualTo("node-1");
        assertThat(config.remoteWriteUrl()).isEmpty();
    }

    @Test
    void anOptionalSinkKeyWithoutItsSwitchIsRefused() {
        assertThatThrownBy(() -> AgentConfig.from(Map.of("KAFKA_TOPIC", "energy"), Map.of()))
                .hasMessageContaining("KAFKA_TOPIC is set but KAFKA_BOOTSTRAP_SERVERS is not");
        assertThatThrownBy(() -> AgentConfig.from(Map.of(), Map.of("MONGODB_COLLECTION", "reports")))
                .hasMessageContaining("set MONGODB_URI to use the MongoDB PowerReport sink");
    }

    @Test
    void sameSettingsMakeEqualSinkConfigsSoAReloadKeepsTheirQueues() {
        Map<String, String> file = Map.of("JSONL_FILE", "/tmp/a.jsonl", "SCRAPE_INTERVAL_S", "1");
        Map<String, String> changedInterval = Map.of("JSONL_FILE", "/tmp/a.jsonl", "SCRAPE_INTERVAL_S", "2");
        assertThat(AgentConfig.from(file, Map.of()).sinks()).isEqualTo(AgentConfig.from(changedInterval, Map.of())
                .sinks());
    }

    @Test
    void carbonDefaultsToTheWorldAveragesAndTheVariablesOfErgMeasure() {
        CarbonSettings defaults = AgentConfig.defaults().carbon();
        assertThat(defaults).isEqualTo(CarbonSettings.WORLD_AVERAGE);

        CarbonSettings fromErgometerVariables = AgentConfig.from(Map.of(), Map.of("ERGOMETER_GRID_INTENSITY", "56",
                "ERGOMETER_PRICE", "0.2", "ERGOMETER_CURRENCY", "CHF")).carbon();
        assertThat(fromErgometerVariables.grid().gramsPerKilowattHour()).isEqualTo(56);
        assertThat(fromErgometerVariables.grid().source()).isEqualTo("ERGOMETER_GRID_INTENSITY");
        assertThat(fromErgometerVariables.currency()).isEqualTo("CHF");
    }

    @Test
    void carbonKeysOfTheFileAndTheEnvironmentWinOverTheErgometerVariables() {
        AgentConfig config = AgentConfig.from(Map.of("GRID_INTENSITY_G_PER_KWH", "120", "PRICE_PER_KWH", "0.31",
                "CURRENCY", "EUR"), Map.of("ERGOMETER_GRID_INTENSITY", "56", "GRID_INTENSITY_G_PER_KWH", "30"));

        assertThat(config.carbon().grid().gramsPerKilowattHour()).isEqualTo(30);
        assertThat(config.carbon().grid().source()).isEqualTo("GRID_INTENSITY_G_PER_KWH");
        assertThat(config.carbon().price().perKilowattHour()).isEqualTo(0.31);
        assertThat(config.carbon().currency()).isEqualTo("EUR");
        assertThat(config.carbon().gramsCo2e(3.6e6)).isEqualTo(30);
        assertThat(AgentConfig.from(Map.of("PRICE_PER_KWH", "0.2"), Map.of()).carbon().currency())
                .as("a price alone keeps the currency").isEqualTo("USD");
        assertThat(config.withHttpPort(0).carbon()).as("withX keeps the carbon settings").isEqualTo(config.carbon());
        assertThat(config.withAgentSocket(Optional.empty()).carbon()).isEqualTo(config.carbon());
    }

    @Test
    void badCarbonSettingsAreRefusedWithTheirKey() {
        assertThatThrownBy(() -> AgentConfig.from(Map.of("GRID_INTENSITY_G_PER_KWH", "lots"), Map.of()))
                .hasMessage("GRID_INTENSITY_G_PER_KWH 'lots' is not a number of gCO2e/kWh (the world average is about"
                        + " 480)");
        assertThatThrownBy(() -> AgentConfig.from(Map.of("GRID_INTENSITY_G_PER_KWH", "-1"), Map.of()))
                .hasMessageStartingWith("GRID_INTENSITY_G_PER_KWH '-1': a grid carbon intensity is a finite number");
        assertThatThrownBy(() -> AgentConfig.from(Map.of(), Map.of("PRICE_PER_KWH", "cheap")))
                .hasMessageStartingWith("PRICE_PER_KWH 'cheap' is not a number of money per kWh");
        assertThatThrownBy(() -> AgentConfig.from(Map.of("PRICE_PER_KWH", "0.3", "CURRENCY", "euro cents"),
                Map.of())).hasMessageContaining("CURRENCY 'euro cents'").hasMessageContaining("a currency is a code");
        assertThatThrownBy(() -> AgentConfig.from(Map.of("CURRENCY", "EUR"), Map.of()))
                .hasMessage("CURRENCY is set but PRICE_PER_KWH is not: the price in use is 0.15 USD/kWh (world average,"
                        + " GlobalPetrolPrices.com Q4 2024); set PRICE_PER_KWH to the price of a kWh in EUR");
        assertThatThrownBy(() -> AgentConfig.from(Map.of(), Map.of("ERGOMETER_GRID_INTENSITY", "x")))
                .hasMessageContaining("ERGOMETER_GRID_INTENSITY must be a number, got 'x'");
    }
}
