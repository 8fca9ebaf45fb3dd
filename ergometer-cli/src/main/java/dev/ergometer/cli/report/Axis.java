package dev.ergometer.cli.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A linear value axis with "nice" ticks (1, 2 or 5 times a power of ten) mapped onto a pixel range. */
final class Axis {

    private final double low;
    private final double high;
    private final double step;
    private final double pixelLow;
    private final double pixelHigh;

    /** An axis covering [min, max] (widened to nice ticks), drawn from pixelLow (at low) to pixelHigh (at high). */
    Axis(double min, double max, double pixelLow, double pixelHigh) {
        if (!(min <= max)) {
            throw new IllegalArgumentException("an axis needs min <= max, got " + min + " and " + max);
        }
        if (min == max) {
            double pad = min == 0 ? 1 : Math.abs(min) * 0.1;
            min -= pad;
            max += pad;
        }
        this.step = niceStep((max - min) / 5);
        this.low = Math.floor(min / step) * step;
        this.high = Math.ceil(max / step) * step;
        this.pixelLow = pixelLow;
        this.pixelHigh = pixelHigh;
    }

    /** The pixel of a value. */
    double pixel(double value) {
        return pixelLow + (value - low) / (high - low) * (pixelHigh - pixelLow);
    }

    List<Double> ticks() {
        List<Double> ticks = new ArrayList<>();
        for (int i = 0; low + i * step <= high + step * 1e-9; i++) {
            ticks.add(low + i * step);
        }
        return ticks;
    }

    /** A tick's label, with as many decimals as the step needs. */
    String label(double value) {
        int decimals = (int) Math.max(0, Math.min(8, -Math.floor(Math.log10(step) + 1e-9)));
        if (Math.abs(value) < step * 1e-9) {
            value = 0;
        }
        if (Math.abs(value) >= 1e6 || (Math.abs(value) > 0 && step < 1e-6)) {
            return String.format(Locale.ROOT, "%.3g", value);
        }
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    double low() {
        return low;
    }

    double high() {
        return high;
    }

    static double niceStep(double rough) {
        if (!(rough > 0) || Double.isInfinite(rough)) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(rough)));
        double fraction = rough / power;
        double nice = fraction < 1.5 ? 1 : fraction < 3 ? 2 : fraction < 7 ? 5 : 10;
        return nice * power;
    }
}
