package dev.ergometer.source.msr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CpuInfoTest {

    private static final String SKYLAKE_X_IN_A_VM = """
            processor\t: 0
            vendor_id\t: GenuineIntel
            cpu family\t: 6
            model\t\t: 85
            model name\t: Intel(R) Xeon(R) Gold 6130 CPU @ 2.10GHz
            flags\t\t: fpu vme msr pae hypervisor lahf_lm

            processor\t: 1
            vendor_id\t: SomethingElse
            cpu family\t: 9
            model\t\t: 9
            """;

    @Test
    void theFirstProcessorGivesVendorFamilyModelAndTheHypervisorFlag() {
        CpuInfo cpu = CpuInfo.parse(SKYLAKE_X_IN_A_VM, "cpuinfo");
        assertThat(cpu).isEqualTo(new CpuInfo("GenuineIntel", 6, 0x55, true));
        assertThat(cpu.isIntel()).isTrue();
        assertThat(cpu.describe()).isEqualTo("GenuineIntel family 0x6 model 0x55");
    }

    @Test
    void aFlagThatOnlyContainsHypervisorIsNotTheHypervisorFlag() {
        CpuInfo cpu = CpuInfo.parse("vendor_id : AuthenticAMD\ncpu family : 25\nmodel : 1\nflags : nohypervisorx\n",
                "cpuinfo");
        assertThat(cpu.hypervisor()).isFalse();
        assertThat(cpu.isAmd()).isTrue();
    }

    @Test
    void aCpuinfoWithoutVendorSaysItIsNotX86() {
        String arm = "processor : 0\nBogoMIPS : 50.00\nCPU implementer : 0x41\n";
        assertThatThrownBy(() -> CpuInfo.parse(arm, "/proc/cpuinfo"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("/proc/cpuinfo").hasMessageContaining("vendor_id");
    }
}
