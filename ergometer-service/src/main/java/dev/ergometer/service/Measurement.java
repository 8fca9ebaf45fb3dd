package dev.ergometer.service;

import dev.ergometer.sampler.EnergySnapshot;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.service.sandbox.PassTimer;
import dev.ergometer.service.sandbox.Sandbox;
import dev.ergometer.service.sandbox.SandboxRequest;
import dev.ergometer.service.sandbox.SandboxResult;
import dev.ergometer.service.sandbox.TrialListener;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Runs one submission in the sandbox and measures it: every test case once as the correctness gate, then the
 * warmups, then the calibration ({@link TrialLength}: how many passes over the test cases make a trial long enough
 * for the counters), then trials until they agree ({@link AdaptiveTrials}), the counters read at the moments each
 * trial begins and ends inside the sandbox, each trial's energy taken net of the idle power and divided by its passes.
 */
final class Measurement {

    /** Hears what the measurement is doing. */
    interface Progress {
        /** The measurement entered {@code stage}; {@code progress} runs from 0 to 1. */
        void update(String stage, double progress);

        Progress NONE = (stage, progress) -> {
        };
    }

    static final double VALIDATION_PROGRESS = 0.15;
    static final double WARMUP_PROGRESS = 0.2;
    static final double MEASURING_PROGRESS = 0.3;
    static final double FINALIZING_PROGRESS = 0.95;

    private final Sampler sampler;
    private final Sandbox sandbox;
    private final EnergySlots slots;
    private final CounterResolution counters;
    private final Duration minimumTrial;

    /** A measurement whose trials last at least {@link TrialLength#DEFAULT_MINIMUM}. */
    Measurement(Sampler sampler, Sandbox sandbox) {
        this(sampler, sandbox, TrialLength.DEFAULT_MINIMUM);
    }

    /** A measurement whose trials last at least {@code minimumTrial} ({@code MIN_TRIAL_S}) and what counters need. */
    Measurement(Sampler sampler, Sandbox sandbox, Duration minimumTrial) {
        this.sampler = sampler;
        this.sandbox = sandbox;
        this.slots = EnergySlots.of(sampler.domains());
        this.counters = CounterResolution.of(sampler.source(), slots);
        this.minimumTrial = minimumTrial;
    }

    EnergySlots slots() {
        return slots;
    }

    /**
     * Validates the submission without measuring it (no warmup, no trial, no pinning).
     *
     * @throws IOException when the sandbox itself fails
     */
    ValidationSummary validate(MeasureRequest request) throws IOException {
        List<List<Object>> seen = new ArrayList<>();
        TrialListener listener = new TrialListener() {
            @Override
            public boolean validated(List<Object> outputs) {
                seen.add(outputs);
                return false;
            }

            @Override
            public void trialStarted(int trial) {
            }

            @Override
            public boolean trialEnded(int trial) {
                return false;
            }
        };
        SandboxResult result = sandbox.run(sandboxRequest(request, -1, 0, 0), listener);
        List<Object> outputs = seen.isEmpty() ? result.outputs() : seen.getFirst();
        return ValidationSummary.of(request.testCases(), outputs, failure(result));
    }

    /**
     * Validates and measures the submission pinned to {@code cpu}.
     *
     * @param idle the idle power taken off every trial
     * @param cancelled checked between trials; true stops the measurement, which then fails as cancelled
     * @throws IOException when the sandbox itself fails (not the submission: that is a {@link MeasurementOutcome.Failed})
     */
    MeasurementOutcome measure(MeasureRequest request, int cpu, IdlePower idle, Progress progress,
            BooleanSupplier cancelled) throws IOException {
        AdaptiveTrials adaptive = new AdaptiveTrials(request.energyMeasurementTrials());
        double idleWatts = slots.idleWatts(idle);
        TrialLength length = TrialLength.of(minimumTrial, counters, idleWatts,
                Duration.ofSeconds(request.timeoutSeconds()), memoryBytes(request));
        Recorder recorder = new Recorder(request, adaptive, idle, length, progress, cancelled);
        progress.update("validation", VALIDATION_PROGRESS);
        SandboxResult result = sandbox.run(sandboxRequest(request, cpu, request.warmupTrials(),
                request.energyMeasurementTrials()), recorder);
        progress.update("finalizing", FINALIZING_PROGRESS);
        Optional<String> failure = failure(result);
        ValidationSummary validation = recorder.validation != null ? recorder.validation
                : ValidationSummary.of(request.testCases(), result.outputs(),
                        recorder.trials.isEmpty() && recorder.warmupsDone == 0 ? failure : Optional.empty());
        if (!validation.isCorrect()) {
            return new MeasurementOutcome.Failed(failure.isPresent() && validation.executionError().isPresent()
                    ? MeasurementOutcome.errorTypeOf(result.errorType()) : "incorrect_solution",
                    "Solution validation failed: " + validation.summary(), Optional.of(validation));
        }
        if (recorder.cancelledSeen) {
            return new MeasurementOutcome.Failed("cancelled", "the task was cancelled (DELETE) after "
                    + recorder.trials.size() + " trial(s)", Optional.of(validation));
        }
        if (failure.isPresent()) {
            return new MeasurementOutcome.Failed(MeasurementOutcome.errorTypeOf(result.errorType()),
                    "the submission passed validation but failed while measured: " + failure.get(),
                    Optional.of(validation));
        }
        if (recorder.trials.isEmpty()) {
            return new MeasurementOutcome.Failed("energy_measurement_failed",
                    "the sandbox ran no measured trial (" + result.trialsRun() + " reported)", Optional.of(validation));
        }
        NoiseFloor floor = NoiseFloor.of(counters, idleWatts, idle.window().toNanos() / 1e9, length,
                recorder.calibration.shortfall());
        EnergyMetrics metrics = EnergyMetrics.of(recorder.trials, request.testCases().size(),
                adaptive.minimumTrials(), floor);
        return new MeasurementOutcome.Completed(validation, metrics, recorder.warmupsDone,
                recorder.trials.size() < request.energyMeasurementTrials());
    }

    private static SandboxRequest sandboxRequest(MeasureRequest request, int cpu, int warmups, int trials) {
        return new SandboxRequest(request.language(), request.candidateCode(), request.functionName(),
                request.inputs(), warmups, trials, Duration.ofSeconds(request.timeoutSeconds()),
                memoryBytes(request), cpu);
    }

    private static long memoryBytes(MeasureRequest request) {
        return request.memoryLimitMb() * 1024L * 1024L;
    }

    private static Optional<String> failure(SandboxResult result) {
        if (result.outcome() == SandboxResult.Outcome.OK) {
            return Optional.empty();
        }
        return Optional.of(MeasurementOutcome.errorTypeOf(result.errorType()) + ": " + result.errorMessage());
    }

    /** The listener of one measured run: the gate, the calibration, then a snapshot at each trial's start and end. */
    private final class Recorder implements TrialListener {
        private final MeasureRequest request;
        private final AdaptiveTrials adaptive;
        private final IdlePower idle;
        private final TrialLength length;
        private final Progress progress;
        private final BooleanSupplier cancelled;
        private final List<TrialEnergy> trials = new ArrayList<>();
        private ValidationSummary validation;
        private EnergySnapshot before;
        /** One pass until the calibration says otherwise (a sandbox that does not calibrate runs one). */
        private TrialLength.Calibration calibration = new TrialLength.Calibration(1, 0, List.of(), Optional.empty());
        private int warmupsDone;
        private boolean stopped;
        private boolean cancelledSeen;

        Recorder(MeasureRequest request, AdaptiveTrials adaptive, IdlePower idle, TrialLength length,
                Progress progress, BooleanSupplier cancelled) {
            this.request = request;
            this.adaptive = adaptive;
            this.idle = idle;
            this.length = length;
            this.progress = progress;
            this.cancelled = cancelled;
        }

        @Override
        public boolean validated(List<Object> outputs) {
            validation = ValidationSummary.of(request.testCases(), outputs, Optional.empty());
            if (!validation.isCorrect()) {
                return false;
            }
            if (cancelled.getAsBoolean()) {
                cancelledSeen = true;
                return false;
            }
            progress.update(request.warmupTrials() > 0 ? "warmup" : "measuring",
                    request.warmupTrials() > 0 ? WARMUP_PROGRESS : MEASURING_PROGRESS);
            return true;
        }

        @Override
        public int passesPerTrial(PassTimer timer) {
            if (cancelled.getAsBoolean()) {
                cancelledSeen = true;
                stopped = true;
                return 0;
            }
            progress.update("calibrating passes", MEASURING_PROGRESS);
            Optional<TrialLength.Calibration> calibrated = length.calibrate(timer);
            if (calibrated.isEmpty()) {
                return 0; // the submission failed: the sandbox reports it
            }
            calibration = calibrated.get();
            progress.update("measuring", MEASURING_PROGRESS);
            return calibration.passes();
        }

        @Override
        public void trialStarted(int trial) {
            if (trial >= 0) {
                before = sampler.sample(); // last: nothing between this read and the trial's first instruction
            }
        }

        @Override
        public boolean trialEnded(int trial) {
            if (trial < 0) {
                warmupsDone++;
                return continueAfter(warmupsDone >= request.warmupTrials() ? "measuring" : "warmup",
                        warmupsDone >= request.warmupTrials() ? MEASURING_PROGRESS
                                : WARMUP_PROGRESS + (MEASURING_PROGRESS - WARMUP_PROGRESS) * warmupsDone
                                        / request.warmupTrials());
            }
            EnergySnapshot after = sampler.sample(); // first: nothing between the trial's end and this read
            if (before == null || stopped) {
                return false; // a trial we did not see start, or one past our stop: not measured
            }
            trials.add(slots.trial(trials.size(), after.minus(before), idle, calibration.passes()));
            before = null;
            double[] totals = trials.stream().mapToDouble(TrialEnergy::totalJoules).toArray();
            if (!adaptive.wantsAnother(totals)) {
                stopped = true;
                return false;
            }
            return continueAfter("measuring", MEASURING_PROGRESS + (FINALIZING_PROGRESS - MEASURING_PROGRESS)
                    * trials.size() / adaptive.maximumTrials());
        }

        private boolean continueAfter(String stage, double value) {
            if (cancelled.getAsBoolean()) {
                cancelledSeen = true;
                stopped = true;
                return false;
            }
            progress.update(stage, value);
            return true;
        }
    }
}
