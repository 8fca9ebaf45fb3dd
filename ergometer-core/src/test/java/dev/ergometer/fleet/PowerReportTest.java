package dev.ergometer.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PowerReportTest {

    @Test
    void jsonRoundTripKeepsTheDomainInMetadata() {
        PowerReport report = PowerReport.of(1700000000000L, "node-1", "container/docker/3f2a", "package_0", 12.5,
                "formula", "cpu-share", "ratio", 0.25, "socket", 0, "scope", "cpu");

        String json = report.toJson();

        assertThat(json).isEqualTo("{\"timestamp\":1700000000000,\"sensor\":\"node-1\",\"target\":"
                + "\"container/docker/3f2a\",\"power\":12.5,\"metadata\":{\"domain\":\"package_0\",\"formula\":"
                + "\"cpu-share\",\"ratio\":0.25,\"scope\":\"cpu\",\"socket\":0}}");
        assertThat(PowerReport.fromJson(json)).isEqualTo(report);
    }

    @Test
    void smartWattsReportsWithoutADomainGetOneFromScopeAndSocket() {
        PowerReport report = PowerReport.fromJson("{\"timestamp\":\"2023-01-14T12:37:37.168+00:00\","
                + "\"sensor\":\"formula_group\",\"target\":\"web\",\"power\":42,"
                + "\"metadata\":{\"scope\":\"dram\",\"socket\":1,\"formula\":\"abc\",\"ratio\":1.0}}");

        assertThat(report.domain()).isEqualTo("dram_1");
        assertThat(report.timestampMillis()).isEqualTo(1673699857168L);
        assertThat(report.powerWatts()).isEqualTo(42.0);
        assertThat(report.metadata()).containsEntry("ratio", 1L);
    }

    @Test
    void identityTellsApartNamesThatWouldRunTogether() {
        PowerReport a = PowerReport.of(1, "a/b", "c", "package_0", 1);
        PowerReport b = PowerReport.of(1, "a", "b/c", "package_0", 1);

        assertThat(a.identity()).isNotEqualTo(b.identity());
        assertThat(a.identity()).isEqualTo(PowerReport.of(1, "a/b", "c", "package_0", 2).identity());
    }

    @Test
    void powerMustBeFinite() {
        assertThatThrownBy(() -> PowerReport.of(1, "s", "t", "package_0", Double.NaN))
                .hasMessageContaining("finite");
    }
}
