package dev.ergometer.cli.report;

import java.util.Arrays;
import java.util.List;

/**
 * The runs of each series as a box plot (quartiles, whiskers to the furthest run within 1.5 interquartile ranges)
 * with every run drawn over it as a point (a strip plot), so that a few runs are never hidden behind a box.
 *
 * @param title the chart's title
 * @param fileName the file name, without extension
 * @param yTitle the y axis title, with its unit
 * @param series the series' names
 * @param values each series' runs
 */
public record DistributionChart(String title, String fileName, String yTitle, List<String> series,
        List<double[]> values) implements Chart {

    public DistributionChart {
        series = List.copyOf(series);
        values = List.copyOf(values);
        if (values.size() != series.size()) {
            throw new IllegalArgumentException("one array of values per series is needed");
        }
    }

    @Override
    public void draw(Canvas canvas) {
        ChartFrame frame = ChartFrame.draw(canvas, title, series);
        Axis y = ValueSpan.padded(values).yAxis(frame, canvas, yTitle);
        double slot = (frame.right() - frame.left()) / Math.max(1, series.size());
        double boxWidth = Math.min(90, slot * 0.5);
        for (int s = 0; s < series.size(); s++) {
            double[] sorted = values.get(s).clone();
            Arrays.sort(sorted);
            double centre = frame.left() + (s + 0.5) * slot;
            String colour = Chart.colour(s);
            if (sorted.length > 0) {
                double q1 = quantile(sorted, 0.25);
                double median = quantile(sorted, 0.5);
                double q3 = quantile(sorted, 0.75);
                double reach = 1.5 * (q3 - q1);
                double whiskerLow = sorted[0];
                double whiskerHigh = sorted[sorted.length - 1];
                for (double v : sorted) {
                    if (v >= q1 - reach) {
                        whiskerLow = v;
                        break;
                    }
                }
                for (int i = sorted.length - 1; i >= 0; i--) {
                    if (sorted[i] <= q3 + reach) {
                        whiskerHigh = sorted[i];
                        break;
                    }
                }
                canvas.line(centre, y.pixel(whiskerLow), centre, y.pixel(q1), ChartFrame.TEXT, 1, false);
                canvas.line(centre, y.pixel(q3), centre, y.pixel(whiskerHigh), ChartFrame.TEXT, 1, false);
                canvas.line(centre - boxWidth / 4, y.pixel(whiskerLow), centre + boxWidth / 4, y.pixel(whiskerLow),
                        ChartFrame.TEXT, 1, false);
                canvas.line(centre - boxWidth / 4, y.pixel(whiskerHigh), centre + boxWidth / 4, y.pixel(whiskerHigh),
                        ChartFrame.TEXT, 1, false);
                canvas.rect(centre - boxWidth / 2, y.pixel(q3), boxWidth, Math.max(0.5, y.pixel(q1) - y.pixel(q3)),
                        "#f4f4f4", ChartFrame.TEXT);
                canvas.line(centre - boxWidth / 2, y.pixel(median), centre + boxWidth / 2, y.pixel(median),
                        ChartFrame.TEXT, 2.5, false);
            }
            double[] runs = values.get(s);
            for (int i = 0; i < runs.length; i++) {
                // A deterministic spread (golden-ratio sequence) so that equal values stay visible.
                double jitter = ((i * 0.6180339887) % 1 - 0.5) * boxWidth * 0.7;
                canvas.circle(centre + jitter, y.pixel(runs[i]), 3.2, colour, 0.75);
            }
            canvas.text(centre, frame.bottom() + 20, ChartFrame.fit(series.get(s), 12, slot), 12,
                    Canvas.Anchor.MIDDLE, ChartFrame.TEXT, false);
            canvas.text(centre, frame.bottom() + 36, runs.length + (runs.length == 1 ? " run" : " runs"), 11,
                    Canvas.Anchor.MIDDLE, "#555555", false);
        }
        canvas.text(frame.left(), Chart.HEIGHT - 6, "box: quartiles and median; whiskers: 1.5 IQR; points: runs", 11,
                Canvas.Anchor.START, "#555555", false);
    }

    /** The p-quantile of sorted values, R's type 7. */
    static double quantile(double[] sorted, double p) {
        double h = (sorted.length - 1) * p;
        int below = (int) Math.floor(h);
        int above = Math.min(sorted.length - 1, below + 1);
        return sorted[below] + (h - below) * (sorted[above] - sorted[below]);
    }
}
