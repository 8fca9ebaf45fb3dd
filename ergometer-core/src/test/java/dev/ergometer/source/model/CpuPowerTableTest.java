package dev.ergometer.source.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CpuPowerTableTest {

    private static final CpuPowerTable TABLE = CpuPowerTable.builtIn();

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz   | Intel Xeon Cascade Lake (CCF)
            Intel(R) Xeon(R) Gold 6230R CPU @ 2.10GHz        | Intel Xeon Cascade Lake (CCF)
            Intel(R) Xeon(R) Platinum 8175M CPU @ 2.50GHz    | Intel Xeon Skylake (CCF)
            Intel(R) Xeon(R) Platinum 8375C CPU @ 2.90GHz    | Intel Xeon Ice Lake (ccf-coefficients)
            Intel(R) Xeon(R) Platinum 8488C                  | Intel Xeon Sapphire Rapids (ccf-coefficients)
            Intel(R) Xeon(R) Platinum 8581C CPU @ 2.30GHz    | Intel Xeon Emerald Rapids (ccf-coefficients)
            Intel(R) Xeon(R) CPU E5-2686 v4 @ 2.30GHz        | Intel Xeon Broadwell (CCF)
            Intel(R) Xeon(R) CPU E5-2676 v3 @ 2.40GHz        | Intel Xeon Haswell (CCF)
            Intel(R) Xeon(R) CPU E5-2670 v2 @ 2.50GHz        | Intel Xeon Ivy Bridge (CCF)
            Intel(R) Xeon(R) CPU E5-2670 0 @ 2.60GHz         | Intel Xeon Sandy Bridge (CCF)
            Intel(R) Xeon(R) E-2176G CPU @ 3.70GHz           | Intel Xeon Coffee Lake (CCF)
            AMD EPYC 7571                                    | AMD EPYC 1st gen Naples (CCF)
            AMD EPYC 7R32                                    | AMD EPYC 2nd gen Rome (CCF)
            AMD EPYC 7502P 32-Core Processor                 | AMD EPYC 2nd gen Rome (CCF)
            AMD EPYC 7R13 Processor                          | AMD EPYC 3rd gen Milan (CCF)
            AMD EPYC 9R14 96-Core Processor                  | AMD EPYC 4th gen (ccf-coefficients)
            CPU implementer 0x41 CPU part 0xd0c              | Arm Neoverse N1/V1/V2 e.g. AWS Graviton2-4 (CCF)
            CPU implementer 0x41 CPU part 0xd40              | Arm Neoverse N1/V1/V2 e.g. AWS Graviton2-4 (CCF)
            """)
    void modelNamesFindTheirFamily(String modelName, String rowName) {
        assertThat(TABLE.lookup(modelName.strip()).name()).isEqualTo(rowName);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            AMD EPYC
            Intel(R) Xeon(R) CPU @ 2.20GHz
            Intel(R) Xeon(R) Platinum 8380H CPU @ 2.90GHz
            AMD EPYC 9755 128-Core Processor
            CPU implementer 0x41 CPU part 0xd0b
            Intel(R) Core(TM) i7-8650U CPU @ 1.90GHz
            """)
    void unknownFamiliesFallBackToTheDefaultRow(String modelName) {
        assertThat(TABLE.lookup(modelName).isDefault()).isTrue();
    }

    @Test
    void defaultRowIsCloudCarbonFootprintsAverage() {
        CpuPowerTable.Row row = TABLE.defaultRow();

        assertThat(row.idleWattsPerCpu()).isEqualTo(0.74);
        assertThat(row.maxWattsPerCpu()).isEqualTo(3.5);
        assertThat(TABLE.lookup("").isDefault()).isTrue();
        assertThat(TABLE.lookup(null).isDefault()).isTrue();
    }

    @Test
    void everyRowCitesItsSourceAndHasPlausibleWatts() {
        assertThat(TABLE.rows()).hasSizeGreaterThanOrEqualTo(10).allSatisfy(row -> {
            assertThat(row.source()).containsAnyOf("CCF", "ccf-coefficients");
            assertThat(row.idleWattsPerCpu()).isBetween(0.1, 5.0);
            assertThat(row.maxWattsPerCpu()).isBetween(1.0, 10.0).isGreaterThan(row.idleWattsPerCpu());
        });
    }

    @Test
    void malformedRowsAreRefusedWithTheirLine() {
        List<String> noNumber = List.of("# comment", "pattern,name,idle_watts_per_cpu,max_watts_per_cpu,source",
                "Xeon,x,zero,1,s", "DEFAULT,d,1,2,s");
        List<String> idleAboveMax = List.of("pattern,name,idle_watts_per_cpu,max_watts_per_cpu,source",
                "Xeon,x,3,1,s", "DEFAULT,d,1,2,s");
        List<String> noDefault = List.of("pattern,name,idle_watts_per_cpu,max_watts_per_cpu,source", "Xeon,x,1,2,s");

        assertThatThrownBy(() -> CpuPowerTable.parse(noNumber, "t.csv")).hasMessageStartingWith("t.csv line 3:");
        assertThatThrownBy(() -> CpuPowerTable.parse(idleAboveMax, "t.csv")).hasMessageContaining("line 2")
                .hasMessageContaining("idle <= max");
        assertThatThrownBy(() -> CpuPowerTable.parse(noDefault, "t.csv")).hasMessageContaining("no DEFAULT row");
    }

    @Test
    void theLastColumnMayHoldCommas() {
        CpuPowerTable table = CpuPowerTable.parse(List.of("pattern,name,idle_watts_per_cpu,max_watts_per_cpu,source",
                "DEFAULT,d,1,2,a, b, c"), "t.csv");

        assertThat(table.defaultRow().source()).isEqualTo("a, b, c");
    }
}
