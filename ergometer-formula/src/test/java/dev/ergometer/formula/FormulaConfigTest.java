package dev.ergometer.formula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FormulaConfigTest {

    @Test
    void defaultsAreCpuShareOnErgometersTopicsInOneGroup() {
        FormulaConfig config = FormulaConfig.from(Map.of(), Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092",
                "FORMULA_OUTPUT_TOPIC", "power", "PATH", "/usr/bin"));

        assertThat(config.formula()).isInstanceOf(CpuShareFormula.class);
        assertThat(config.workers()).isEqualTo(1);
        assertThat(config.worker().inputTopic()).isEqualTo("ergometer-hwpc");
        assertThat(config.worker().groupId()).isEqualTo("ergometer-formula");
        assertThat(config.worker().stateTopic()).isEqualTo("ergometer-formula-state");
        assertThat(config.worker().checkpointInterval()).isEqualTo(Duration.ofMinutes(1));
        assertThat(config.worker().transactionalId(3)).isEqualTo("ergometer-formula-ergometer-formula-ergometer-hwpc-3");
    }

    @Test
    void smartWattsTakesPowerApisNamesAndTheEnvironmentWinsOverTheFile() {
        FormulaConfig config = FormulaConfig.from(
                Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092", "FORMULA", "smartwatts", "CPU_TDP", "125",
                        "MONGODB_URI", "mongodb://mongo:27017"),
                Map.of("CPU_BASE_FREQ", "1900", "LEARN_MIN_SAMPLES_REQUIRED", "20", "REAL_TIME_MODE", "true",
                        "DISABLE_DRAM_FORMULA", "true", "CPU_TDP", "150"));

        SmartWattsSettings settings = ((SmartWattsFormula) config.formula()).settings();
        assertThat(settings.topology()).isEqualTo(new CpuTopology(150, 100, 1, 19, 100));
        assertThat(settings.minSamplesRequired()).isEqualTo(20);
        assertThat(settings.historyWindowSize()).isEqualTo(60);
        assertThat(settings.ticksWaited()).isEqualTo(2);
        assertThat(settings.dramFormula()).isFalse();
        assertThat(settings.cpuErrorThreshold()).isEqualTo(2.0);
        assertThat(config.mongoDatabase()).isEqualTo("powerapi");
    }

    @Test
    void aWrongValueIsNamedWithWhatItShouldBe() {
        Map<String, String> base = Map.of("KAFKA_BOOTSTRAP_SERVERS", "kafka:9092", "FORMULA_OUTPUT_TOPIC", "p");
        assertThatThrownBy(() -> FormulaConfig.from(base, Map.of("FORMULA_WORKERS", "many")))
                .hasMessageContaining("FORMULA_WORKERS=many is not a number");
        assertThatThrownBy(() -> FormulaConfig.from(base, Map.of("FORMULA", "smartwatts",
                "LEARN_ERROR_WINDOW_METHOD", "mode")))
                .hasMessageContaining("median or mean");
        assertThatThrownBy(() -> FormulaConfig.from(base, Map.of("FORMULA", "smartwatts",
                "DISABLE_CPU_FORMULA", "true", "DISABLE_DRAM_FORMULA", "true")))
                .hasMessageContaining("at least one of the CPU and DRAM formulas");
    }
}
