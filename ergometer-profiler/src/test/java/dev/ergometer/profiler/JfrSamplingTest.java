package dev.ergometer.profiler;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JfrSamplingTest {

    @Test
    void lambdasHaveTheSameNameInEveryRun() {
        assertThat(JfrSampling.frameName("com.shop.Cart$$Lambda.0x000000005f0cc230", "run"))
                .isEqualTo("com.shop.Cart$$Lambda.run");
        assertThat(JfrSampling.frameName("com.shop.Cart$$Lambda/0x00007f00", "run"))
                .isEqualTo("com.shop.Cart$$Lambda.run");
        assertThat(JfrSampling.frameName("com.shop.Cart", "total")).isEqualTo("com.shop.Cart.total");
        assertThat(JfrSampling.frameName("com.shop.Ox0abc", "f")).isEqualTo("com.shop.Ox0abc.f");
    }

    @Test
    void theCpuTimeSamplerIsChosenOnThisLinuxJdk() {
        assertThat(JfrRecorder.resolve(SamplerChoice.AUTO)).isEqualTo(SamplerChoice.CPU_TIME);
        assertThat(JfrRecorder.resolve(SamplerChoice.EXECUTION)).isEqualTo(SamplerChoice.EXECUTION);
    }

    @Test
    void theRecordersArgumentsAreRecognisedAndOnlyThem() {
        String arguments = JfrRecorder.arguments(SamplerChoice.CPU_TIME, 19_000_000L, true);

        assertThat(arguments).isEqualTo("record,sampler=cpu-time,period=19000000ns,from-start=true");
        assertThat(JfrRecorder.isRecordOnly(arguments)).isTrue();
        assertThat(JfrRecorder.isRecordOnly("record")).isTrue();
        assertThat(JfrRecorder.isRecordOnly("output=/tmp/recordings")).isFalse();
        assertThat(JfrRecorder.isRecordOnly(null)).isFalse();
    }
}
