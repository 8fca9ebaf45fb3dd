package dev.ergometer.meter;

import dev.ergometer.meter.handler.EnergyHandler;
import dev.ergometer.meter.handler.PrintHandler;
import dev.ergometer.model.Domain;
import java.util.Objects;

/**
 * Measures the energy of one call, the Java form of pyJoules' {@code @measure_energy} decorator: returns the call's
 * value with its {@link EnergySample} and hands the trace to a handler ({@link PrintHandler} by default).
 *
 * <pre>{@code
 * Measured<Integer> answer = EnergyMeasure.of("foo", () -> foo(), new PrintHandler(), RaplDomains.packageOf(0));
 * int value = answer.value();
 * double microjoules = answer.sample().energyMicrojoules("package_0");
 * }</pre>
 *
 * <p>When the call throws, the meter is stopped and closed, the handler is not called and the exception propagates.
 */
public final class EnergyMeasure {

    /** The tag of a call measured without one (pyJoules tags with the function's name, which a lambda lacks). */
    public static final String DEFAULT_TAG = "call";

    private EnergyMeasure() {
    }

    /** Code whose energy is measured; may throw a checked exception, which the measurement rethrows. */
    @FunctionalInterface
    public interface Call<T, E extends Exception> {
        T call() throws E;
    }

    /**
     * What a measured call returned and what it used.
     *
     * @param value the call's result
     * @param sample the energy of the call
     * @param trace the trace the handler got (the sample alone, with its origin)
     */
    public record Measured<T>(T value, EnergySample sample, EnergyTrace trace) {
        public Measured {
            Objects.requireNonNull(sample, "sample");
            Objects.requireNonNull(trace, "trace");
        }
    }

    /** Measures {@code call} on the given domains (all when none), printing the sample. */
    public static <T, E extends Exception> Measured<T> of(Call<T, E> call, Domain... domains) throws E {
        return of(DEFAULT_TAG, call, new PrintHandler(), DomainSelection.of(domains));
    }

    /** Measures {@code call} on the given domains (all when none), handing the trace to {@code handler}. */
    public static <T, E extends Exception> Measured<T> of(Call<T, E> call, EnergyHandler handler, Domain... domains)
            throws E {
        return of(DEFAULT_TAG, call, handler, DomainSelection.of(domains));
    }

    /** Measures {@code call} under {@code tag} on the given domains (all when none). */
    public static <T, E extends Exception> Measured<T> of(String tag, Call<T, E> call, EnergyHandler handler,
            Domain... domains) throws E {
        return of(tag, call, handler, DomainSelection.of(domains));
    }

    /**
     * Measures {@code call} under {@code tag} with a meter over the best source that has the selected domains.
     *
     * @throws NoSuchDeviceException when no source can be used or none has the device of a selected domain
     * @throws NoSuchDomainException when the device is there but not the domain
     */
    public static <T, E extends Exception> Measured<T> of(String tag, Call<T, E> call, EnergyHandler handler,
            DomainSelection domains) throws E {
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(handler, "handler");
        try (EnergyMeter meter = EnergyMeter.open(domains)) {
            return on(meter, tag, call, handler);
        }
    }

    /** Measures {@code call} under {@code tag} with a meter the caller owns (left open; its last trace is replaced). */
    public static <T, E extends Exception> Measured<T> on(EnergyMeter meter, String tag, Call<T, E> call,
            EnergyHandler handler) throws E {
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(call, "call");
        Objects.requireNonNull(handler, "handler");
        meter.start(tag);
        T value;
        try {
            value = call.call();
        } finally {
            meter.stop();
        }
        EnergyTrace trace = meter.getTrace();
        handler.process(trace);
        return new Measured<>(value, trace.get(0), trace);
    }
}
