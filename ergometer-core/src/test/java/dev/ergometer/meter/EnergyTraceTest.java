package dev.ergometer.meter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnergyTraceTest {

    private static EnergySample sample(double timestamp, String tag, double duration, double pkg, double dram) {
        Map<String, Double> energy = new LinkedHashMap<>();
        energy.put("package_0", pkg);
        energy.put("dram_0", dram);
        return new EnergySample(timestamp, tag, duration, energy);
    }

    private final EnergyTrace trace = EnergyTrace.of(List.of(
            sample(10, "foo", 1, 100, 10), sample(11, "bar", 2, 200, 20), sample(13, "foo", 3, 300, 30)));

    @Test
    void samplesAreFoundByIndexAndByTheFirstSampleWithATag() {
        assertThat(trace.get(1).tag()).isEqualTo("bar");
        assertThat(trace.get("foo").timestampSeconds()).isEqualTo(10);
        assertThat(trace.contains("bar")).isTrue();
        assertThat(trace.contains("baz")).isFalse();
        assertThat(trace.size()).isEqualTo(3);
        assertThat(trace.domains()).containsExactly("package_0", "dram_0");
    }

    @Test
    void anUnknownTagSaysWhichTagsThereAre() {
        assertThatThrownBy(() -> trace.get("baz"))
                .isInstanceOf(SampleNotFoundException.class)
                .hasMessage("no sample tagged 'baz' in this trace; its tags are 'foo', 'bar'");
    }

    @Test
    void anIndexOutOfRangeSaysHowManySamplesThereAre() {
        assertThatThrownBy(() -> trace.get(3)).isInstanceOf(IndexOutOfBoundsException.class)
                .hasMessage("no sample #3: the trace has 3 samples");
    }

    @Test
    void plusJoinsSamplesAndKeepsEstimatedWhenEitherIs() {
        EnergyTrace measured = new EnergyTrace(List.of(sample(1, "a", 1, 1, 1)),
                new EnergyOrigin("powercap", "RAPL counters", false));
        EnergyTrace modelled = new EnergyTrace(List.of(sample(2, "b", 1, 1, 1)),
                new EnergyOrigin("model", "CPU utilisation x TDP", true));
        EnergyTrace joined = measured.plus(modelled);
        assertThat(joined.tags()).containsExactly("a", "b");
        assertThat(joined.estimated()).isTrue();
        assertThat(joined.origin().source()).isEqualTo("powercap+model");
        assertThat(measured.plus(measured).origin()).isEqualTo(measured.origin());
    }

    @Test
    void removeIdleSubtractsIdleEnergyPerSampleAndDomain() {
        EnergyTrace net = trace.removeIdle(List.of(
                Map.of("package_0", 50.0, "dram_0", 5.0),
                Map.of("package_0", 250.0, "dram_0", 5.0),
                Map.of("package_0", 100.0, "dram_0", 30.0)));
        assertThat(net.get(0).energyMicrojoules()).containsExactly(Map.entry("package_0", 50.0),
                Map.entry("dram_0", 5.0));
        assertThat(net.get(1).energyMicrojoules("package_0")).isEqualTo(-50.0);
        assertThat(net.get(2).energyMicrojoules("dram_0")).isEqualTo(0.0);
        assertThat(trace.get(0).energyMicrojoules("package_0")).as("the original is unchanged").isEqualTo(100.0);
    }

    @Test
    void removeIdleRejectsAnIdleListOfAnotherLength() {
        assertThatThrownBy(() -> trace.removeIdle(List.of(Map.of("package_0", 1.0, "dram_0", 1.0))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the idle list has 1 values but the trace has 3 samples");
    }

    @Test
    void removeIdleRejectsIdleValuesMissingADomainOfTheTrace() {
        Map<String, Double> noDram = Map.of("package_0", 1.0);
        assertThatThrownBy(() -> trace.removeIdle(List.of(noDram, noDram, noDram)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("domain not present in idle values: dram_0");
    }

    @Test
    void cleanDataDropsNegativeSamplesAndThoseAGuardRejects() {
        EnergyTrace net = trace.removeIdle(List.of(
                Map.of("package_0", 0.0, "dram_0", 0.0),
                Map.of("package_0", 250.0, "dram_0", 0.0),
                Map.of("package_0", 0.0, "dram_0", 0.0)));
        assertThat(net.cleanData().tags()).containsExactly("foo");
        assertThat(net.cleanData().size()).isEqualTo(2);
        assertThat(net.cleanData(s -> s.durationSeconds() < 3).size()).isEqualTo(1);
        assertThat(net.cleanData(s -> true, s -> s.timestampSeconds() > 12).get(0).timestampSeconds())
                .isEqualTo(13);
    }

    @Test
    void samplesAreValidatedAndImmutable() {
        assertThatThrownBy(() -> new EnergySample(1, "x", -1, Map.of()))
                .hasMessageContaining("duration must be finite and >= 0 s, got -1.0");
        assertThatThrownBy(() -> new EnergySample(Double.NaN, "x", 1, Map.of()))
                .hasMessageContaining("timestamp must be finite");
        assertThatThrownBy(() -> new EnergySample(1, "x", 1, Map.of("package_0", Double.NaN)))
                .hasMessageContaining("package_0=NaN");
        Map<String, Double> energy = new LinkedHashMap<>(Map.of("package_0", 1.0));
        EnergySample sample = new EnergySample(1, "x", 1, energy);
        energy.put("package_0", 2.0);
        assertThat(sample.energyMicrojoules("package_0")).isEqualTo(1.0);
        assertThatThrownBy(() -> sample.energyMicrojoules().put("dram_0", 1.0))
                .isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> sample.energyMicrojoules("dram_0")).isInstanceOf(NoSuchDomainException.class)
                .hasMessage("sample 'x' has no domain dram_0; it has package_0");
    }
}
