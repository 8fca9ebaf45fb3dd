package dev.ergometer.formula;

import java.util.Arrays;

/**
 * A fitted linear model {@code y = intercept + coefficients · x}. Immutable.
 *
 * @param intercept the constant term
 * @param coefficients one per feature (copied)
 */
public record LinearModel(double intercept, double[] coefficients) {

    public LinearModel {
        coefficients = coefficients.clone();
    }

    @Override
    public double[] coefficients() {
        return coefficients.clone();
    }

    /** The number of features the model takes. */
    public int features() {
        return coefficients.length;
    }

    /** {@code intercept + coefficients · x}, summed in feature order. */
    public double predict(double[] x) {
        if (x.length != coefficients.length) {
            throw new IllegalArgumentException("the model takes " + coefficients.length + " features, got "
                    + x.length);
        }
        double sum = 0;
        for (int j = 0; j < x.length; j++) {
            sum += x[j] * coefficients[j];
        }
        return sum + intercept;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof LinearModel m && Double.compare(m.intercept, intercept) == 0
                && Arrays.equals(m.coefficients, coefficients);
    }

    @Override
    public int hashCode() {
        return Double.hashCode(intercept) * 31 + Arrays.hashCode(coefficients);
    }

    @Override
    public String toString() {
        return "LinearModel[intercept=" + intercept + ", coefficients=" + Arrays.toString(coefficients) + "]";
    }
}
