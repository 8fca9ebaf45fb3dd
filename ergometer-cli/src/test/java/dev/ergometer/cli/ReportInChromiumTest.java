package dev.ergometer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.agent.Chromium;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bar: the HTML report opens in Chromium without errors (a real headless Chromium, over CDP, through
 * the driver in ergometer-agent's test-jar).
 */
class ReportInChromiumTest {

    /** How many svg elements have a drawn box with something in it. */
    private static final String RENDERED_SVGS = "Array.from(document.querySelectorAll('svg')).filter(s => {"
            + " const b = s.getBoundingClientRect(); return b.width > 100 && b.height > 50"
            + " && s.querySelectorAll('rect, line, circle, polyline, text').length > 10; }).length";
    /** Time after the load event in which the page's late errors and requests still count. */
    private static final long SETTLE_MILLIS = 700;

    @TempDir
    Path dir;

    /** Requests to anything but the page's own file (file:, data: and about:blank URLs). */
    private static List<String> externalRequests(Chromium.Tab tab) {
        return tab.requests().stream()
                .filter(url -> !url.startsWith("file:") && !url.startsWith("data:") && !url.equals("about:blank"))
                .toList();
    }

    @Test
    void theReportOpensInChromiumWithoutErrorsOrRequestsAndDrawsEveryChart() throws Exception {
        List<Path> inputs = ReportFixtures.everyFormat(dir);
        Path html = dir.resolve("report.html");
        List<String> args = new ArrayList<>(List.of("report", "--output", html.toString()));
        inputs.forEach(p -> args.add(p.toString()));
        assertThat(CliRun.of(args.toArray(String[]::new)).exitCode()).isZero();

        try (Chromium chromium = Chromium.start(); Chromium.Tab tab = chromium.open(html.toUri(), 1280, 900)) {
            Thread.sleep(SETTLE_MILLIS);

            assertThat(tab.problems()).as("console errors, warnings and exceptions").isEmpty();
            assertThat(externalRequests(tab)).as("requests to anything but the file").isEmpty();
            assertThat(tab.number("document.querySelectorAll('svg').length")).isEqualTo(8);
            assertThat(tab.number(RENDERED_SVGS)).isEqualTo(8);
        }
    }

    @Test
    void theCheckSeesErrorsAndRequestsWhenAPageHasThem() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.html"), """
                <!DOCTYPE html><html><head><title>bad</title></head><body>
                <img src="http://127.0.0.1:9/missing.png" alt="">
                <script>console.error("drawn wrong"); notAFunction();</script>
                </body></html>
                """);

        try (Chromium chromium = Chromium.start(); Chromium.Tab tab = chromium.open(bad.toUri(), 1280, 900)) {
            Thread.sleep(SETTLE_MILLIS);

            assertThat(tab.problems()).anyMatch(p -> p.contains("drawn wrong"))
                    .anyMatch(p -> p.startsWith("exception:") && p.contains("notAFunction"));
            assertThat(externalRequests(tab)).containsExactly("http://127.0.0.1:9/missing.png");
            assertThat(tab.number("document.querySelectorAll('svg').length")).isZero();
        }
    }
}
