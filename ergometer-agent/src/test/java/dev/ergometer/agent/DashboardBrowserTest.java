package dev.ergometer.agent;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.model.ModelSource;
import dev.ergometer.source.powercap.PowercapSource;
import dev.ergometer.testkit.FakePowercapTree;
import dev.ergometer.testkit.FakeProcfs;
import dev.ergometer.testkit.PowerCurve;
import dev.ergometer.testkit.SyntheticCounter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard in a real headless Chromium against a running agent: the page loads from the agent alone, the chart
 * receives new points over server-sent events, the console stays clean, and a screenshot lands in
 * {@code target/dashboard.png} (docs/images/dashboard.png is a copy of one).
 */
class DashboardBrowserTest {

    private static final String DOCKER_ID = "3f2a1b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708";
    private static final Path SCREENSHOT = Path.of("target", "dashboard.png");

    private static Chromium chromium;

    @TempDir
    Path root;

    private final List<AutoCloseable> opened = new ArrayList<>();

    @BeforeAll
    static void startChromium() throws Exception {
        chromium = Chromium.start();
    }

    @AfterAll
    static void stopChromium() {
        if (chromium != null) {
            chromium.close();
        }
    }

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable closeable : opened.reversed()) {
            closeable.close();
        }
    }

    private <T extends AutoCloseable> T open(T closeable) {
        opened.add(closeable);
        return closeable;
    }

    private static AgentConfig config(String... keysAndValues) {
        Map<String, String> settings = new HashMap<>(Map.of("HTTP_PORT", "0", "SCRAPE_INTERVAL_S", "0.1",
                "LOG_LEVEL", "WARN", "FLUSH_TIMEOUT_S", "1", "AGENT_SOCKET", "off", "HOST_NAME", "bench-01",
                "ATTRIBUTION_INTERVAL_S", "0.5"));
        for (int i = 0; i < keysAndValues.length; i += 2) {
            settings.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return AgentConfig.from(settings, Map.of());
    }

    @Test
    void dashboardDrawsLivePowerTotalsAndTopConsumersWithACleanConsole() throws Exception {
        FakePowercapTree tree = FakePowercapTree.oneSocket(root);
        long range = FakePowercapTree.TYPICAL_RANGE_MICROJOULES;
        open(SyntheticCounter.start(tree.energyFile("intel-rapl:0"), PowerCurve.squareWave(14, 26, 1.6), range,
                1_000_000L));
        open(SyntheticCounter.start(tree.energyFile("intel-rapl:0:0"), PowerCurve.squareWave(8, 19, 1.6), range,
                1_000_000L));
        open(SyntheticCounter.start(tree.energyFile("intel-rapl:0:1"), PowerCurve.constant(1.5), range, 1_000_000L));
        open(SyntheticCounter.start(tree.energyFile("intel-rapl:0:2"), PowerCurve.ramp(3, 0.2), range, 1_000_000L));
        FakeProcfs proc = FakeProcfs.machine(root.resolve("proc"), 2);
        SystemPaths paths = SystemPaths.real().withSysfs(root).withProcfs(proc.root());
        new ProcessLoad(proc).write(0);
        EnergySource source = open(PowercapSource.open(paths));
        Agent agent = open(Agent.start(config(), source, paths));
        // Started after the agent, whose attribution reads /proc once as it starts: the fake rewrites its files in
        // place, and a read in the middle of a write fails (a later interval then counts it).
        ProcessLoad load = open(new ProcessLoad(proc).start());
        String origin = "http://127.0.0.1:" + agent.httpPort() + "/";

        try (Chromium.Tab tab = chromium.open(URI.create(origin), 1280, 1100)) {
            tab.waitUntil(Duration.ofSeconds(10), "window.ergDashboard.eventsReceived > 0"
                    + " && window.ergDashboard.historyPoints >= 0 && document.querySelectorAll('#totals tbody tr')"
                    + ".length === 4");
            double events = tab.number("window.ergDashboard.eventsReceived");
            double lastPoint = tab.number("Number(document.getElementById('chart').dataset.points)");
            Thread.sleep(2_000);

            assertThat(tab.number("window.ergDashboard.eventsReceived") - events)
                    .as("sample events in 2 s at 10 Hz").isBetween(12.0, 25.0);
            assertThat(tab.number("Number(document.getElementById('chart').dataset.points)"))
                    .as("points on the chart").isGreaterThan(lastPoint + 10);
            assertThat(tab.number("document.querySelectorAll('#chart path.series').length")).isEqualTo(4);
            assertThat(tab.evaluate("Array.from(document.querySelectorAll('#chart path.series'))"
                    + ".map(p => p.dataset.domain).join(',')")).isEqualTo("package_0,core_0,uncore_0,dram_0");
            assertThat(tab.evaluate("document.getElementById('badge').textContent")).isEqualTo("MEASURED");
            assertThat(tab.evaluate("document.getElementById('estimated-note').hidden")).isEqualTo(true);
            assertThat(tab.evaluate("document.getElementById('source').textContent")).isEqualTo("powercap");
            assertThat(tab.evaluate("Array.from(document.querySelectorAll('#totals tbody tr:first-child td'))"
                    + ".map(td => td.textContent).join('|')")).asString()
                    .matches("package_0\\|[0-9.]+ W\\|[0-9.]+ (J|kJ)\\|[0-9.]+ (mg|g)\\|[0-9.e-]+ USD");
            assertThat((String) tab.evaluate("document.getElementById('grid').textContent")).startsWith("480 gCO2e");

            tab.waitUntil(Duration.ofSeconds(10), "document.querySelectorAll('#top tbody tr').length === 2");
            assertThat(tab.evaluate("document.querySelector('#top tbody tr td').textContent"))
                    .isEqualTo("heavy (pid 200)");
            tab.evaluate("document.querySelector('[data-view=containers]').click()");
            tab.waitUntil(Duration.ofSeconds(5), "document.querySelector('#top thead th') !== null"
                    + " && document.querySelector('#top thead th').textContent === 'container'");
            tab.waitUntil(Duration.ofSeconds(5), "document.querySelectorAll('#top tbody tr').length === 1");
            tab.evaluate("document.querySelector('[data-view=processes]').click()");
            tab.waitUntil(Duration.ofSeconds(5), "document.querySelector('#top thead th').textContent === 'process'"
                    + " && document.querySelectorAll('#top tbody tr').length === 2");

            assertThat(tab.problems()).as("console errors, warnings and exceptions").isEmpty();
            assertThat(tab.requests()).as("requests").isNotEmpty()
                    .allSatisfy(url -> assertThat(url).startsWith(origin));
            assertThat(tab.requests()).contains(origin + "dashboard.js", origin + "dashboard.css",
                    origin + "api/v1/history", origin + "api/v1/events");

            byte[] png = tab.screenshot();
            assertThat(png).startsWith(0x89, 'P', 'N', 'G');
            assertThat(png.length).as("a drawn page, not a blank one").isGreaterThan(20_000);
            Files.createDirectories(SCREENSHOT.getParent());
            Files.write(SCREENSHOT, png);
        }
        assertThat(load.failures()).as("the fake /proc was always writable").isZero();
    }

    @Test
    void aModelSourceIsMarkedEstimatedAndAttributionOffIsExplained() throws Exception {
        EnergySource model = open(ModelSource.FACTORY.open(SystemPaths.real(), Ticker.system()));
        Agent agent = open(Agent.start(config("ATTRIBUTION", "false", "GRID_INTENSITY_G_PER_KWH", "56",
                "PRICE_PER_KWH", "0.25", "CURRENCY", "EUR"), model, SystemPaths.real()));
        String origin = "http://127.0.0.1:" + agent.httpPort() + "/dashboard";

        try (Chromium.Tab tab = chromium.open(URI.create(origin), 1100, 900)) {
            tab.waitUntil(Duration.ofSeconds(10), "window.ergDashboard.eventsReceived > 3");

            assertThat(tab.evaluate("document.getElementById('badge').textContent")).isEqualTo("ESTIMATED");
            assertThat(tab.evaluate("document.getElementById('badge').className")).isEqualTo("badge estimated");
            assertThat(tab.evaluate("document.getElementById('estimated-note').hidden")).isEqualTo(false);
            assertThat((String) tab.evaluate("document.getElementById('kind').textContent")).startsWith("estimated");
            assertThat((String) tab.evaluate("document.getElementById('grid').textContent"))
                    .startsWith("56 gCO2e/kWh (GRID_INTENSITY_G_PER_KWH)");
            assertThat((String) tab.evaluate("document.getElementById('price').textContent"))
                    .startsWith("0.25 EUR/kWh (PRICE_PER_KWH)");
            assertThat((String) tab.evaluate("document.querySelector('#totals tbody tr').textContent"))
                    .contains(" EUR");
            assertThat((String) tab.evaluate("document.getElementById('top-note').textContent"))
                    .contains("ATTRIBUTION=false");
            assertThat(tab.problems()).as("console errors, warnings and exceptions").isEmpty();
            assertThat(tab.requests()).allSatisfy(url -> assertThat(url).startsWith("http://127.0.0.1:"
                    + agent.httpPort() + "/"));
        }
    }

    /**
     * Two processes that keep using the CPU in the fake /proc, heavy three times as much as light, heavy in a Docker
     * container: what attribution splits the package among, every 100 ms.
     */
    private static final class ProcessLoad implements AutoCloseable {

        private final FakeProcfs proc;
        private final Thread thread;
        private volatile boolean running = true;
        private volatile int failures;

        ProcessLoad(FakeProcfs proc) {
            this.proc = proc;
            this.thread = Thread.ofPlatform().daemon().name("fake-process-load").unstarted(this::run);
        }

        ProcessLoad start() {
            thread.start();
            return this;
        }

        void write(long step) {
            proc.process(100, "light", 1, 2 * step, step, 0, 0, 10, "/user.slice");
            proc.process(200, "heavy", 1, 7 * step, 2 * step, 0, 0, 20,
                    "/system.slice/docker-" + DOCKER_ID + ".scope");
        }

        private void run() {
            for (long step = 1; running; step++) {
                try {
                    proc.advance(12, 8);
                    write(step);
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    failures++;
                }
            }
        }

        int failures() {
            return failures;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join(2_000);
        }
    }
}
