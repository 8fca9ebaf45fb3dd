package dev.ergometer.profiler;

import java.util.Locale;

/** How the reports write energy, power, time and shares: exact decimal joules from integer microjoules. */
final class EnergyText {

    private EnergyText() {
    }

    /** Microjoules as joules with six decimals, exactly: {@code 1234567 -> "1.234567"}. */
    static String joules(long microjoules) {
        String sign = microjoules < 0 ? "-" : "";
        long abs = Math.abs(microjoules);
        return sign + abs / 1_000_000 + "." + String.format(Locale.ROOT, "%06d", abs % 1_000_000);
    }

    /** Microjoules as joules for people: three significant decimals at most ({@code 12.346 J}). */
    static String joulesShort(long microjoules) {
        double j = microjoules / 1e6;
        return String.format(Locale.ROOT, Math.abs(j) >= 100 ? "%.1f" : Math.abs(j) >= 1 ? "%.2f" : "%.3f", j);
    }

    /** {@code part} as a percentage of {@code whole}, one decimal; {@code 0.0} when the whole is 0. */
    static String percent(long part, long whole) {
        return String.format(Locale.ROOT, "%.1f", whole == 0 ? 0.0 : 100.0 * part / whole);
    }

    /** Nanoseconds as seconds with three decimals. */
    static String seconds(long nanos) {
        return String.format(Locale.ROOT, "%.3f", nanos / 1e9);
    }

    /** Average power in watts over {@code nanos}, two decimals. */
    static String watts(long microjoules, long nanos) {
        return String.format(Locale.ROOT, "%.2f", nanos == 0 ? 0.0 : microjoules * 1e3 / nanos);
    }

    /** One CSV field: quoted (RFC 4180) when it holds a comma, a quote or a line break. */
    static String csv(String field) {
        if (field.indexOf(',') < 0 && field.indexOf('"') < 0 && field.indexOf('\n') < 0 && field.indexOf('\r') < 0) {
            return field;
        }
        return '"' + field.replace("\"", "\"\"") + '"';
    }
}
