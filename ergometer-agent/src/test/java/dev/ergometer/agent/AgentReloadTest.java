package dev.ergometer.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.json.JsonReader;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.powercap.PowercapSource;
import dev.ergometer.testkit.FakePowercapTree;
import dev.ergometer.testkit.PowerCurve;
import dev.ergometer.testkit.SyntheticCounter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AgentReloadTest {

    @TempDir
    Path root;

    private SyntheticCounter counter;
    private EnergySource source;

    @BeforeEach
    void tenWattPackage() throws Exception {
        FakePowercapTree tree = FakePowercapTree.in(root)
                .zone("intel-rapl:0", "package-0", FakePowercapTree.TYPICAL_RANGE_MICROJOULES);
        counter = SyntheticCounter.start(tree.energyFile("intel-rapl:0"), PowerCurve.constant(10),
                FakePowercapTree.TYPICAL_RANGE_MICROJOULES, 1_000_000L);
        source = PowercapSource.open(SystemPaths.real().withSysfs(root));
    }

    @AfterEach
    void stop() {
        source.close();
        counter.close();
    }

    private AgentConfig config(String... keysAndValues) {
        Map<String, String> settings = new HashMap<>(Map.of("HTTP_PORT", "0", "ATTRIBUTION", "false",
                "SCRAPE_INTERVAL_S", "0.05", "PUSH_INTERVAL_S", "0.2", "LOG_LEVEL", "WARN", "FLUSH_TIMEOUT_S", "2",
                "AGENT_SOCKET", "off"));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            settings.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return AgentConfig.from(settings, Map.of());
    }

    /** The energy counter's (timestamp, joules) pairs written to a JSON Lines file. */
    private static List<long[]> energySamples(Path file) throws Exception {
        List<long[]> samples = new ArrayList<>();
        for (String line : Files.readAllLines(file)) {
            Map<String, Object> sample = JsonReader.object(line);
            if (sample.get("metric").equals("ergometer_energy_joules_total")) {
                samples.add(new long[] {(Long) sample.get("timestamp_ms"),
                        Math.round(((Number) sample.get("value")).doubleValue() * 1e6)});
            }
        }
        return samples;
    }

    @Test
    void reloadToAnotherFileLosesNoSampleAndRepeatsNone() throws Exception {
        Path first = root.resolve("first.jsonl");
        Path second = root.resolve("second.jsonl");
        SystemPaths paths = SystemPaths.real().withSysfs(root);
        Agent agent = Agent.start(config("JSONL_FILE", first.toString()), source, paths);
        Thread.sleep(700);
        agent.reload(config("JSONL_FILE", second.toString(), "SCRAPE_INTERVAL_S", "0.02"));
        assertThat(agent.samplePeriodNanos()).isEqualTo(20_000_000L);
        Thread.sleep(700);
        agent.close();

        List<long[]> before = energySamples(first);
        List<long[]> after = energySamples(second);
        assertThat(before).as("samples before the reload went to the first file").isNotEmpty();
        assertThat(after).as("samples after the reload went to the second file").isNotEmpty();
        List<long[]> all = new ArrayList<>(before);
        all.addAll(after);
        assertThat(all).as("every sample the agent took, once").hasSize((int) agent.samplesTaken());
        for (int i = 1; i < all.size(); i++) {
            assertThat(all.get(i)[0]).as("timestamps rise across the reload").isGreaterThanOrEqualTo(all.get(i - 1)[0]);
            // Never backwards (a counter file written late may repeat a reading under load, never lose one).
            assertThat(all.get(i)[1]).as("the counter goes on from the same reading")
                    .isGreaterThanOrEqualTo(all.get(i - 1)[1]);
        }
        assertThat(before.getLast()[0]).isLessThanOrEqualTo(after.getFirst()[0]);
        assertThat(all.getLast()[1]).as("10 W for about 1.4 s").isGreaterThan(all.getFirst()[1] + 5_000_000L);
    }

    @Test
    void reloadThatCannotOpenASinkChangesNothing() throws Exception {
        Path file = root.resolve("kept.jsonl");
        Path folder = Files.createDirectory(root.resolve("a-folder"));
        SystemPaths paths = SystemPaths.real().withSysfs(root);
        try (Agent agent = Agent.start(config("JSONL_FILE", file.toString()), source, paths)) {
            assertThatThrownBy(() -> agent.reload(config("JSONL_FILE", file.toString(), "CSV_FILE", folder.toString(),
                    "SCRAPE_INTERVAL_S", "0.5")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("CSV_FILE")
                    .hasMessageContaining(folder.toString());

            assertThat(agent.config().sinks()).extracting(SinkConfig::name).containsExactly("jsonl");
            assertThat(agent.samplePeriodNanos()).isEqualTo(50_000_000L);
            long sent = agent.sinkCounts().get("jsonl").sentSamples();
            Thread.sleep(500);
            assertThat(agent.sinkCounts().get("jsonl").sentSamples()).as("the old sink keeps writing")
                    .isGreaterThan(sent);
        }
    }

    @Test
    void reloadCanSwitchAttributionAndSinksOff() throws Exception {
        Path file = root.resolve("off.jsonl");
        SystemPaths paths = SystemPaths.real().withSysfs(root);
        try (Agent agent = Agent.start(config("JSONL_FILE", file.toString()), source, paths)) {
            agent.reload(config());
            assertThat(agent.config().sinks()).isEmpty();
            assertThat(agent.sinkCounts()).isEmpty();
            Thread.sleep(300);   // the retired queue flushes what it held on its own thread
            long lines = Files.readAllLines(file).size();
            Thread.sleep(400);
            assertThat(Files.readAllLines(file)).as("a removed sink gets nothing more").hasSize((int) lines);
        }
    }
}
