package dev.ergometer.meter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.model.Domain;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SourceFactory;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import java.util.List;
import org.junit.jupiter.api.Test;

class DomainSelectionTest {

    private final ScriptedSource rapl = ScriptedSource.rapl(Domain.packageOf(0), Domain.coreOf(0), Domain.dramOf(0));
    private final ScriptedSource model =
            new ScriptedSource("model", true, Long.MAX_VALUE, Domain.packageOf(0), Domain.dramOf(0));

    @Test
    void allSelectsEverySlotOfTheSource() {
        assertThat(DomainSelection.all().slotsIn(rapl)).containsExactly(0, 1, 2);
        assertThat(DomainSelection.of().isAll()).isTrue();
    }

    @Test
    void typedAndIdSelectionsGiveTheSlotsInTheOrderAskedWithoutDuplicates() {
        assertThat(DomainSelection.of(RaplDomains.dram(0), RaplDomains.packageOf(0), RaplDomains.dram(0))
                .slotsIn(rapl)).containsExactly(2, 0);
        assertThat(DomainSelection.ids("core_0").slotsIn(rapl)).containsExactly(1);
    }

    @Test
    void aMissingRaplDomainSaysWhichRaplDomainsExist() {
        assertThatThrownBy(() -> DomainSelection.of(RaplDomains.uncore(0)).slotsIn(rapl))
                .isInstanceOf(NoSuchDomainException.class)
                .hasMessage("no domain uncore_0 in the RAPL device (source 'powercap'); it has package_0, core_0, "
                        + "dram_0. Ask for one of those, or for all of them with DomainSelection.all()")
                .extracting(e -> ((NoSuchDomainException) e).domainId()).isEqualTo("uncore_0");
    }

    @Test
    void aMissingIdSaysWhichDomainsTheSourceHas() {
        assertThatThrownBy(() -> DomainSelection.ids("psys").slotsIn(rapl))
                .isInstanceOf(NoSuchDomainException.class)
                .hasMessageStartingWith("no domain psys in the energy source 'powercap'; it has package_0, core_0, "
                        + "dram_0.");
    }

    @Test
    void raplAskedWhereOnlyTheModelExistsIsNoSuchDevice() {
        assertThatThrownBy(() -> DomainSelection.of(RaplDomains.packageOf(0)).slotsIn(model))
                .isInstanceOf(NoSuchDeviceException.class)
                .hasMessageContaining("RAPL domain package_0 asked, but no RAPL counters can be read here")
                .hasMessageContaining("estimated (scripted model)")
                .hasMessageContaining("DomainSelection.ids(\"package_0\")");
        assertThat(DomainSelection.ids("package_0").slotsIn(model)).containsExactly(0);
    }

    @Test
    void nvidiaAskedWithoutAGpuSourceIsNoSuchDevice() {
        assertThatThrownBy(() -> DomainSelection.of(RaplDomains.packageOf(0), NvidiaDomains.gpu(0)).slotsIn(rapl))
                .isInstanceOf(NoSuchDeviceException.class)
                .hasMessageStartingWith("NVIDIA GPU domain nvidia_gpu_0 asked, but this machine has no NVIDIA GPU "
                        + "that Ergometer can read: the energy source 'powercap' has package_0, core_0, dram_0.");
        ScriptedSource gpus = ScriptedSource.rapl(NvidiaDomains.gpu(0), NvidiaDomains.gpu(1));
        assertThat(DomainSelection.of(NvidiaDomains.gpu(1)).slotsIn(gpus)).containsExactly(1);
        assertThatThrownBy(() -> DomainSelection.of(NvidiaDomains.gpu(2)).slotsIn(gpus))
                .isInstanceOf(NoSuchDomainException.class)
                .hasMessageStartingWith("no domain nvidia_gpu_2 in the NVIDIA GPU device (source 'powercap'); it has "
                        + "nvidia_gpu_0, nvidia_gpu_1.");
    }

    @Test
    void openTakesTheFirstSourceThatHasTheSelectedDomainsAndClosesTheOthers() {
        ScriptedSource noDram = ScriptedSource.rapl(Domain.packageOf(0));
        List<SourceFactory> factories = List.of(unavailable("perf"), factory(noDram), factory(rapl));
        try (EnergyMeter meter = EnergyMeter.open(DomainSelection.of(RaplDomains.dram(0)), factories,
                SystemPaths.real(), Ticker.system())) {
            assertThat(meter.domains()).containsExactly(Domain.dramOf(0));
            assertThat(noDram.closed).isTrue();
            assertThat(rapl.closed).isFalse();
        }
        assertThat(rapl.closed).as("the meter closes the source it opened").isTrue();
    }

    @Test
    void openGivesTheBestSourcesErrorWhenNoneHasTheDomains() {
        List<SourceFactory> factories = List.of(factory(rapl), factory(model));
        assertThatThrownBy(() -> EnergyMeter.open(DomainSelection.of(NvidiaDomains.gpu(0)), factories,
                SystemPaths.real(), Ticker.system()))
                .isInstanceOf(NoSuchDeviceException.class)
                .hasMessageContaining("the energy source 'powercap' has package_0, core_0, dram_0");
        assertThat(rapl.closed).isTrue();
        assertThat(model.closed).isTrue();
    }

    @Test
    void openWithNoUsableSourceListsEveryReason() {
        assertThatThrownBy(() -> EnergyMeter.open(DomainSelection.all(), List.of(unavailable("perf"),
                unavailable("powercap")), SystemPaths.real(), Ticker.system()))
                .isInstanceOf(NoSuchDeviceException.class)
                .hasMessage("no energy source can be used here, so all domains cannot be measured:\n"
                        + "  - perf: perf is absent\n    fix: install perf\n"
                        + "  - powercap: powercap is absent\n    fix: install powercap\n"
                        + "`erg domains` shows each source and its fix");
    }

    private static SourceFactory factory(EnergySource source) {
        return new SourceFactory() {
            @Override
            public String name() {
                return source.name();
            }

            @Override
            public String summary() {
                return "scripted";
            }

            @Override
            public EnergySource open(SystemPaths paths, Ticker ticker) {
                return source;
            }
        };
    }

    private static SourceFactory unavailable(String name) {
        return new SourceFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String summary() {
                return "absent";
            }

            @Override
            public EnergySource open(SystemPaths paths, Ticker ticker) throws SourceUnavailableException {
                throw new SourceUnavailableException(name, name + " is absent", "install " + name);
            }
        };
    }
}
