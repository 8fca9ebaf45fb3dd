package dev.ergometer.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Reference values: scipy.stats.norm.cdf 1.17. */
class NormalTest {

    @Test
    void cdfMatchesReferenceValuesWithinItsDocumentedAccuracy() {
        double[][] cases = {
            {-1.96, 0.024997895148220435}, {-3, 0.0013498980316300933}, {-5, 2.866515718791933e-07},
            {-8, 6.22096057427174e-16}, {-10, 7.61985302416047e-24}, {0.5, 0.6914624612740131}, {3, 0.9986501019683699},
            {-0.1, 0.460172162722971}, {0, 0.5}};
        for (double[] c : cases) {
            assertThat(Normal.cdf(c[0])).as("Phi(%s)", c[0]).isCloseTo(c[1], within(1e-15))
                    .isCloseTo(c[1], within(Math.abs(c[1]) * 1e-7));
        }
    }

    @Test
    void farTailsAreZeroAndOne() {
        assertThat(Normal.cdf(-40)).isZero();
        assertThat(Normal.cdf(40)).isEqualTo(1.0);
    }
}
