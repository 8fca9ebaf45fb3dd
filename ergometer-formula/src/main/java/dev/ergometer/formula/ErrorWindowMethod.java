package dev.ergometer.formula;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.Arrays;
import java.util.Collection;

/** How SmartWatts sums up its recent model errors before comparing them with the error threshold. */
public enum ErrorWindowMethod {

    /** Python's {@code statistics.median}: the middle value, or the mean of the two middle values. */
    MEDIAN,
    /** Python's {@code statistics.mean}: the exact mean, rounded once. */
    MEAN;

    /** The method by its SmartWatts name ({@code median}, {@code mean}). */
    public static ErrorWindowMethod of(String name) {
        return switch (name.strip().toLowerCase(java.util.Locale.ROOT)) {
            case "median" -> MEDIAN;
            case "mean" -> MEAN;
            default -> throw new IllegalArgumentException("error window method '" + name
                    + "' is not supported: use median or mean");
        };
    }

    /** This method applied to {@code errors}, which must not be empty. */
    public double apply(Collection<Double> errors) {
        if (errors.isEmpty()) {
            throw new IllegalArgumentException("no error to sum up");
        }
        double[] values = errors.stream().mapToDouble(Double::doubleValue).toArray();
        if (this == MEDIAN) {
            Arrays.sort(values);
            int n = values.length;
            return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
        }
        BigDecimal sum = BigDecimal.ZERO;
        for (double v : values) {
            sum = sum.add(new BigDecimal(v));
        }
        return sum.divide(BigDecimal.valueOf(values.length), MathContext.DECIMAL128).doubleValue();
    }

    /** The SmartWatts name. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
