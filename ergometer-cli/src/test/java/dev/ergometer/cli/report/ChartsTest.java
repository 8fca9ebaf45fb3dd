package dev.ergometer.cli.report;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;

class ChartsTest {

    @Test
    void niceStepsAreOneTwoOrFiveTimesAPowerOfTen() {
        assertThat(Axis.niceStep(0.13)).isEqualTo(0.1);
        assertThat(Axis.niceStep(2.4)).isEqualTo(2.0);
        assertThat(Axis.niceStep(4.2)).isEqualTo(5.0);
        assertThat(Axis.niceStep(8.0)).isEqualTo(10.0);
        assertThat(Axis.niceStep(0.0004)).isEqualTo(0.0005);
    }

    @Test
    void anAxisCoversItsValuesWithRoundTicks() {
        Axis axis = new Axis(42.6, 52.3, 400, 100);

        assertThat(axis.ticks()).containsExactly(42.0, 44.0, 46.0, 48.0, 50.0, 52.0, 54.0);
        assertThat(axis.pixel(42)).isEqualTo(400);
        assertThat(axis.pixel(54)).isEqualTo(100);
        assertThat(axis.label(44)).isEqualTo("44");
        assertThat(new Axis(0, 0.003, 0, 1).label(0.0015)).isEqualTo("0.0015");
        assertThat(new Axis(5, 5, 0, 1).ticks()).isNotEmpty();
    }

    @Test
    void theValueSpanReachesFivePercentPastTheLeastAndGreatestValueOfEverySeries() {
        ValueSpan span = ValueSpan.padded(List.of(new double[] {3, 1}, new double[] {}, new double[] {11}));

        assertThat(span.min()).isEqualTo(0.5);
        assertThat(span.max()).isEqualTo(11.5);
        assertThat(ValueSpan.padded(List.of())).isEqualTo(new ValueSpan(-0.05, 1.05));
    }

    @Test
    void namesWithMarkupStayTextInValidSvg() throws Exception {
        String name = "a<b&\"c\" 'd'.json";
        Chart chart = new DistributionChart("</svg><script>x</script>", "d", "energy (J)", List.of(name),
                List.of(new double[] {1, 2, 3}));

        Document svg = parse(chart.svgDocument());

        assertThat(svg.getElementsByTagNameNS("*", "script").getLength()).isZero();
        assertThat(svg.getDocumentElement().getTextContent()).contains(name).contains("</svg><script>x</script>");
    }

    @Test
    void negativeNetEnergiesDrawBarsDownFromZero() throws Exception {
        BarChart chart = new BarChart("net", "net", "energy (J)", List.of("package_0"), List.of("a", "b"),
                new double[][] {{-0.5}, {2.0}}, new double[][] {{Double.NaN}, {Double.NaN}},
                new double[][] {{Double.NaN}, {Double.NaN}}, "bars");

        Document svg = parse(chart.svgDocument());

        assertThat(svg.getDocumentElement().getTextContent()).contains("-0.5");
        assertThat(chart.png()).hasSizeGreaterThan(1000);
    }

    private static Document parse(String svg) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        return factory.newDocumentBuilder().parse(new ByteArrayInputStream(svg.getBytes(StandardCharsets.UTF_8)));
    }
}
