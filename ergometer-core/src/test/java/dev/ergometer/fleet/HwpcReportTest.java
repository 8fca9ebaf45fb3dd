package dev.ergometer.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class HwpcReportTest {

    /** PowerAPI's documented HWPC report of the machine (powerapi-ng.github.io, reference/reports). */
    private static final String POWERAPI_EXAMPLE = """
            {
              "timestamp" : "2023-01-13T09:51:22.630",
              "sensor" : "sensor_test",
              "target" : "all",
              "groups" : {
                "rapl" : {"0" : {"1" : {"RAPL_ENERGY_PKG" : 5709496320, "time_enabled" : 1006717449,
                                        "time_running" : 1006717449}}},
                "msr" : {"0" : {"0" : {"MPERF" : 29646849, "APERF" : 12319312, "TSC" : 2122153094,
                                       "time_enabled" : 1006580601, "time_running" : 1006580601},
                                "1" : {"MPERF" : 20587012, "APERF" : 19838920, "TSC" : 2122185970,
                                       "time_enabled" : 1006560540, "time_running" : 1006560540}}}
              }
            }""";

    @Test
    void readsPowerApisDocumentedReportWithAnIsoTimestamp() {
        HwpcReport report = HwpcReport.fromJson(POWERAPI_EXAMPLE);

        assertThat(report.timestampMillis()).isEqualTo(1673603482630L);
        assertThat(report.sensor()).isEqualTo("sensor_test");
        assertThat(report.isMachine()).isTrue();
        assertThat(report.cpus("rapl", "0").get("1").get("RAPL_ENERGY_PKG")).isEqualTo(5709496320.0);
        assertThat(report.cpus("msr", "0")).containsOnlyKeys("0", "1");
        assertThat(report.cpus("core", "0")).isEmpty();
        assertThat(report.metadata()).isEmpty();
    }

    @Test
    void raplUnitsAreTwoToTheMinus32Joules() {
        HwpcReport report = HwpcReport.fromJson(POWERAPI_EXAMPLE);

        double joules = HwpcEvents.joules(report.cpus("rapl", "0").get("1").get("RAPL_ENERGY_PKG"));

        assertThat(joules).isCloseTo(5709496320.0 / 4294967296.0, within(1e-15));
        assertThat(joules).isCloseTo(1.3293, within(1e-4));
        assertThat(HwpcEvents.raplUnits(1_000_000)).isEqualTo(4294967296L);
    }

    @Test
    void readsHwpcSensorsSocketOutputWithMillisecondsAndMetadata() {
        HwpcReport report = HwpcReport.fromJson("""
                {"timestamp":1529868713854,"sensor":"test.cluster.lan","target":"example",
                 "groups":{"core":{"0":{"2":{"time_enabled":12345,"time_running":12345,
                 "CPU_CLK_THREAD_UNHALTED:REF_P":123456789}}}},"metadata":{"pod":"web-1","replicas":2}}""");

        assertThat(report.timestampMillis()).isEqualTo(1529868713854L);
        assertThat(report.target()).isEqualTo("example");
        assertThat(report.cpus("core", "0").get("2")).containsEntry(HwpcEvents.REF_CYCLES, 123456789.0);
        assertThat(report.metadata()).containsEntry("pod", "web-1").containsEntry("replicas", 2L);
    }

    @Test
    void jsonRoundTripGivesAnEqualReportAndTheSameText() {
        HwpcReport report = HwpcReport.builder(1700000000000L, "node-1", "all")
                .event("rapl", "0", "0", "RAPL_ENERGY_PKG", 4294967296.0)
                .event("rapl", "1", "10", "RAPL_ENERGY_PKG", 12.0)
                .event("ergometer", "0", "-1", "CPU_BUSY_NS", 1.5e9)
                .metadata("source", "powercap")
                .metadata("estimated", false)
                .metadata("ratio", 2.0)
                .build();

        HwpcReport back = HwpcReport.fromJson(report.toJson());

        assertThat(back).isEqualTo(report);
        assertThat(back.toJson()).isEqualTo(report.toJson());
        assertThat(report.toJson()).startsWith("{\"timestamp\":1700000000000,\"sensor\":\"node-1\",\"target\":\"all\","
                + "\"groups\":{\"ergometer\"");
    }

    @Test
    void aMalformedReportSaysWhichFieldIsWrong() {
        assertThatThrownBy(() -> HwpcReport.fromJson("{\"timestamp\":1,\"sensor\":\"s\",\"target\":\"all\"}"))
                .hasMessageContaining("'groups'");
        assertThatThrownBy(() -> HwpcReport.fromJson("{\"timestamp\":\"yesterday\",\"sensor\":\"s\",\"target\":\"t\","
                + "\"groups\":{}}"))
                .hasMessageContaining("timestamp").hasMessageContaining("ISO-8601");
        assertThatThrownBy(() -> HwpcReport.fromJson("{\"timestamp\":1,\"sensor\":\"s\",\"target\":\"t\","
                + "\"groups\":{\"core\":{\"0\":{\"0\":{\"LLC_MISSES\":\"many\"}}}}}"))
                .hasMessageContaining("LLC_MISSES").hasMessageContaining("group core, socket 0, CPU 0");
    }
}
