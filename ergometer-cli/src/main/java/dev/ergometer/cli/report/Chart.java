package dev.ergometer.cli.report;

import java.util.List;

/**
 * A chart of the report, drawn the same way on any {@link Canvas}: as inline SVG in the HTML page, and as SVG and
 * PNG files for papers and slides.
 */
public sealed interface Chart permits BarChart, DistributionChart, RunChart {

    /** Colour-blind-safe colours (Okabe and Ito), one per series, in order. */
    List<String> PALETTE = List.of("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#999999",
            "#000000");

    int WIDTH = 720;
    int HEIGHT = 400;

    /** The chart's title, also its accessible name. */
    String title();

    /** The file name to write it under, without extension ({@code energy}, {@code distribution-package_0}). */
    String fileName();

    /** Draws the chart, {@link #WIDTH} by {@link #HEIGHT}. */
    void draw(Canvas canvas);

    /** The chart as an inline {@code <svg>} element. */
    default String svgElement() {
        SvgCanvas canvas = new SvgCanvas(WIDTH, HEIGHT, title());
        draw(canvas);
        return canvas.element();
    }

    /** The chart as a standalone SVG document. */
    default String svgDocument() {
        SvgCanvas canvas = new SvgCanvas(WIDTH, HEIGHT, title());
        draw(canvas);
        return canvas.document();
    }

    /** The chart as a PNG image ({@link PngCanvas#SCALE} times the size). */
    default byte[] png() {
        PngCanvas canvas = new PngCanvas(WIDTH, HEIGHT);
        draw(canvas);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        try {
            canvas.writePng(out);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static String colour(int series) {
        return PALETTE.get(series % PALETTE.size());
    }
}
