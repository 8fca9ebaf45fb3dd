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
        assertThat(JfrSampling.resolve(SamplerChoice.AUTO)).isEqualTo(SamplerChoice.CPU_TIME);
        assertThat(JfrSampling.resolve(SamplerChoice.EXECUTION)).isEqualTo(SamplerChoice.EXECUTION);
    }
}
