package dev.ergometer.prometheus;

import java.util.Locale;

/** A text format /metrics can answer in, with the content type that names it. */
public enum ExpositionFormat {

    /** Prometheus' text format 0.0.4, what every Prometheus scrapes by default. */
    PROMETHEUS_TEXT("text/plain; version=0.0.4; charset=utf-8"),

    /** OpenMetrics 1.0 text: families without {@code _total}, {@code # UNIT} lines and a final {@code # EOF}. */
    OPENMETRICS("application/openmetrics-text; version=1.0.0; charset=utf-8");

    private final String contentType;

    ExpositionFormat(String contentType) {
        this.contentType = contentType;
    }

    /** The value of the Content-Type header of an answer in this format. */
    public String contentType() {
        return contentType;
    }

    /** The format a scraper asks for in its Accept header: OpenMetrics if it names it, otherwise the text format. */
    public static ExpositionFormat forAccept(String acceptHeader) {
        if (acceptHeader != null
                && acceptHeader.toLowerCase(Locale.ROOT).contains("application/openmetrics-text")) {
            return OPENMETRICS;
        }
        return PROMETHEUS_TEXT;
    }
}
