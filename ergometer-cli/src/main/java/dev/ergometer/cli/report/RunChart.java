package dev.ergometer.cli.report;

import java.util.List;

/**
 * Each series' value run after run: drift, warm-up effects and outliers show as a trend or a jump.
 *
 * @param title the chart's title
 * @param fileName the file name, without extension
 * @param yTitle the y axis title, with its unit
 * @param series the series' names
 * @param values each series' values, in run order
 */
public record RunChart(String title, String fileName, String yTitle, List<String> series, List<double[]> values)
        implements Chart {

    public RunChart {
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
        int runs = 1;
        for (double[] v : values) {
            runs = Math.max(runs, v.length);
        }
        Axis x = new Axis(1, Math.max(2, runs), frame.left() + 10, frame.right() - 10);
        for (double tick : x.ticks()) {
            if (tick >= 1 && tick <= runs && tick == Math.rint(tick)) {
                canvas.text(x.pixel(tick), frame.bottom() + 18, x.label(tick), 11, Canvas.Anchor.MIDDLE,
                        ChartFrame.TEXT, false);
            }
        }
        canvas.text((frame.left() + frame.right()) / 2, frame.bottom() + 38, "run", 12, Canvas.Anchor.MIDDLE,
                ChartFrame.TEXT, false);
        for (int s = 0; s < series.size(); s++) {
            double[] v = values.get(s);
            double[] xs = new double[v.length];
            double[] ys = new double[v.length];
            for (int i = 0; i < v.length; i++) {
                xs[i] = x.pixel(i + 1);
                ys[i] = y.pixel(v[i]);
            }
            canvas.polyline(xs, ys, Chart.colour(s), 1.5);
            for (int i = 0; i < v.length; i++) {
                canvas.circle(xs[i], ys[i], 2.8, Chart.colour(s), 1);
            }
        }
        frame.baseline(canvas, y);
    }
}
