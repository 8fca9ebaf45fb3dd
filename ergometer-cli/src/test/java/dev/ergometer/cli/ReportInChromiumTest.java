package dev.ergometer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bar: the HTML report opens in Chromium without errors (a real headless Chromium, over CDP). */
class ReportInChromiumTest {

    @TempDir
    Path dir;

    @Test
    void theReportOpensInChromiumWithoutErrorsOrRequestsAndDrawsEveryChart() throws Exception {
        List<Path> inputs = ReportFixtures.everyFormat(dir);
        Path html = dir.resolve("report.html");
        List<String> args = new ArrayList<>(List.of("report", "--output", html.toString()));
        inputs.forEach(p -> args.add(p.toString()));
        assertThat(CliRun.of(args.toArray(String[]::new)).exitCode()).isZero();

        Chromium.PageReport page;
        try (Chromium chromium = Chromium.start()) {
            page = chromium.open(html);
        }

        assertThat(page.problems()).as("console errors, warnings and exceptions").isEmpty();
        assertThat(page.externalRequests()).as("requests to anything but the file").isEmpty();
        assertThat(page.svgCount()).isEqualTo(8);
        assertThat(page.svgRendered()).isEqualTo(8);
    }

    @Test
    void theCheckSeesErrorsAndRequestsWhenAPageHasThem() throws Exception {
        Path bad = Files.writeString(dir.resolve("bad.html"), """
                <!DOCTYPE html><html><head><title>bad</title></head><body>
                <img src="http://127.0.0.1:9/missing.png" alt="">
                <script>console.error("drawn wrong"); notAFunction();</script>
                </body></html>
                """);

        Chromium.PageReport page;
        try (Chromium chromium = Chromium.start()) {
            page = chromium.open(bad);
        }

        assertThat(page.problems()).anyMatch(p -> p.contains("drawn wrong"))
                .anyMatch(p -> p.startsWith("exception:") && p.contains("notAFunction"));
        assertThat(page.externalRequests()).containsExactly("http://127.0.0.1:9/missing.png");
        assertThat(page.svgCount()).isZero();
    }
}
