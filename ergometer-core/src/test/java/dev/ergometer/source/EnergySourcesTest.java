package dev.ergometer.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.model.Domain;
import dev.ergometer.model.Resource;
import dev.ergometer.sampler.Ticker;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnergySourcesTest {

    private static final SystemPaths PATHS = SystemPaths.real();

    /** A source whose counters hold fixed values. */
    record FixedSource(String name, boolean estimated, List<String> warnings, long[] values, Domain... measured)
            implements EnergySource {
        @Override
        public String method() {
            return name + " method";
        }

        @Override
        public List<DomainCounter> counters() {
            return java.util.Arrays.stream(measured)
                    .map(d -> new DomainCounter(d, Long.MAX_VALUE, 1_000_000L, 1.0, name))
                    .toList();
        }

        @Override
        public void read(long[] microjoules) {
            System.arraycopy(values, 0, microjoules, 0, values.length);
        }

        @Override
        public void close() {
        }
    }

    private static SourceFactory factory(String name, boolean accelerator, EnergySource source) {
        return new SourceFactory() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public String summary() {
                return name;
            }

            @Override
            public boolean accelerator() {
                return accelerator;
            }

            @Override
            public EnergySource open(SystemPaths paths, Ticker ticker) throws SourceUnavailableException {
                if (source == null) {
                    throw new SourceUnavailableException(name, name + " is absent", "install " + name);
                }
                return source;
            }
        };
    }

    private static final Domain GPU = Domain.of(new Resource.Gpu("nvidia", 0));

    @Test
    void bestMachineSourceIsReadTogetherWithEveryAvailableGpuSource() throws Exception {
        List<SourceFactory> factories = List.of(
                factory("rapl", false, null),
                factory("model", false, new FixedSource("model", true, List.of(), new long[] {5}, Domain.packageOf(0))),
                factory("nvml", true, new FixedSource("nvml", false, List.of("gpu lost"), new long[] {7}, GPU)),
                factory("amd", true, null));

        EnergySources.Selection selection = EnergySources.openBest(factories, PATHS, Ticker.system());

        EnergySource source = selection.source();
        assertThat(source.name()).isEqualTo("model+nvml");
        assertThat(source.domains()).containsExactly(Domain.packageOf(0), GPU);
        assertThat(source.estimated()).isTrue();
        assertThat(source.warnings()).containsExactly("gpu lost");
        long[] values = new long[2];
        source.read(values);
        assertThat(values).containsExactly(5, 7);
        assertThat(selection.passedOver()).extracting(SourceUnavailableException::source)
                .containsExactly("rapl", "amd");
    }

    @Test
    void aGpuAloneIsNotEnoughForTheDefaultSelection() {
        List<SourceFactory> factories = List.of(
                factory("rapl", false, null),
                factory("nvml", true, new FixedSource("nvml", false, List.of(), new long[] {7}, GPU)));

        assertThatThrownBy(() -> EnergySources.openBest(factories, PATHS, Ticker.system()))
                .isInstanceOf(SourceUnavailableException.class)
                .hasMessageContaining("rapl is absent").hasMessageContaining("fix: install rapl");
    }

    @Test
    void namedSourcesAreReadTogetherInTheOrderGiven() throws Exception {
        List<SourceFactory> factories = List.of(
                factory("model", false, new FixedSource("model", true, List.of(), new long[] {5}, Domain.packageOf(0))),
                factory("nvml", true, new FixedSource("nvml", false, List.of(), new long[] {7}, GPU)));

        EnergySource source = EnergySources.open(factories, "nvml, model", PATHS, Ticker.system()).source();

        assertThat(source.name()).isEqualTo("nvml+model");
        assertThat(source.domains()).containsExactly(GPU, Domain.packageOf(0));
    }

    @Test
    void sameDomainFromTwoSourcesIsRefused() {
        EnergySource a = new FixedSource("a", false, List.of(), new long[] {1}, Domain.packageOf(0));
        EnergySource b = new FixedSource("b", false, List.of(), new long[] {1}, Domain.packageOf(0));

        assertThatThrownBy(() -> CompositeSource.of(List.of(a, b)))
                .hasMessageContaining("a+b measure the same domain twice");
    }

    @Test
    void unknownNameListsTheSources() {
        assertThatThrownBy(() -> EnergySources.open("rapl9000", PATHS, Ticker.system()))
                .hasMessageContaining("no energy source called 'rapl9000'").hasMessageContaining("powercap");
    }
}
