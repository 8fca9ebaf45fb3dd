package dev.ergometer.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.ErgometerVersion;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;

class ReportCommandTest {

    @TempDir
    Path dir;

    private CliRun report(List<Path> inputs, String... options) {
        Stream<String> args = Stream.concat(Stream.concat(Stream.of("report"), Stream.of(options)),
                inputs.stream().map(Path::toString));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void everyFormatEndsUpInOneSelfContainedPage() throws Exception {
        List<Path> inputs = ReportFixtures.everyFormat(dir);
        Path html = dir.resolve("out/report.html");

        CliRun run = report(inputs, "--output", html.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        String page = Files.readString(html);
        assertThat(page).startsWith("<!DOCTYPE html>")
                .contains("baseline.json", "candidate.json", "pyjoules.csv", "trace.jsonl", "task.json")
                .contains("<h2>Energy</h2>", "<h2>Power</h2>", "<h2>Run to run</h2>", "<h2>Carbon and cost</h2>",
                        "<h2>Compared with baseline.json</h2>")
                .contains("<span class=\"estimated\">ESTIMATED</span>")
                .contains("candidate.json <span class=\"estimated\">estimated</span>")
                .contains("trace.jsonl (estimated)")
                .contains("480 gCO2e/kWh").contains("CO2e per million runs")
                .contains("candidate.json uses 1").contains("less package_0 energy than baseline.json")
                .contains("unknown (the format does not say)")
                .contains("its medians: package 1.1000 J, RAM 0.2000 J")
                .contains("erg " + ErgometerVersion.current());
        // Self-contained: no script, no stylesheet or image from anywhere, no URL but the SVG namespace.
        assertThat(page).doesNotContain("<script", "<link", "<img", "src=", "href=", "@import", "url(");
        assertThat(page.replace("http://www.w3.org/2000/svg", "")).doesNotContain("http:", "https:");
        assertThat(page.split("<svg ", -1)).hasSize(1 + 2 + 2 * 3); // energy, power; 3 domains x (box, runs)
    }

    @Test
    void chartsAreWrittenAsValidSvgAndPng() throws Exception {
        List<Path> inputs = ReportFixtures.everyFormat(dir);
        Path charts = dir.resolve("charts");

        CliRun run = report(inputs, "--output", dir.resolve("r.html").toString(), "--charts", charts.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("8 charts, SVG and PNG");
        List<String> names = List.of("energy", "power", "distribution-package_0", "runs-package_0",
                "distribution-dram_0", "runs-dram_0", "distribution-total", "runs-total");
        DocumentBuilderFactory xml = DocumentBuilderFactory.newInstance();
        xml.setNamespaceAware(true);
        for (String name : names) {
            Document svg = xml.newDocumentBuilder().parse(charts.resolve(name + ".svg").toFile());
            assertThat(svg.getDocumentElement().getLocalName()).isEqualTo("svg");
            assertThat(svg.getDocumentElement().getNamespaceURI()).isEqualTo("http://www.w3.org/2000/svg");
            assertThat(svg.getElementsByTagNameNS("*", "text").getLength()).isGreaterThan(5);
            BufferedImage png = ImageIO.read(charts.resolve(name + ".png").toFile());
            assertThat(png.getWidth()).isEqualTo(1440);
            assertThat(png.getHeight()).isEqualTo(800);
            assertThat(distinctColours(png)).as(name + ".png has drawing on it").isGreaterThan(20);
        }
    }

    @Test
    void reportsWhatErgMeasureWroteInCsv() throws Exception {
        Path csv = Files.writeString(dir.resolve("m.csv"), """
                run,exit_code,duration_s,cpu_time_s,domain,energy_j,net_energy_j,power_w,source,estimated,method,\
                share_j,co2e_g,cost,currency
                1,0,1.000000,0.1,package_0,10.000000,,10.000000,powercap,false,"RAPL",,0.00133,0.000000417,USD
                2,0,1.000000,0.1,package_0,11.000000,,11.000000,powercap,false,"RAPL",,0.00147,0.000000458,USD
                """);

        CliRun run = report(List.of(csv), "--output", dir.resolve("r.html").toString(), "--grid-intensity", "100",
                "--price", "0.3", "--currency", "EUR");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(Files.readString(dir.resolve("r.html"))).contains("100 gCO2e/kWh, 0.3 EUR/kWh")
                .contains("raw, the whole machine&#39;s").doesNotContain("<h2>Compared with");
    }

    @Test
    void aSeriesThatUsedNothingAboveIdleHasNoFootprintNotANegativeOne() throws Exception {
        // package_0 used less than idle in both runs (net -0.4 and -0.2 J); dram_0 0.5 and 0.7 J above it.
        Path csv = Files.writeString(dir.resolve("idle.csv"), """
                run,exit_code,duration_s,cpu_time_s,domain,energy_j,net_energy_j,power_w,source,estimated,method
                1,0,1.000000,0.1,package_0,10.000000,-0.400000,10.000000,powercap,false,"RAPL"
                1,0,1.000000,0.1,dram_0,2.000000,0.500000,2.000000,powercap,false,"RAPL"
                2,0,1.000000,0.1,package_0,10.000000,-0.200000,10.000000,powercap,false,"RAPL"
                2,0,1.000000,0.1,dram_0,2.000000,0.700000,2.000000,powercap,false,"RAPL"
                """);

        CliRun run = report(List.of(csv), "--output", dir.resolve("r.html").toString(), "--grid-intensity", "480",
                "--price", "0.15", "--currency", "EUR");

        assertThat(run.exitCode()).as(run.err()).isZero();
        String page = Files.readString(dir.resolve("r.html"));
        String carbon = page.substring(page.indexOf("<section id=\"carbon\">"));
        carbon = carbon.substring(0, carbon.indexOf("</section>"));
        assertThat(carbon).contains("none above idle (net energy -0.3000 J)")
                .contains("80.0 µg", "0.000000025 EUR") // dram_0: 0.6 J at 480 g and 0.15 EUR per kWh
                .doesNotContainPattern("-[0-9.]+(e-?[0-9]+)? (µg|mg|g|kg|t)\\b")
                .doesNotContainPattern("-[0-9.]+(E-?[0-9]+)? EUR");
    }

    @Test
    void aFileThatIsNotResultsExitsTwoAndWritesNothing() throws Exception {
        Path notes = Files.writeString(dir.resolve("notes.json"), "{\"todo\": [\"measure\"]}");
        Path html = dir.resolve("never.html");

        CliRun run = report(List.of(notes), "--output", html.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("erg: " + notes + ": expected one of: erg measure JSON")
                .contains("this JSON object has the members todo");
        assertThat(html).doesNotExist();
    }

    private static int distinctColours(BufferedImage image) {
        java.util.Set<Integer> colours = new java.util.HashSet<>();
        for (int y = 0; y < image.getHeight(); y += 3) {
            for (int x = 0; x < image.getWidth(); x += 3) {
                colours.add(image.getRGB(x, y));
            }
        }
        return colours.size();
    }
}
