package dev.ergometer.otlp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OtlpSettingsTest {

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "http://bad host:4318/v1/metrics | is not a URL: Illegal character in authority at index 10",
        "http://                         | is not a URL: Expected authority at index 7",
        "collector:4318/v1/metrics       | must start with http:// or https://",
        "grpc://collector:4317           | must start with http:// or https://",
        "/v1/metrics                     | must start with http:// or https://",
        "http:///v1/metrics              | has no host name",
        "http://collector:4318/v1/metrics?x=1 | must not carry a query or fragment",
    })
    void aMalformedEndpointIsRefusedAtConstructionWithAnExample(String endpoint, String problem) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new OtlpSink(OtlpSettings.to(endpoint)))
                .withMessageStartingWith("OTLP endpoint '" + endpoint + "'")
                .withMessageContaining(problem)
                .withMessageEndingWith("e.g. http://collector:4318/v1/metrics");
    }

    @Test
    void anEndpointWithoutAPathGetsTheMetricsPath() {
        assertThat(OtlpSettings.to("http://collector:4318").endpoint())
                .isEqualTo(URI.create("http://collector:4318/v1/metrics"));
        assertThat(OtlpSettings.to("https://otlp.example.com/").endpoint())
                .isEqualTo(URI.create("https://otlp.example.com/v1/metrics"));
        assertThat(OtlpSettings.to("http://gateway/otlp/v1/metrics").endpoint())
                .isEqualTo(URI.create("http://gateway/otlp/v1/metrics"));
    }

    @Test
    void defaultsNameTheServiceErgometerAndTenSecondsTimeout() {
        OtlpSettings settings = OtlpSettings.to("http://collector:4318/v1/metrics");

        assertThat(settings.timeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(settings.headers()).isEmpty();
        assertThat(settings.resourceAttributes()).containsEntry("service.name", "ergometer");
        assertThat(settings.withResourceAttribute("service.name", "lab-agent").withoutResourceAttribute("host.name")
                .resourceAttributes()).containsExactly(java.util.Map.entry("service.name", "lab-agent"));
    }

    @Test
    void badTimeoutsAndHeadersAreRefusedWithTheReason() {
        OtlpSettings settings = OtlpSettings.to("http://collector:4318/v1/metrics");

        assertThatIllegalArgumentException().isThrownBy(() -> settings.withTimeout(Duration.ZERO))
                .withMessageContaining("OTLP timeout must be > 0, got PT0S");
        assertThatIllegalArgumentException().isThrownBy(() -> settings.withHeader("Bad Header", "x"))
                .withMessageContaining("'Bad Header' is not an HTTP header name");
        assertThatIllegalArgumentException().isThrownBy(() -> settings.withHeader("Content-Type", "text/plain"))
                .withMessageContaining("set by the exporter itself");
        assertThatIllegalArgumentException().isThrownBy(() -> settings.withHeader("X-Token", "a\r\nInjected: 1"))
                .withMessageContaining("line break");
        assertThat(settings.withHeader("x-token", "a").withHeader("X-Token", "b").headers())
                .containsExactly(java.util.Map.entry("X-Token", "b"));
    }
}
