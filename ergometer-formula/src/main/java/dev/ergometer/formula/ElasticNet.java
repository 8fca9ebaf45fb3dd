package dev.ergometer.formula;

/**
 * Elastic-net linear regression by cyclic coordinate descent, with optional non-negative coefficients: the model
 * SmartWatts learns ({@code sklearn.linear_model.ElasticNet(fit_intercept=..., positive=True)}), computed as
 * scikit-learn computes it so that both give the same coefficients.
 *
 * <p>It minimises {@code 1/(2n) ||y - Xw - b||² + alpha·l1Ratio·||w||₁ + alpha·(1 - l1Ratio)/2·||w||²}. With an
 * intercept, X and y are centred first and {@code b = mean(y) - mean(X)·w}; without, {@code b = 0}. The descent
 * visits features in order; a feature whose column is all zeros keeps coefficient 0; with {@code positive}, a
 * coefficient whose update would be negative is set to 0. After a sweep in which the largest change, relative to the
 * largest coefficient, fell below {@code tolerance} (or after the last sweep), the duality gap is computed and the
 * descent stops once it is below {@code tolerance · ||y||²} (scikit-learn's {@code enet_coordinate_descent}, in
 * {@code sklearn/linear_model/_cd_fast.pyx}, 1.2). Sums run in index order, where scikit-learn's BLAS may group them
 * differently: results agree to about 1e-9 relative, not to the last bit.
 *
 * <pre>{@code
 * LinearModel model = ElasticNet.smartWatts(true).fit(x, y);   // alpha 1, l1 ratio 0.5, positive
 * }</pre>
 */
public final class ElasticNet {

    /** scikit-learn's defaults, which SmartWatts keeps. */
    public static final double DEFAULT_ALPHA = 1.0;
    public static final double DEFAULT_L1_RATIO = 0.5;
    public static final int DEFAULT_MAX_ITERATIONS = 1000;
    public static final double DEFAULT_TOLERANCE = 1e-4;

    private final double alpha;
    private final double l1Ratio;
    private final boolean fitIntercept;
    private final boolean positive;
    private final int maxIterations;
    private final double tolerance;

    /**
     * @param alpha the overall penalty, {@code >= 0}
     * @param l1Ratio the share of the L1 penalty, in [0, 1]
     * @param fitIntercept whether to learn an intercept (otherwise it is 0)
     * @param positive whether coefficients are held {@code >= 0}
     */
    public ElasticNet(double alpha, double l1Ratio, boolean fitIntercept, boolean positive, int maxIterations,
            double tolerance) {
        if (!(alpha >= 0) || !(l1Ratio >= 0 && l1Ratio <= 1) || maxIterations < 1 || !(tolerance >= 0)) {
            throw new IllegalArgumentException("elastic net needs alpha >= 0, 0 <= l1 ratio <= 1, at least one "
                    + "iteration and a tolerance >= 0; got " + alpha + ", " + l1Ratio + ", " + maxIterations + ", "
                    + tolerance);
        }
        this.alpha = alpha;
        this.l1Ratio = l1Ratio;
        this.fitIntercept = fitIntercept;
        this.positive = positive;
        this.maxIterations = maxIterations;
        this.tolerance = tolerance;
    }

    /** SmartWatts' regression: scikit-learn's defaults with non-negative coefficients. */
    public static ElasticNet smartWatts(boolean fitIntercept) {
        return new ElasticNet(DEFAULT_ALPHA, DEFAULT_L1_RATIO, fitIntercept, true, DEFAULT_MAX_ITERATIONS,
                DEFAULT_TOLERANCE);
    }

    /**
     * Fits the model to samples {@code x[i]} (each with the same number of features) and targets {@code y[i]}.
     *
     * @throws IllegalArgumentException when there is no sample, the lengths differ or a value is not finite
     */
    public LinearModel fit(double[][] x, double[] y) {
        int n = x.length;
        if (n == 0 || y.length != n) {
            throw new IllegalArgumentException("elastic net needs at least one sample and one target per sample, got "
                    + n + " samples and " + y.length + " targets");
        }
        int p = x[0].length;
        double[][] columns = new double[p][n];
        double[] target = new double[n];
        for (int i = 0; i < n; i++) {
            if (x[i].length != p) {
                throw new IllegalArgumentException("sample " + i + " has " + x[i].length + " features, the first has "
                        + p);
            }
            for (int j = 0; j < p; j++) {
                columns[j][i] = finite(x[i][j], "feature");
            }
            target[i] = finite(y[i], "target");
        }
        double[] xMean = new double[p];
        double yMean = 0;
        if (fitIntercept) {
            for (int j = 0; j < p; j++) {
                xMean[j] = mean(columns[j]);
                for (int i = 0; i < n; i++) {
                    columns[j][i] -= xMean[j];
                }
            }
            yMean = mean(target);
            for (int i = 0; i < n; i++) {
                target[i] -= yMean;
            }
        }
        double[] w = descend(columns, target, alpha * l1Ratio * n, alpha * (1 - l1Ratio) * n);
        double intercept = 0;
        if (fitIntercept) {
            double offset = 0;
            for (int j = 0; j < p; j++) {
                offset += xMean[j] * w[j];
            }
            intercept = yMean - offset;
        }
        return new LinearModel(intercept, w);
    }

    /** scikit-learn's coordinate descent on centred data, with penalties already scaled by the sample count. */
    private double[] descend(double[][] columns, double[] y, double l1, double l2) {
        int p = columns.length;
        int n = y.length;
        double[] w = new double[p];
        double[] norms = new double[p];
        for (int j = 0; j < p; j++) {
            norms[j] = dot(columns[j], columns[j]);
        }
        double[] residual = y.clone();
        double gapTolerance = tolerance * dot(y, y);
        for (int iteration = 0; iteration < maxIterations; iteration++) {
            double wMax = 0;
            double dwMax = 0;
            for (int j = 0; j < p; j++) {
                if (norms[j] == 0.0) {
                    continue;
                }
                double[] column = columns[j];
                double before = w[j];
                if (before != 0.0) {
                    axpy(before, column, residual);
                }
                double tmp = dot(column, residual);
                if (positive && tmp < 0) {
                    w[j] = 0.0;
                } else {
                    w[j] = Math.signum(tmp) * Math.max(Math.abs(tmp) - l1, 0) / (norms[j] + l2);
                }
                if (w[j] != 0.0) {
                    axpy(-w[j], column, residual);
                }
                dwMax = Math.max(dwMax, Math.abs(w[j] - before));
                wMax = Math.max(wMax, Math.abs(w[j]));
            }
            if (wMax == 0.0 || dwMax / wMax < tolerance || iteration == maxIterations - 1) {
                if (dualityGap(columns, y, residual, w, l1, l2) < gapTolerance) {
                    break;
                }
            }
        }
        return w;
    }

    private double dualityGap(double[][] columns, double[] y, double[] residual, double[] w, double l1, double l2) {
        double dualNorm = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < columns.length; j++) {
            double xta = dot(columns[j], residual) - l2 * w[j];
            dualNorm = Math.max(dualNorm, positive ? xta : Math.abs(xta));
        }
        double residualNorm2 = dot(residual, residual);
        double wNorm2 = dot(w, w);
        double constant;
        double gap;
        if (dualNorm > l1) {
            constant = l1 / dualNorm;
            gap = 0.5 * (residualNorm2 + residualNorm2 * constant * constant);
        } else {
            constant = 1.0;
            gap = residualNorm2;
        }
        double l1Norm = 0;
        for (double coefficient : w) {
            l1Norm += Math.abs(coefficient);
        }
        return gap + l1 * l1Norm - constant * dot(residual, y) + 0.5 * l2 * (1 + constant * constant) * wNorm2;
    }

    private static double dot(double[] a, double[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    private static double mean(double[] values) {
        double sum = 0;
        for (double v : values) {
            sum += v;
        }
        return sum / values.length;
    }

    private static double finite(double value, String what) {
        if (!Double.isFinite(value)) {
            throw new IllegalArgumentException("elastic net: a " + what + " value is " + value
                    + "; every value must be finite");
        }
        return value;
    }
}
