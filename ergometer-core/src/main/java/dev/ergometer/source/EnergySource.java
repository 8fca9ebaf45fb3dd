package dev.ergometer.source;

import dev.ergometer.model.Domain;
import java.util.List;

/**
 * A mechanism that reports cumulative energy counters for a fixed list of domains: one implementation per kernel
 * interface (powercap, MSR, perf, hwmon) and one for the model.
 *
 * <p>Sources only read; the {@link dev.ergometer.sampler.Sampler} decides when, and turns readings into wrap-safe
 * energy. A source opens its files once and reads them without allocating.
 */
public interface EnergySource extends AutoCloseable {

    /** The source's name as the CLI knows it: {@code perf}, {@code powercap}, {@code msr}, {@code hwmon}, {@code model}. */
    String name();

    /** One sentence on how this source gets its numbers, naming the model for an estimated source. */
    String method();

    /** The counters of this source, one per domain, in the order {@link #read(long[])} fills them. */
    List<DomainCounter> counters();

    /**
     * Reads every counter into {@code microjoules}, one slot per domain in {@link #counters()} order: cumulative
     * energy in microjoules, wrapping at {@link DomainCounter#wrapMicrojoules()}. Does not allocate.
     *
     * @throws EnergyReadException when a counter cannot be read (the file vanished, the device was lost)
     */
    void read(long[] microjoules);

    /** True when the numbers come from a model and not from a hardware counter. */
    boolean estimated();

    /**
     * Problems met while reading that did not stop the source, for people: a GPU lost mid-run, a counter that stopped.
     * The affected domains stop counting; the others go on. Empty when all is well. Accumulates; never cleared.
     */
    default List<String> warnings() {
        return List.of();
    }

    /** The domains of this source, in {@link #read(long[])} order. */
    default List<Domain> domains() {
        return counters().stream().map(DomainCounter::domain).toList();
    }

    /** The counter range of one domain, for wrap-safe deltas. */
    default long wrapMicrojoules(int domain) {
        return counters().get(domain).wrapMicrojoules();
    }

    /** The longest time between two reads that keeps every counter wrap-safe (and an integrating source exact). */
    default long maxReadIntervalNanos() {
        return counters().stream()
                .mapToLong(DomainCounter::safeReadIntervalNanos)
                .min()
                .orElse(DomainCounter.MAX_READ_INTERVAL_NANOS);
    }

    /** Releases the files and handles this source holds. */
    @Override
    void close();
}
