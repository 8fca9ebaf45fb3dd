package dev.ergometer.profiler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.model.Domain;
import dev.ergometer.model.Resource;
import java.util.List;
import org.junit.jupiter.api.Test;

class DomainChoiceTest {

    @Test
    void packagesAndDramAddUpWhileCoresAndPsysWhichOverlapThemAreLeftOut() {
        List<Domain> domains = List.of(Domain.packageOf(0), Domain.coreOf(0), Domain.dramOf(0), Domain.packageOf(1),
                Domain.dramOf(1), Domain.psys(0), Domain.of(new Resource.Gpu("nvidia", 0)));

        DomainChoice choice = DomainChoice.of(domains, List.of());

        assertThat(choice.indices()).containsExactly(0, 2, 3, 4);
        assertThat(choice.label()).isEqualTo("package_0+dram_0+package_1+dram_1");
    }

    @Test
    void withoutPackagesPsysIsTheWholeMachine() {
        assertThat(DomainChoice.of(List.of(Domain.dramOf(0), Domain.psys(0)), List.of()).label()).isEqualTo("psys");
    }

    @Test
    void aRequestedDomainThatIsNotThereListsTheOnesThatAre() {
        assertThatThrownBy(() -> DomainChoice.of(List.of(Domain.packageOf(0)), List.of("dram_0")))
                .hasMessageContaining("no domain 'dram_0'").hasMessageContaining("[package_0]");
    }
}
