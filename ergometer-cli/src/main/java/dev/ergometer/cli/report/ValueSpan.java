package dev.ergometer.cli.report;

import java.util.List;

/**
 * The span a chart's y axis covers: from the least to the greatest of the values it plots, widened by 5 % of the
 * span on each side so that no point sits on the plot's edge ({@code [0, 1]}, widened, when there is no value).
 *
 * @param min the bottom of the span
 * @param max the top of the span
 */
record ValueSpan(double min, double max) {

    private static final double PAD = 0.05;

    /** The padded span of every value of every series. */
    static ValueSpan padded(List<double[]> values) {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (double[] series : values) {
            for (double v : series) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        if (min > max) {
            min = 0;
            max = 1;
        }
        double pad = (max - min) * PAD;
        return new ValueSpan(min - pad, max + pad);
    }

    /** Draws the y axis over this span in {@code frame}, titled {@code title}, and returns it. */
    Axis yAxis(ChartFrame frame, Canvas canvas, String title) {
        return frame.yAxis(canvas, min, max, title);
    }
}
