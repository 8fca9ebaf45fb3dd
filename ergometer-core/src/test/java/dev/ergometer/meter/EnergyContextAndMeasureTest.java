package dev.ergometer.meter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.ergometer.meter.handler.PrintHandler;
import dev.ergometer.model.Domain;
import dev.ergometer.sampler.Sampler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EnergyContextAndMeasureTest {

    private final ScriptedTime time = new ScriptedTime();
    private final ScriptedSource source = ScriptedSource.rapl(Domain.packageOf(0), NvidiaDomains.gpu(0)).set(0, 0);
    private final EnergyMeter meter = EnergyMeter.over(new Sampler(source, time, Sampler.DEFAULT_INTERVAL_NANOS))
            .clock(time).build();
    private final List<EnergyTrace> handled = new ArrayList<>();

    private void at(double seconds, long pkg, long gpu) {
        time.set(seconds);
        source.set(pkg, gpu);
    }

    @Test
    void theContextStartsOnOpenRecordsAndPrintsTheTraceOnClose() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        at(1, 1000, 10);
        try (EnergyContext ctx = EnergyContext.on(meter, new PrintHandler(new PrintStream(bytes, true,
                StandardCharsets.UTF_8)), "foo")) {
            at(3, 4000, 40);
            ctx.record("bar");
            at(3.5, 4500, 45);
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo(
                "begin timestamp : 1700000001.0; tag : foo; duration : 2.0; package_0 : 3000.0; nvidia_gpu_0 : 30.0"
                        + System.lineSeparator()
                        + "begin timestamp : 1700000003.0; tag : bar; duration : 0.5; package_0 : 500.0; "
                        + "nvidia_gpu_0 : 5.0" + System.lineSeparator());
        assertThat(meter.isStopped()).isTrue();
        assertThat(source.closed).as("a context on the caller's meter leaves it open").isFalse();
    }

    @Test
    void theContextHandsTheTraceOverEvenWhenTheBlockThrows() {
        assertThatThrownBy(() -> {
            try (EnergyContext ctx = EnergyContext.on(meter, handled::add, EnergyContext.DEFAULT_START_TAG)) {
                throw new IllegalStateException("boom");
            }
        }).hasMessage("boom");
        assertThat(handled).hasSize(1);
        assertThat(handled.getFirst().tags()).containsExactly("start");
    }

    @Test
    void measureReturnsTheValueWithItsSampleAndHandsTheTraceOver() throws Exception {
        at(2, 500, 5);
        EnergyMeasure.Measured<String> measured = EnergyMeasure.on(meter, "foo", () -> {
            at(2.25, 800, 9);
            return "done";
        }, handled::add);
        assertThat(measured.value()).isEqualTo("done");
        assertThat(measured.sample()).isEqualTo(new EnergySample(1700000002.0, "foo", 0.25,
                java.util.Map.of("package_0", 300.0, "nvidia_gpu_0", 4.0)));
        assertThat(handled).containsExactly(measured.trace());
        assertThat(measured.trace().origin().source()).isEqualTo("powercap");
    }

    @Test
    void measureRethrowsTheCallsCheckedExceptionWithoutCallingTheHandler() {
        assertThatThrownBy(() -> EnergyMeasure.on(meter, "io", () -> {
            throw new IOException("disk gone");
        }, handled::add)).isInstanceOf(IOException.class).hasMessage("disk gone");
        assertThat(handled).isEmpty();
        assertThat(meter.isStopped()).isTrue();
    }

    @Test
    void measureOnThisMachineUsesTheBestSourceAndSaysWhetherItIsEstimated() {
        EnergyMeasure.Measured<Integer> measured = EnergyMeasure.of(() -> 6 * 7, handled::add);
        assertThat(measured.value()).isEqualTo(42);
        assertThat(measured.sample().tag()).isEqualTo(EnergyMeasure.DEFAULT_TAG);
        assertThat(measured.sample().energyMicrojoules()).isNotEmpty();
        EnergyOrigin origin = handled.getFirst().origin();
        assertThat(origin.estimated()).isEqualTo(origin.source().equals("model"));
    }
}
