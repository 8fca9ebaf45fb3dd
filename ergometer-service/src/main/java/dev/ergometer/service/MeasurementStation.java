package dev.ergometer.service;

import dev.ergometer.meter.Sleeper;
import dev.ergometer.model.Domain;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.service.sandbox.Sandbox;
import java.io.IOException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.BooleanSupplier;

/**
 * A worker's measuring bench: its energy sampler, sandbox and measurement cores, and its idle calibration, kept in
 * the database with its age and measured again when older than the limit (with no measurement running, so that the
 * idle window is idle).
 */
final class MeasurementStation {

    /**
     * What one measurement gave and where it was made.
     *
     * @param outcome completed or failed
     * @param environment the machine, core, source and idle calibration; empty when the measurement did not start
     */
    record Result(MeasurementOutcome outcome, Optional<Environment> environment) {
    }

    /**
     * The conditions of a measurement, for its report.
     *
     * @param source the energy source's name
     * @param method how the source gets its numbers
     * @param estimated whether the numbers come from a model
     * @param domains the source's domains
     * @param cpuModel the CPU's model name
     * @param core the core the submission was pinned to
     * @param governor that core's frequency governor
     * @param settle the wait for the machine to settle
     * @param idle the idle calibration taken off each trial
     * @param idleWatts its package plus RAM power
     * @param idleAge its age when the measurement began
     * @param worker the worker's name
     * @param measuredAt when the measurement ended
     * @param warnings problems the source met that did not stop it
     */
    record Environment(String source, String method, boolean estimated, List<String> domains,
            Optional<String> cpuModel, int core, Optional<String> governor, Settling.Result settle, IdlePower idle,
            double idleWatts, Duration idleAge, String worker, Instant measuredAt, List<String> warnings) {
    }

    private final Sampler sampler;
    private final Measurement measurement;
    private final Sleeper sleeper;
    private final Clock clock;
    private final IdlePowerStore idleStore;
    private final IdleCalibrator calibrator;
    private final String worker;
    private final Duration idleWindow;
    private final Duration idleMaxAge;
    private final CorePool cores;
    private final MachineDescription machine;
    private final ReadWriteLock idleLock = new ReentrantReadWriteLock(true);

    /**
     * A station whose trials last at least {@code minimumTrial} ({@code MIN_TRIAL_S}) and whatever the counters need.
     */
    MeasurementStation(Sampler sampler, Sandbox sandbox, Sleeper sleeper, Clock clock, IdlePowerStore idleStore,
            String worker, Duration idleWindow, Duration idleMaxAge, List<Integer> cores,
            MachineDescription machine, Duration minimumTrial) {
        this.sampler = Objects.requireNonNull(sampler, "sampler");
        this.measurement = new Measurement(sampler, sandbox, minimumTrial);
        this.sleeper = sleeper;
        this.clock = clock;
        this.idleStore = idleStore;
        this.calibrator = new IdleCalibrator(sampler, sleeper, clock, worker);
        this.worker = worker;
        this.idleWindow = idleWindow;
        this.idleMaxAge = idleMaxAge;
        this.cores = new CorePool(cores);
        this.machine = machine;
    }

    /** Checks that every measurement core is one this process may run on; the message lists the allowed ones. */
    static void checkCores(List<Integer> cores) throws IOException {
        BitSet allowed = CpuAffinity.of(0);
        for (int core : cores) {
            if (!allowed.get(core)) {
                throw new IllegalArgumentException("MEASUREMENT_CORES names core " + core + ", which this process"
                        + " may not use; the allowed cores are " + allowed);
            }
        }
    }

    List<Integer> cores() {
        return cores.cores();
    }

    int busyCores() {
        return cores.busyCount();
    }

    Sampler sampler() {
        return sampler;
    }

    /** Validates a submission without measuring it. */
    ValidationSummary validate(MeasureRequest request) throws IOException {
        return measurement.validate(request);
    }

    /**
     * Measures a submission on a free core (or the one it asks for), calibrating idle power first when the stored
     * calibration is missing or older than the limit.
     *
     * @throws IOException when the sandbox itself fails
     * @throws SQLException when the calibration cannot be read or stored
     */
    Result measure(MeasureRequest request, Measurement.Progress progress, BooleanSupplier cancelled)
            throws IOException, InterruptedException, SQLException {
        if (request.cpuCore().isPresent() && !CpuAffinity.of(0).get(request.cpuCore().get())) {
            return new Result(new MeasurementOutcome.Failed("invalid_cpu_core", "core " + request.cpuCore().get()
                    + " is not available on worker " + worker + ": its cores are " + CpuAffinity.of(0)
                    + " and its measurement cores " + cores.cores() + "; leave cpu_core out to use any",
                    Optional.empty()), Optional.empty());
        }
        progress.update("waiting for a core", 0.01);
        int core = cores.acquire(request.cpuCore());
        try {
            IdlePower idle = currentIdle(progress);
            idleLock.readLock().lock();
            try {
                Duration age = idle.age(clock.instant());
                progress.update("settling", 0.1);
                Settling.Result settle = Settling.await(sampler, sleeper, measurement.slots(), idle,
                        Duration.ofMillis(Math.round(request.thermalWaitSeconds() * 1000)));
                MeasurementOutcome outcome = measurement.measure(request, core, idle, progress, cancelled);
                Environment environment = new Environment(sampler.source().name(), sampler.source().method(),
                        sampler.source().estimated(), sampler.domains().stream().map(Domain::id).toList(),
                        machine.cpuModel(), core, machine.frequencyGovernor(core), settle, idle,
                        measurement.slots().idleWatts(idle), age, worker, clock.instant(),
                        sampler.source().warnings());
                return new Result(outcome, Optional.of(environment));
            } finally {
                idleLock.readLock().unlock();
            }
        } finally {
            cores.release(core);
        }
    }

    /** The idle calibration of this worker and source, measured again when missing, foreign or too old. */
    IdlePower currentIdle(Measurement.Progress progress) throws SQLException, InterruptedException {
        List<String> domains = sampler.domains().stream().map(Domain::id).toList();
        String source = sampler.source().name();
        Optional<IdlePower> stored = idleStore.load(worker, source);
        if (stored.isPresent() && fresh(stored.get(), source, domains)) {
            return stored.get();
        }
        idleLock.writeLock().lock(); // waits for running measurements: the window must be idle
        try {
            stored = idleStore.load(worker, source);
            if (stored.isPresent() && fresh(stored.get(), source, domains)) {
                return stored.get(); // another job calibrated while we waited
            }
            progress.update("calibrating idle power", 0.05);
            IdlePower idle = calibrator.measure(idleWindow);
            idleStore.save(idle);
            return idle;
        } finally {
            idleLock.writeLock().unlock();
        }
    }

    private boolean fresh(IdlePower idle, String source, List<String> domains) {
        return idle.appliesTo(source, domains) && idle.age(clock.instant()).compareTo(idleMaxAge) <= 0;
    }
}
