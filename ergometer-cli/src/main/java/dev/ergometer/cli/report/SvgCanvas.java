package dev.ergometer.cli.report;

import java.util.Locale;

/** A {@link Canvas} that writes SVG 1.1 elements, with no script and no external reference. */
final class SvgCanvas implements Canvas {

    private final int width;
    private final int height;
    private final String title;
    private final StringBuilder body = new StringBuilder();

    SvgCanvas(int width, int height, String title) {
        this.width = width;
        this.height = height;
        this.title = title;
    }

    @Override
    public void rect(double x, double y, double w, double h, String fill, String stroke) {
        body.append("<rect x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" width=\"").append(n(w))
                .append("\" height=\"").append(n(h)).append("\" fill=\"").append(fill).append('"');
        if (stroke != null) {
            body.append(" stroke=\"").append(stroke).append('"');
        }
        body.append("/>\n");
    }

    @Override
    public void line(double x1, double y1, double x2, double y2, String stroke, double w, boolean dashed) {
        body.append("<line x1=\"").append(n(x1)).append("\" y1=\"").append(n(y1)).append("\" x2=\"").append(n(x2))
                .append("\" y2=\"").append(n(y2)).append("\" stroke=\"").append(stroke).append("\" stroke-width=\"")
                .append(n(w)).append('"').append(dashed ? " stroke-dasharray=\"4 3\"" : "").append("/>\n");
    }

    @Override
    public void circle(double cx, double cy, double radius, String fill, double opacity) {
        body.append("<circle cx=\"").append(n(cx)).append("\" cy=\"").append(n(cy)).append("\" r=\"")
                .append(n(radius)).append("\" fill=\"").append(fill).append("\" fill-opacity=\"").append(n(opacity))
                .append("\"/>\n");
    }

    @Override
    public void polyline(double[] xs, double[] ys, String stroke, double w) {
        body.append("<polyline fill=\"none\" stroke=\"").append(stroke).append("\" stroke-width=\"").append(n(w))
                .append("\" points=\"");
        for (int i = 0; i < xs.length; i++) {
            body.append(i == 0 ? "" : " ").append(n(xs[i])).append(',').append(n(ys[i]));
        }
        body.append("\"/>\n");
    }

    @Override
    public void text(double x, double y, String text, double size, Anchor anchor, String fill, boolean bold) {
        body.append("<text x=\"").append(n(x)).append("\" y=\"").append(n(y)).append("\" font-size=\"")
                .append(n(size)).append("\" text-anchor=\"").append(anchor(anchor)).append("\" fill=\"").append(fill)
                .append('"').append(bold ? " font-weight=\"bold\"" : "").append('>').append(escape(text))
                .append("</text>\n");
    }

    @Override
    public void verticalText(double x, double y, String text, double size, String fill) {
        body.append("<text transform=\"translate(").append(n(x)).append(' ').append(n(y))
                .append(") rotate(-90)\" font-size=\"").append(n(size)).append("\" text-anchor=\"middle\" fill=\"")
                .append(fill).append("\">").append(escape(text)).append("</text>\n");
    }

    /** The {@code <svg>} element, to put inside an HTML page. */
    String element() {
        return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 " + width + " " + height + "\" width=\""
                + width + "\" height=\"" + height + "\" role=\"img\" aria-label=\"" + escape(title)
                + "\" font-family=\"" + FONT_FAMILY + "\">\n<title>" + escape(title) + "</title>\n"
                + "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n" + body + "</svg>\n";
    }

    /** A standalone SVG file. */
    String document() {
        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + element();
    }

    private static String anchor(Anchor anchor) {
        return switch (anchor) {
            case START -> "start";
            case MIDDLE -> "middle";
            case END -> "end";
        };
    }

    private static String n(double value) {
        String text = String.format(Locale.ROOT, "%.2f", value);
        if (text.contains(".")) {
            text = text.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return text.equals("-0") ? "0" : text;
    }

    /** Text and attribute values escaped for XML (and so for HTML). */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> {
                    if (c < 0x20 && c != '\n' && c != '\t') {
                        out.append(' ');
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }
}
