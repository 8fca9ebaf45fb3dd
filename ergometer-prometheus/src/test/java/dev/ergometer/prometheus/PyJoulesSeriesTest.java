package dev.ergometer.prometheus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.meter.EnergySample;
import dev.ergometer.sink.Sample;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PyJoulesSeriesTest {

    @Test
    void domainsBecomeTheComponentsCpuPyjoulesReports() {
        assertThat(PyJoulesSeries.component("package_0")).isEqualTo("package-0");
        assertThat(PyJoulesSeries.component("package_1")).isEqualTo("package-1");
        assertThat(PyJoulesSeries.component("core_0")).isEqualTo("core");
        assertThat(PyJoulesSeries.component("uncore_0")).isEqualTo("uncore");
        assertThat(PyJoulesSeries.component("dram_1")).isEqualTo("dram-1");
        assertThat(PyJoulesSeries.component("psys")).isEqualTo("psys");
        assertThat(PyJoulesSeries.component("nvidia_gpu_0")).isEqualTo("nvidia_gpu_0");
    }

    @Test
    void anIntervalBecomesOneMicrojouleSamplePerDomainAtItsStart() {
        Map<String, Double> energy = new LinkedHashMap<>();
        energy.put("package_0", 123456.0);
        energy.put("core_0", 3456.0);

        assertThat(PyJoulesSeries.of(new EnergySample(1762678050.123, "t", 0.1, energy), "cpu-pyjoules"))
                .containsExactly(
                        Sample.of("pyjoules_remote_write_energy_uj", 123456.0, 1762678050123L,
                                "component", "package-0", "source", "cpu-pyjoules"),
                        Sample.of("pyjoules_remote_write_energy_uj", 3456.0, 1762678050123L,
                                "component", "core", "source", "cpu-pyjoules"));
    }
}
