package dev.ergometer.meter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.model.Domain;
import dev.ergometer.sampler.Sampler;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EnergyMeterTest {

    private final ScriptedTime time = new ScriptedTime();
    private final ScriptedSource source = ScriptedSource.rapl(Domain.packageOf(0), Domain.dramOf(0)).set(1000, 100);
    private final Sampler sampler = new Sampler(source, time, Sampler.DEFAULT_INTERVAL_NANOS);

    private EnergyMeter meter() {
        return EnergyMeter.over(sampler).clock(time).build();
    }

    private void at(double seconds, long pkg, long dram) {
        time.set(seconds);
        source.set(pkg, dram);
    }

    private static Map<String, Double> energy(double pkg, double dram) {
        Map<String, Double> map = new LinkedHashMap<>();
        map.put("package_0", pkg);
        map.put("dram_0", dram);
        return map;
    }

    private static double epoch(double seconds) {
        return ScriptedTime.EPOCH_SECONDS + seconds;
    }

    @Test
    void startRecordStopResumeStopGivesThreeSamplesWithoutThePause() {
        EnergyMeter meter = meter();
        at(1, 2000, 200);
        meter.start("foo");
        at(3, 5000, 300);
        meter.record("bar");
        at(4, 6000, 350);
        meter.stop();
        at(10, 100_000, 1000);
        meter.resume("baz");
        at(10.5, 100_500, 1100);
        meter.stop();

        EnergyTrace trace = meter.getTrace();

        assertThat(trace.samples()).containsExactly(
                new EnergySample(epoch(1), "foo", 2.0, energy(3000, 100)),
                new EnergySample(epoch(3), "bar", 1.0, energy(1000, 50)),
                new EnergySample(epoch(10), "baz", 0.5, energy(500, 100)));
        assertThat(trace.origin()).isEqualTo(new EnergyOrigin("powercap", "scripted counters", false));
    }

    @Test
    void samplesWithoutATagGetTheDefaultTag() {
        EnergyMeter pyJoulesDefault = meter();
        pyJoulesDefault.start();
        pyJoulesDefault.record();
        pyJoulesDefault.stop();
        assertThat(pyJoulesDefault.getTrace().tags()).containsExactly("");

        EnergyMeter tagged = EnergyMeter.over(sampler).clock(time).defaultTag("step").build();
        tagged.start();
        tagged.stop();
        assertThat(tagged.getTrace().get(0).tag()).isEqualTo("step");
    }

    @Test
    void resumeStartsAMeterThatWasNeverStarted() {
        EnergyMeter meter = meter();
        at(2, 3000, 300);
        meter.resume("first");
        at(3, 3500, 350);
        meter.stop();
        assertThat(meter.getTrace().samples())
                .containsExactly(new EnergySample(epoch(2), "first", 1.0, energy(500, 50)));
    }

    @Test
    void startBeginsANewTrace() {
        EnergyMeter meter = meter();
        meter.start("old");
        meter.stop();
        at(5, 9000, 900);
        meter.start("new");
        at(6, 9100, 910);
        meter.stop();
        assertThat(meter.getTrace().samples())
                .containsExactly(new EnergySample(epoch(5), "new", 1.0, energy(100, 10)));
    }

    @Test
    void recordingAfterStopResumesAsInPyJoules() {
        EnergyMeter meter = meter();
        at(1, 1000, 100);
        meter.start("a");
        at(2, 1100, 110);
        meter.stop();
        at(5, 5000, 500);
        meter.record("b");
        at(6, 5200, 520);
        meter.stop();
        assertThat(meter.getTrace().tags()).containsExactly("a", "b");
        assertThat(meter.getTrace().get("b").energyMicrojoules("package_0")).isEqualTo(200);
    }

    @Test
    void recordStopAndTraceNeedAStartedMeter() {
        EnergyMeter meter = meter();
        assertThatThrownBy(() -> meter.record("x")).isInstanceOf(EnergyMeterNotStartedException.class)
                .hasMessage("cannot record: the energy meter was not started; call start() first");
        assertThatThrownBy(meter::stop).isInstanceOf(EnergyMeterNotStartedException.class);
        assertThatThrownBy(meter::getTrace).isInstanceOf(EnergyMeterNotStartedException.class);
    }

    @Test
    void resumeAndTraceNeedAStoppedMeter() {
        EnergyMeter meter = meter();
        meter.start("x");
        assertThatThrownBy(() -> meter.resume("y")).isInstanceOf(EnergyMeterNotStoppedException.class)
                .hasMessage("cannot resume: the energy meter is still measuring; call stop() first");
        assertThatThrownBy(meter::getTrace).isInstanceOf(EnergyMeterNotStoppedException.class);
        meter.stop();
        meter.stop();
        assertThat(meter.getTrace().size()).isEqualTo(1);
    }

    @Test
    void energyAcrossACounterWrapIsTheWrappedDifference() {
        ScriptedSource wrapping = new ScriptedSource("powercap", false, 10_000, Domain.packageOf(0)).set(8000);
        EnergyMeter meter = EnergyMeter.over(new Sampler(wrapping, time, Sampler.DEFAULT_INTERVAL_NANOS))
                .clock(time).build();
        time.set(1);
        wrapping.set(9000);
        meter.start("wraps");
        time.set(2);
        wrapping.set(1500);
        meter.stop();
        assertThat(meter.getTrace().get("wraps").energyMicrojoules("package_0")).isEqualTo(2500);
    }

    @Test
    void onlyTheSelectedDomainsAreMeasuredInTheOrderAsked() {
        EnergyMeter meter = EnergyMeter.over(sampler).clock(time)
                .domains(DomainSelection.of(RaplDomains.dram(0), RaplDomains.packageOf(0))).build();
        at(1, 2000, 200);
        meter.start("x");
        at(2, 2600, 260);
        meter.stop();
        assertThat(meter.domains()).extracting(Domain::id).containsExactly("dram_0", "package_0");
        assertThat(meter.getTrace().get(0).energyMicrojoules())
                .containsExactly(Map.entry("dram_0", 60.0), Map.entry("package_0", 600.0));

        EnergyMeter dramOnly = EnergyMeter.over(sampler).domains(DomainSelection.ids("dram_0")).build();
        dramOnly.start();
        dramOnly.stop();
        assertThat(dramOnly.getTrace().domains()).containsExactly("dram_0");
    }

    @Test
    void genIdleWaitsEachSampleDurationAndMeasuresTheIdleEnergy() throws Exception {
        List<Long> slept = new ArrayList<>();
        EnergyMeter meter = EnergyMeter.over(sampler).clock(time).sleeper(nanos -> {
            slept.add(nanos);
            time.advance(nanos / 1e9);
            idlePackage += nanos / 10_000_000; // 100 µW idle
            idleDram += 1;
            source.set(idlePackage, idleDram);
        }).build();
        at(1, 2000, 200);
        meter.start("foo");
        at(3, 5000, 300);
        meter.record("bar");
        at(3.5, 6000, 350);
        meter.stop();
        EnergyTrace trace = meter.getTrace();
        idlePackage = 6000;
        idleDram = 350;

        List<Map<String, Double>> idle = meter.genIdle(trace);

        assertThat(slept).containsExactly(2_000_000_000L, 500_000_000L);
        assertThat(idle).containsExactly(energy(200, 1), energy(50, 1));
        EnergyTrace net = trace.removeIdle(idle);
        assertThat(net.get("foo").energyMicrojoules()).isEqualTo(energy(2800, 99));
        assertThat(net.get("bar").energyMicrojoules()).isEqualTo(energy(950, 49));
    }

    private long idlePackage;
    private long idleDram;
}
