package dev.ergometer.cli.report;

/**
 * Where a chart draws: the few primitives every chart needs, with the same coordinates (pixels, y down) on every
 * backend, so that one drawing gives the SVG (for the HTML report and papers) and the PNG (for slides).
 * Colours are {@code #rrggbb}.
 */
interface Canvas {

    /** How text is placed relative to its point. */
    enum Anchor { START, MIDDLE, END }

    /** The font every chart uses, first choice first. */
    String FONT_FAMILY = "DejaVu Sans, Helvetica, Arial, sans-serif";

    void rect(double x, double y, double width, double height, String fill, String stroke);

    void line(double x1, double y1, double x2, double y2, String stroke, double width, boolean dashed);

    void circle(double cx, double cy, double radius, String fill, double opacity);

    void polyline(double[] xs, double[] ys, String stroke, double width);

    void text(double x, double y, String text, double size, Anchor anchor, String fill, boolean bold);

    /** Text turned a quarter to the left, centred on (x, y): a y axis title. */
    void verticalText(double x, double y, String text, double size, String fill);
}
