package dev.ergometer.cli.report;

import java.util.List;

/**
 * The parts every chart shares: the title, a legend of the series (wrapping to more rows when needed), the plot area
 * below them, the y axis with its grid and title.
 */
final class ChartFrame {

    static final String TEXT = "#222222";
    static final String GRID = "#dddddd";
    static final double LEFT = 78;
    static final double RIGHT = 20;
    static final double BOTTOM = 58;

    private final double top;

    private ChartFrame(double top) {
        this.top = top;
    }

    /** Draws the title and legend; the frame says where the plot area begins. */
    static ChartFrame draw(Canvas canvas, String title, List<String> series) {
        canvas.text(Chart.WIDTH / 2.0, 24, title, 16, Canvas.Anchor.MIDDLE, TEXT, true);
        double x = LEFT;
        double y = 46;
        for (int s = 0; s < series.size(); s++) {
            double width = 18 + textWidth(series.get(s), 12) + 18;
            if (x + width > Chart.WIDTH - RIGHT && x > LEFT) {
                x = LEFT;
                y += 18;
            }
            canvas.rect(x, y - 10, 12, 12, Chart.colour(s), null);
            canvas.text(x + 17, y, series.get(s), 12, Canvas.Anchor.START, TEXT, false);
            x += width;
        }
        return new ChartFrame(series.isEmpty() ? 40 : y + 16);
    }

    double top() {
        return top;
    }

    double bottom() {
        return Chart.HEIGHT - BOTTOM;
    }

    double left() {
        return LEFT;
    }

    double right() {
        return Chart.WIDTH - RIGHT;
    }

    /** The y axis over [min, max], with grid lines, tick labels and its title; returns the axis. */
    Axis yAxis(Canvas canvas, double min, double max, String title) {
        Axis axis = new Axis(min, max, bottom(), top());
        for (double tick : axis.ticks()) {
            double y = axis.pixel(tick);
            canvas.line(left(), y, right(), y, GRID, 1, false);
            canvas.text(left() - 6, y + 4, axis.label(tick), 11, Canvas.Anchor.END, TEXT, false);
        }
        canvas.line(left(), top(), left(), bottom(), TEXT, 1, false);
        canvas.verticalText(18, (top() + bottom()) / 2, title, 12, TEXT);
        return axis;
    }

    /** The x axis line at the bottom of the plot, or at 0 when 0 is inside the y range. */
    void baseline(Canvas canvas, Axis y) {
        double at = y.low() < 0 && y.high() > 0 ? y.pixel(0) : bottom();
        canvas.line(left(), at, right(), at, TEXT, 1, false);
    }

    /** A rough width of text in pixels, for layout (SVG cannot measure text before it is shown). */
    static double textWidth(String text, double size) {
        return text.length() * size * 0.6;
    }

    /** Text shortened with an ellipsis to fit {@code width} pixels. */
    static String fit(String text, double size, double width) {
        int max = (int) Math.max(3, width / (size * 0.6));
        return text.length() <= max ? text : text.substring(0, max - 1) + "…";
    }
}
