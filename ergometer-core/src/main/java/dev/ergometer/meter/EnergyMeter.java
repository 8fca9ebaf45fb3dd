package dev.ergometer.meter;

import dev.ergometer.model.Domain;
import dev.ergometer.sampler.EnergyInterval;
import dev.ergometer.sampler.EnergySnapshot;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.CompositeSource;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.EnergySources;
import dev.ergometer.source.SourceFactory;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Records the energy of tagged stretches of code, like pyJoules' {@code EnergyMeter}: {@link #start} begins a trace,
 * {@link #record} closes the current sample and opens the next one, {@link #stop} and {@link #resume} leave out a
 * pause, and {@link #getTrace} gives one {@link EnergySample} per stretch.
 *
 * <pre>{@code
 * try (EnergyMeter meter = EnergyMeter.open(DomainSelection.of(RaplDomains.packageOf(0)))) {
 *     meter.start("foo");
 *     foo();
 *     meter.record("bar");
 *     bar();
 *     meter.stop();
 *     EnergyTrace trace = meter.getTrace();
 * }
 * }</pre>
 *
 * <p>Energy comes from a {@link Sampler} (wrap-safe: keep it {@linkplain Sampler#start() started} for stretches
 * longer than a counter's safe read interval); durations from the sampler's {@link Ticker}; the begin timestamp from
 * a wall clock ({@link InstantSource}), in seconds since the epoch. Energy values are in µJ as in pyJoules.
 * Calls are serialised; a meter is meant to be driven by one thread at a time.
 */
public final class EnergyMeter implements AutoCloseable {

    private static final String STOP = "__stop__";

    /** One reading of the counters: the beginning of a sample, or a stop. */
    private record State(String tag, Instant wallClock, EnergySnapshot snapshot, boolean stop) {
    }

    private final Sampler sampler;
    private final int[] slots;
    private final List<Domain> domains;
    private final String defaultTag;
    private final InstantSource clock;
    private final Sleeper sleeper;
    private final EnergyOrigin origin;
    private final AutoCloseable owned;
    private final List<State> states = new ArrayList<>();

    private EnergyMeter(Builder builder, int[] slots, AutoCloseable owned) {
        this.sampler = builder.sampler;
        this.slots = slots;
        List<Domain> all = sampler.domains();
        List<Domain> chosen = new ArrayList<>();
        for (int slot : slots) {
            chosen.add(all.get(slot));
        }
        this.domains = List.copyOf(chosen);
        this.defaultTag = builder.defaultTag;
        this.clock = builder.clock;
        this.sleeper = builder.sleeper;
        EnergySource source = sampler.source();
        this.origin = new EnergyOrigin(source.name(), source.method(), source.estimated());
        this.owned = owned;
    }

    /**
     * A meter over the best energy source of this machine that has the selected domains (sources and paths as
     * {@code erg} finds them, see {@link SystemPaths#fromEnvironment()}); closing the meter closes the source.
     *
     * @throws NoSuchDeviceException when no source can be used, or none has the device of a selected domain
     * @throws NoSuchDomainException when the device is there but not the domain
     */
    public static EnergyMeter open(DomainSelection domains) {
        return open(domains, EnergySources.all(), SystemPaths.fromEnvironment(), Ticker.system());
    }

    /**
     * A meter over the first machine source of {@code factories} that opens, read together with every accelerator
     * (GPU) source that opens, whose domains include the selected ones; closing the meter closes the sources. When
     * no such combination has them, the error is the one of the best combination that opened.
     */
    public static EnergyMeter open(DomainSelection domains, List<SourceFactory> factories, SystemPaths paths,
            Ticker ticker) {
        Objects.requireNonNull(domains, "domains");
        List<SourceUnavailableException> unavailable = new ArrayList<>();
        List<EnergySource> accelerators = new ArrayList<>();
        for (SourceFactory factory : factories) {
            if (factory.accelerator()) {
                try {
                    accelerators.add(factory.open(paths, ticker));
                } catch (SourceUnavailableException e) {
                    unavailable.add(e);
                }
            }
        }
        MeterException selectionError = null;
        try {
            for (SourceFactory factory : factories) {
                if (factory.accelerator()) {
                    continue;
                }
                EnergySource machine;
                try {
                    machine = factory.open(paths, ticker);
                } catch (SourceUnavailableException e) {
                    unavailable.add(e);
                    continue;
                }
                List<EnergySource> parts = new ArrayList<>(List.of(machine));
                parts.addAll(accelerators);
                try {
                    EnergySource source = CompositeSource.of(parts);
                    int[] slots = domains.slotsIn(source);
                    Sampler sampler = new Sampler(source, ticker, Sampler.DEFAULT_INTERVAL_NANOS).start();
                    EnergyMeter meter = new EnergyMeter(over(sampler).domains(domains), slots, () -> {
                        try (source; sampler) {
                            // closes the sampler, then the sources
                        }
                    });
                    accelerators = List.of();
                    return meter;
                } catch (NoSuchDeviceException | NoSuchDomainException e) {
                    machine.close();
                    if (selectionError == null) {
                        selectionError = e;
                    }
                } catch (RuntimeException e) {
                    machine.close();
                    throw e;
                }
            }
        } finally {
            accelerators.forEach(EnergySource::close);
        }
        if (selectionError != null) {
            throw selectionError;
        }
        throw new NoSuchDeviceException("no energy source can be used here, so " + domains + " cannot be "
                + "measured:\n" + unavailable.stream()
                        .map(e -> "  - " + e.source() + ": " + e.reason()
                                + (e.fix().isEmpty() ? "" : "\n    fix: " + e.fix()))
                        .collect(Collectors.joining("\n"))
                + "\n`erg domains` shows each source and its fix");
    }

    /** Starts configuring a meter over a sampler the caller owns (closing the meter leaves it open). */
    public static Builder over(Sampler sampler) {
        return new Builder(sampler);
    }

    /** Options of a meter; {@link #build()} checks the selected domains against the sampler's source. */
    public static final class Builder {
        private final Sampler sampler;
        private DomainSelection domains = DomainSelection.all();
        private String defaultTag = "";
        private InstantSource clock = InstantSource.system();
        private Sleeper sleeper = Sleeper.system();

        private Builder(Sampler sampler) {
            this.sampler = Objects.requireNonNull(sampler, "sampler");
        }

        /** The domains to measure; all of the source's by default. */
        public Builder domains(DomainSelection domains) {
            this.domains = Objects.requireNonNull(domains, "domains");
            return this;
        }

        /** The tag of samples started without one; {@code ""} by default, as in pyJoules. */
        public Builder defaultTag(String defaultTag) {
            this.defaultTag = Objects.requireNonNull(defaultTag, "defaultTag");
            return this;
        }

        /** The wall clock of the samples' begin timestamps; the system clock by default. */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** How {@link EnergyMeter#genIdle} waits; {@link Thread#sleep} by default. */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * The meter.
         *
         * @throws NoSuchDeviceException when the source cannot give the device of a selected domain
         * @throws NoSuchDomainException when the device is there but not the domain
         */
        public EnergyMeter build() {
            return new EnergyMeter(this, domains.slotsIn(sampler.source()), null);
        }
    }

    /** The domains measured, in the order of each sample's energy. */
    public List<Domain> domains() {
        return domains;
    }

    /** Where the numbers come from; {@link EnergyOrigin#estimated()} for a model. */
    public EnergyOrigin origin() {
        return origin;
    }

    /** Begins a new trace (forgetting any earlier one) with a sample tagged with the default tag. */
    public void start() {
        start(null);
    }

    /** Begins a new trace (forgetting any earlier one) with a sample tagged {@code tag}. */
    public synchronized void start(String tag) {
        State first = measure(tagOrDefault(tag), false);
        states.clear();
        states.add(first);
    }

    /** Ends the current sample and begins one tagged with the default tag. */
    public void record() {
        record(null);
    }

    /**
     * Ends the current sample and begins one tagged {@code tag}. As in pyJoules, recording after {@link #stop()}
     * resumes the trace.
     *
     * @throws EnergyMeterNotStartedException when the meter was never started
     */
    public synchronized void record(String tag) {
        requireStarted("record");
        states.add(measure(tagOrDefault(tag), false));
    }

    /**
     * Ends the current sample; what happens until {@link #resume} belongs to no sample. Stopping a stopped meter
     * does nothing.
     *
     * @throws EnergyMeterNotStartedException when the meter was never started
     */
    public synchronized void stop() {
        requireStarted("stop");
        if (!isStopped()) {
            states.add(measure(STOP, true));
        }
    }

    /** Resumes a stopped trace with a sample tagged with the default tag (starts one if none was started). */
    public void resume() {
        resume(null);
    }

    /**
     * Resumes a stopped trace with a sample tagged {@code tag}, or starts a trace if none was started.
     *
     * @throws EnergyMeterNotStoppedException when the meter is measuring
     */
    public synchronized void resume(String tag) {
        if (states.isEmpty()) {
            start(tag);
            return;
        }
        if (!isStopped()) {
            throw new EnergyMeterNotStoppedException("resume");
        }
        states.add(measure(tagOrDefault(tag), false));
    }

    /** True when the meter was started and is stopped now. */
    public synchronized boolean isStopped() {
        return !states.isEmpty() && states.getLast().stop();
    }

    /**
     * The trace measured since the last {@link #start}: one sample per stretch between a start, record or resume and
     * the next reading; the pauses between stop and resume are in no sample.
     *
     * @throws EnergyMeterNotStartedException when the meter was never started
     * @throws EnergyMeterNotStoppedException when the meter is measuring
     */
    public synchronized EnergyTrace getTrace() {
        requireStarted("give a trace");
        if (!isStopped()) {
            throw new EnergyMeterNotStoppedException("give a trace");
        }
        List<EnergySample> samples = new ArrayList<>();
        for (int i = 0; i + 1 < states.size(); i++) {
            State begin = states.get(i);
            if (!begin.stop()) {
                samples.add(sample(begin, states.get(i + 1).snapshot().minus(begin.snapshot())));
            }
        }
        return new EnergyTrace(samples, origin);
    }

    /**
     * The idle energy of each sample of {@code trace}: waits for the sample's duration and measures what the
     * selected domains use meanwhile, per domain id in µJ. Feed it to {@link EnergyTrace#removeIdle}.
     *
     * @throws InterruptedException when interrupted while waiting
     */
    public List<Map<String, Double>> genIdle(EnergyTrace trace) throws InterruptedException {
        List<Map<String, Double>> idle = new ArrayList<>(trace.size());
        for (EnergySample sample : trace) {
            EnergySnapshot before = sampler.sample();
            sleeper.sleepNanos(Math.round(sample.durationSeconds() * 1e9));
            idle.add(energyByDomain(sampler.sample().minus(before)));
        }
        return idle;
    }

    /** Closes the source and sampler this meter opened ({@link #open}); a meter built over a sampler leaves it. */
    @Override
    public void close() {
        if (owned != null) {
            try {
                owned.close();
            } catch (Exception e) {
                throw new MeterException("closing the energy source failed: " + e.getMessage(), e);
            }
        }
    }

    private EnergySample sample(State begin, EnergyInterval interval) {
        return new EnergySample(epochSeconds(begin.wallClock()), begin.tag(), interval.durationSeconds(),
                energyByDomain(interval));
    }

    private Map<String, Double> energyByDomain(EnergyInterval interval) {
        Map<String, Double> energy = new LinkedHashMap<>();
        for (int i = 0; i < slots.length; i++) {
            energy.put(domains.get(i).id(), (double) interval.microjoules(slots[i]));
        }
        return energy;
    }

    private State measure(String tag, boolean stop) {
        Instant now = clock.instant();
        return new State(tag, now, sampler.sample(), stop);
    }

    private void requireStarted(String operation) {
        if (states.isEmpty()) {
            throw new EnergyMeterNotStartedException(operation);
        }
    }

    private String tagOrDefault(String tag) {
        return tag == null ? defaultTag : tag;
    }

    private static double epochSeconds(Instant instant) {
        return instant.getEpochSecond() + instant.getNano() / 1e9;
    }
}
