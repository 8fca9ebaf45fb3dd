package dev.ergometer.meter;

import dev.ergometer.meter.handler.EnergyHandler;
import dev.ergometer.meter.handler.PrintHandler;
import java.util.Objects;

/**
 * A measurement over a block of code, the Java form of pyJoules' {@code EnergyContext}: opening it starts a meter
 * (first sample tagged {@code "start"} unless told otherwise), {@link #record} adds tagged breakpoints, and closing it
 * stops the meter and hands the trace to its handler ({@link PrintHandler} by default), also when the block throws.
 *
 * <pre>{@code
 * try (EnergyContext ctx = EnergyContext.open(new PrintHandler(),
 *         DomainSelection.of(RaplDomains.packageOf(0), NvidiaDomains.gpu(0)), "foo")) {
 *     foo();
 *     ctx.record("bar");
 *     bar();
 * }
 * }</pre>
 */
public final class EnergyContext implements AutoCloseable {

    /** pyJoules' first tag. */
    public static final String DEFAULT_START_TAG = "start";

    private final EnergyMeter meter;
    private final EnergyHandler handler;
    private final boolean ownsMeter;
    private boolean closed;

    private EnergyContext(EnergyMeter meter, EnergyHandler handler, String startTag, boolean ownsMeter) {
        this.meter = Objects.requireNonNull(meter, "meter");
        this.handler = Objects.requireNonNull(handler, "handler");
        this.ownsMeter = ownsMeter;
        meter.start(Objects.requireNonNull(startTag, "startTag"));
    }

    /** Measures every domain of the best source, printing the trace. */
    public static EnergyContext open() {
        return open(new PrintHandler(), DomainSelection.all(), DEFAULT_START_TAG);
    }

    /** Measures the selected domains of the best source that has them, handing the trace to {@code handler}. */
    public static EnergyContext open(EnergyHandler handler, DomainSelection domains) {
        return open(handler, domains, DEFAULT_START_TAG);
    }

    /**
     * Measures the selected domains of the best source that has them, with a first sample tagged {@code startTag}.
     *
     * @throws NoSuchDeviceException when no source can be used or none has the device of a selected domain
     * @throws NoSuchDomainException when the device is there but not the domain
     */
    public static EnergyContext open(EnergyHandler handler, DomainSelection domains, String startTag) {
        Objects.requireNonNull(handler, "handler");
        Objects.requireNonNull(startTag, "startTag");
        EnergyMeter meter = EnergyMeter.open(domains);
        try {
            return new EnergyContext(meter, handler, startTag, true);
        } catch (RuntimeException e) {
            meter.close();
            throw e;
        }
    }

    /** Measures with a meter the caller owns (left open on close). */
    public static EnergyContext on(EnergyMeter meter, EnergyHandler handler, String startTag) {
        return new EnergyContext(meter, handler, startTag, false);
    }

    /** Ends the current sample and begins one tagged {@code tag}. */
    public void record(String tag) {
        meter.record(tag);
    }

    /** The meter measuring this block. */
    public EnergyMeter meter() {
        return meter;
    }

    /** Stops the meter and hands its trace to the handler; closes the meter if this context opened it. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            meter.stop();
            handler.process(meter.getTrace());
        } finally {
            if (ownsMeter) {
                meter.close();
            }
        }
    }
}
