package dev.ergometer.cli.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import javax.imageio.ImageIO;

/**
 * A {@link Canvas} that draws into an image with Java 2D (headless), written as PNG at twice the chart's size so it
 * stays sharp on slides.
 */
final class PngCanvas implements Canvas {

    /** Pixels per chart unit. */
    static final int SCALE = 2;

    private final BufferedImage image;
    private final Graphics2D graphics;

    static {
        // Charts never need a display: without this, AWT would look for one when DISPLAY is set.
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    PngCanvas(int width, int height) {
        image = new BufferedImage(width * SCALE, height * SCALE, BufferedImage.TYPE_INT_RGB);
        graphics = image.createGraphics();
        graphics.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        graphics.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        graphics.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
        graphics.scale(SCALE, SCALE);
        graphics.setColor(Color.WHITE);
        graphics.fillRect(0, 0, width, height);
    }

    @Override
    public void rect(double x, double y, double w, double h, String fill, String stroke) {
        Rectangle2D shape = new Rectangle2D.Double(x, y, w, h);
        graphics.setColor(color(fill));
        graphics.fill(shape);
        if (stroke != null) {
            graphics.setColor(color(stroke));
            graphics.setStroke(new BasicStroke(1f));
            graphics.draw(shape);
        }
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, String stroke, double w, boolean dashed) {
        graphics.setColor(color(stroke));
        graphics.setStroke(dashed ? new BasicStroke((float) w, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f,
                new float[] {4f, 3f}, 0f) : new BasicStroke((float) w));
        graphics.draw(new Line2D.Double(x1, y1, x2, y2));
    }

    @Override
    public void circle(double cx, double cy, double radius, String fill, double opacity) {
        Color base = color(fill);
        graphics.setColor(new Color(base.getRed(), base.getGreen(), base.getBlue(),
                (int) Math.round(255 * Math.max(0, Math.min(1, opacity)))));
        graphics.fill(new Ellipse2D.Double(cx - radius, cy - radius, 2 * radius, 2 * radius));
    }

    @Override
    public void polyline(double[] xs, double[] ys, String stroke, double w) {
        if (xs.length == 0) {
            return;
        }
        Path2D.Double path = new Path2D.Double();
        path.moveTo(xs[0], ys[0]);
        for (int i = 1; i < xs.length; i++) {
            path.lineTo(xs[i], ys[i]);
        }
        graphics.setColor(color(stroke));
        graphics.setStroke(new BasicStroke((float) w, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
        graphics.draw(path);
    }

    @Override
    public void text(double x, double y, String text, double size, Anchor anchor, String fill, boolean bold) {
        graphics.setFont(font(size, bold));
        FontMetrics metrics = graphics.getFontMetrics();
        double width = metrics.stringWidth(text);
        double left = switch (anchor) {
            case START -> x;
            case MIDDLE -> x - width / 2;
            case END -> x - width;
        };
        graphics.setColor(color(fill));
        graphics.drawString(text, (float) left, (float) y);
    }

    @Override
    public void verticalText(double x, double y, String text, double size, String fill) {
        AffineTransform saved = graphics.getTransform();
        graphics.translate(x, y);
        graphics.rotate(-Math.PI / 2);
        text(0, 0, text, size, Anchor.MIDDLE, fill, false);
        graphics.setTransform(saved);
    }

    /** Writes the image as PNG. */
    void writePng(OutputStream out) throws IOException {
        graphics.dispose();
        if (!ImageIO.write(image, "png", out)) {
            throw new IOException("this JDK has no PNG writer (javax.imageio)");
        }
    }

    private static Font font(double size, boolean bold) {
        return new Font("DejaVu Sans", bold ? Font.BOLD : Font.PLAIN, 1).deriveFont((float) size);
    }

    private static Color color(String hex) {
        return new Color(Integer.parseInt(hex.substring(1), 16));
    }
}
