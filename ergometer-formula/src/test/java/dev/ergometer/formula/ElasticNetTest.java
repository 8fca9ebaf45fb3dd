package dev.ergometer.formula;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Compares {@link ElasticNet} with scikit-learn 1.2.1's {@code ElasticNet(fit_intercept=..., positive=True)} on data
 * both compute identically. The expected numbers were printed by scikit-learn (Debian's python3-sklearn 1.2.1) for the
 * same data, built by the same formulas; agreement is required to 1e-9 relative.
 */
class ElasticNetTest {

    /** Two SmartWatts-like events (cycles around 1e9, misses around 5e5) and a power that depends on both. */
    private static double[][] events(int n) {
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            x[i] = new double[] {1e9 + 3e7 * ((i * 7) % 11), 5e5 + 2e4 * ((i * 5) % 13)};
        }
        return x;
    }

    private static double[] power(double[][] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = 18.5 + 2.5e-8 * x[i][0] + 4e-6 * x[i][1] + 0.3 * (((i * 3) % 7) - 3);
        }
        return y;
    }

    /** Three features, the second with a negative true coefficient, which the positive constraint must hold at 0. */
    private static double[][] mixed(int n) {
        double[][] x = new double[n][];
        for (int i = 0; i < n; i++) {
            x[i] = new double[] {(i * 3) % 10, (i * 7) % 9, i % 4};
        }
        return x;
    }

    private static double[] mixedTarget(double[][] x) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = 5.0 + 2.0 * x[i][0] - 1.5 * x[i][1] + 0.25 * x[i][2];
        }
        return y;
    }

    private static Offset<Double> relative(double expected) {
        return within(Math.abs(expected) * 1e-9 + 1e-12);
    }

    @Test
    void fullHistoryWithInterceptMatchesScikitLearn() {
        double[][] x = events(60);
        LinearModel model = ElasticNet.smartWatts(true).fit(x, power(x));

        assertThat(model.intercept()).isCloseTo(18.388801851158505, relative(18.388801851158505));
        assertThat(model.coefficients()[0]).isCloseTo(2.4893798391736525e-08, relative(2.4893798391736525e-08));
        assertThat(model.coefficients()[1]).isCloseTo(4.368161900830662e-06, relative(4.368161900830662e-06));
        assertThat(model.predict(x[3])).isCloseTo(53.109547186864546, relative(53.109547186864546));
    }

    @Test
    void partialHistoryWithoutInterceptMatchesScikitLearn() {
        double[][] x = events(10);
        LinearModel model = ElasticNet.smartWatts(false).fit(x, power(x));

        assertThat(model.intercept()).isZero();
        assertThat(model.coefficients()[0]).isCloseTo(3.5953758906343095e-08, relative(3.5953758906343095e-08));
        assertThat(model.coefficients()[1]).isCloseTo(1.3476793913883591e-05, relative(1.3476793913883591e-05));
        assertThat(model.predict(x[3])).isCloseTo(54.01735529174316, relative(54.01735529174316));
    }

    @Test
    void negativeRelationsAreHeldAtZeroAsScikitLearnDoes() {
        double[][] x = mixed(40);
        LinearModel withIntercept = ElasticNet.smartWatts(true).fit(x, mixedTarget(x));
        LinearModel without = ElasticNet.smartWatts(false).fit(x, mixedTarget(x));

        assertThat(withIntercept.intercept()).isCloseTo(0.23857142857142932, within(1e-9));
        assertThat(withIntercept.coefficients()).containsExactly(new double[] {1.816428571428571, 0.0, 0.0},
                within(1e-9));
        assertThat(without.coefficients()).containsExactly(new double[] {1.853448275862069, 0.0, 0.0},
                within(1e-9));
        assertThat(without.predict(x[3])).isCloseTo(16.68103448275862, within(1e-9));
    }

    @Test
    void everyCoefficientIsNonNegativeWhateverTheData() {
        double[][] x = new double[30][];
        double[] y = new double[30];
        for (int i = 0; i < 30; i++) {
            x[i] = new double[] {i, 30 - i, (i * i) % 17};
            y[i] = 100 - 3 * i + ((i * 5) % 7);
        }

        LinearModel model = ElasticNet.smartWatts(true).fit(x, y);

        assertThat(java.util.Arrays.stream(model.coefficients()).min().orElseThrow()).isGreaterThanOrEqualTo(0.0);
    }
}
