package dev.ergometer.testkit;

/**
 * A known power curve over time, with its exact integral: the truth that synthetic counters follow and that
 * measured energy is checked against.
 */
public interface PowerCurve {

    /** Power at {@code seconds} after the curve's start, in watts. */
    double watts(double seconds);

    /** Exact energy from the curve's start to {@code seconds}, in joules. */
    double joulesUntil(double seconds);

    /** Exact energy between two times, in joules. */
    default double joulesBetween(double fromSeconds, double toSeconds) {
        return joulesUntil(toSeconds) - joulesUntil(fromSeconds);
    }

    /** A constant power. */
    static PowerCurve constant(double watts) {
        return new PowerCurve() {
            @Override
            public double watts(double seconds) {
                return watts;
            }

            @Override
            public double joulesUntil(double seconds) {
                return watts * seconds;
            }

            @Override
            public String toString() {
                return "constant " + watts + " W";
            }
        };
    }

    /** A square wave between {@code lowWatts} and {@code highWatts}: high for the first half of each period. */
    static PowerCurve squareWave(double lowWatts, double highWatts, double periodSeconds) {
        return new PowerCurve() {
            @Override
            public double watts(double seconds) {
                double phase = seconds % periodSeconds;
                return phase < periodSeconds / 2 ? highWatts : lowWatts;
            }

            @Override
            public double joulesUntil(double seconds) {
                double full = Math.floor(seconds / periodSeconds);
                double phase = seconds - full * periodSeconds;
                double half = periodSeconds / 2;
                double inPeriod = phase < half ? highWatts * phase : highWatts * half + lowWatts * (phase - half);
                return full * (highWatts + lowWatts) * half + inPeriod;
            }

            @Override
            public String toString() {
                return "square wave " + lowWatts + "-" + highWatts + " W, period " + periodSeconds + " s";
            }
        };
    }

    /** A ramp from {@code startWatts} rising by {@code wattsPerSecond}. */
    static PowerCurve ramp(double startWatts, double wattsPerSecond) {
        return new PowerCurve() {
            @Override
            public double watts(double seconds) {
                return startWatts + wattsPerSecond * seconds;
            }

            @Override
            public double joulesUntil(double seconds) {
                return startWatts * seconds + wattsPerSecond * seconds * seconds / 2;
            }

            @Override
            public String toString() {
                return "ramp from " + startWatts + " W by " + wattsPerSecond + " W/s";
            }
        };
    }
}
