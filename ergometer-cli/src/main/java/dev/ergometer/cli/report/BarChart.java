package dev.ergometer.cli.report;

import java.util.List;

/**
 * Grouped bars: one group per domain, one bar per series (its median), with optional whiskers (the interquartile
 * range of the runs).
 *
 * @param title the chart's title
 * @param fileName the file name, without extension
 * @param yTitle the y axis title, with its unit
 * @param groups the groups along x (domains)
 * @param series the series' names, in legend order ("(estimated)" included where it applies)
 * @param values the bar heights, [series][group]; NaN where a series lacks the group
 * @param low the whiskers' lower ends, [series][group]; NaN for none
 * @param high the whiskers' upper ends, [series][group]; NaN for none
 * @param note a line under the chart saying what bars and whiskers are
 */
public record BarChart(String title, String fileName, String yTitle, List<String> groups, List<String> series,
        double[][] values, double[][] low, double[][] high, String note) implements Chart {

    public BarChart {
        groups = List.copyOf(groups);
        series = List.copyOf(series);
        if (values.length != series.size() || low.length != series.size() || high.length != series.size()) {
            throw new IllegalArgumentException("one row of values per series is needed");
        }
    }

    @Override
    public void draw(Canvas canvas) {
        ChartFrame frame = ChartFrame.draw(canvas, title, series);
        double min = 0;
        double max = 0;
        for (int s = 0; s < series.size(); s++) {
            for (int g = 0; g < groups.size(); g++) {
                for (double v : new double[] {values[s][g], low[s][g], high[s][g]}) {
                    if (!Double.isNaN(v)) {
                        min = Math.min(min, v);
                        max = Math.max(max, v);
                    }
                }
            }
        }
        Axis y = frame.yAxis(canvas, min, max, yTitle);
        double groupWidth = (frame.right() - frame.left()) / Math.max(1, groups.size());
        double barWidth = groupWidth * 0.8 / Math.max(1, series.size());
        double zero = y.pixel(Math.max(y.low(), Math.min(0, y.high())));
        for (int g = 0; g < groups.size(); g++) {
            double groupLeft = frame.left() + g * groupWidth + groupWidth * 0.1;
            for (int s = 0; s < series.size(); s++) {
                double value = values[s][g];
                if (Double.isNaN(value)) {
                    continue;
                }
                double x = groupLeft + s * barWidth;
                double top = Math.min(zero, y.pixel(value));
                double height = Math.abs(y.pixel(value) - zero);
                canvas.rect(x + 1, top, Math.max(1, barWidth - 2), Math.max(0.5, height), Chart.colour(s), null);
                if (!Double.isNaN(low[s][g]) && !Double.isNaN(high[s][g])) {
                    double centre = x + barWidth / 2;
                    canvas.line(centre, y.pixel(low[s][g]), centre, y.pixel(high[s][g]), ChartFrame.TEXT, 1.2, false);
                    canvas.line(centre - 4, y.pixel(low[s][g]), centre + 4, y.pixel(low[s][g]), ChartFrame.TEXT, 1.2,
                            false);
                    canvas.line(centre - 4, y.pixel(high[s][g]), centre + 4, y.pixel(high[s][g]), ChartFrame.TEXT,
                            1.2, false);
                }
            }
            canvas.text(frame.left() + (g + 0.5) * groupWidth, frame.bottom() + 20,
                    ChartFrame.fit(groups.get(g), 12, groupWidth), 12, Canvas.Anchor.MIDDLE, ChartFrame.TEXT, false);
        }
        frame.baseline(canvas, y);
        canvas.text(frame.left(), Chart.HEIGHT - 12, note, 11, Canvas.Anchor.START, "#555555", false);
    }
}
