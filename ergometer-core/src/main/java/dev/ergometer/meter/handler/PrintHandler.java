package dev.ergometer.meter.handler;

import dev.ergometer.meter.EnergySample;
import dev.ergometer.meter.EnergyTrace;
import java.io.PrintStream;
import java.util.Objects;

/**
 * Prints each sample of a trace on one line, in pyJoules' exact format (the default handler):
 * <pre>
 * begin timestamp : 1700000001.5; tag : foo; duration : 2.0; package_0 : 3000.0; nvidia_gpu_0 : 120.0
 * </pre>
 * The timestamp is in seconds since the epoch, the duration in seconds and energy in µJ, numbers written as Python
 * writes floats. The line keeps pyJoules' format even when the numbers are estimated by a model: the trace's
 * {@link EnergyTrace#origin()} says so, and {@link JsonHandler} writes it.
 */
public final class PrintHandler implements EnergyHandler {

    private final PrintStream out;

    /** A handler printing on {@link System#out}. */
    public PrintHandler() {
        this(System.out);
    }

    public PrintHandler(PrintStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    public void process(EnergyTrace trace) {
        for (EnergySample sample : trace) {
            out.println(line(sample));
        }
        out.flush();
    }

    /** One sample as pyJoules prints it. */
    static String line(EnergySample sample) {
        StringBuilder line = new StringBuilder("begin timestamp : ")
                .append(PythonFloat.repr(sample.timestampSeconds()))
                .append("; tag : ").append(sample.tag())
                .append("; duration : ").append(PythonFloat.repr(sample.durationSeconds()));
        sample.energyMicrojoules().forEach((domain, value) ->
                line.append("; ").append(domain).append(" : ").append(PythonFloat.repr(value)));
        return line.toString();
    }
}
