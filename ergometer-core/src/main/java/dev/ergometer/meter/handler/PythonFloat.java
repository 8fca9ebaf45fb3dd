package dev.ergometer.meter.handler;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/** Formats a double exactly as Python's {@code repr(float)} / {@code str(float)}, for pyJoules' text formats. */
final class PythonFloat {

    private PythonFloat() {
    }

    /** The shortest digits that read back as {@code value}, laid out as Python lays them out. */
    static String repr(double value) {
        if (Double.isNaN(value)) {
            return "nan";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "inf" : "-inf";
        }
        String sign = (value < 0 || (value == 0 && 1 / value < 0)) ? "-" : "";
        double magnitude = Math.abs(value);
        if (magnitude == 0) {
            return sign + "0.0";
        }
        // Double.toString gives the shortest digits that round-trip (JDK 19+), as Python's repr does.
        BigDecimal decimal = new BigDecimal(Double.toString(magnitude)).stripTrailingZeros();
        // Java gives two digits where one round-trips but is not the closest two-digit decimal (4.9e-324);
        // Python gives the one digit (5e-324).
        BigDecimal oneDigit = decimal.round(new MathContext(1, RoundingMode.HALF_EVEN));
        if (decimal.precision() == 2 && oneDigit.doubleValue() == magnitude) {
            decimal = oneDigit.stripTrailingZeros();
        }
        String digits = decimal.unscaledValue().toString();
        int point = digits.length() - decimal.scale(); // value = 0.<digits> x 10^point
        if (point > -4 && point <= 16) {
            if (point <= 0) {
                return sign + "0." + "0".repeat(-point) + digits;
            }
            if (point >= digits.length()) {
                return sign + digits + "0".repeat(point - digits.length()) + ".0";
            }
            return sign + digits.substring(0, point) + "." + digits.substring(point);
        }
        int exponent = point - 1;
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String exponentDigits = String.valueOf(Math.abs(exponent));
        return sign + mantissa + "e" + (exponent < 0 ? "-" : "+")
                + (exponentDigits.length() < 2 ? "0" : "") + exponentDigits;
    }
}
