package dev.ergometer.service;

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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * A test double of the sandbox that runs nothing: it answers each test case with a function of its inputs, and runs
 * a scripted action for each pass over the test cases (advancing a fake counter and clock, or sleeping): one pass per
 * warmup, the passes of each calibration round, and as many passes per trial as the listener's calibration chose.
 * Its stopwatch says each pass takes a scripted time. It keeps the listener contract of the real one (the gate,
 * negative warmups, the calibration after them, stopping when asked).
 */
final class ScriptedSandbox implements Sandbox {

    /** What one pass over the test cases does. */
    @FunctionalInterface
    interface PassAction {
        /** Runs pass {@code pass} (from 0) of trial {@code trial} (warmups negative, {@link #CALIBRATION} rounds). */
        void run(int trial, int pass);
    }

    /** Where a scripted failure happens: validation (-1000), a warmup (negative), the calibration, or a trial (0..). */
    record Failure(int at, String type, String message) {
    }

    static final int AT_VALIDATION = -1000;
    /** The trial number of a calibration round's passes. */
    static final int CALIBRATION = Integer.MIN_VALUE;
    /** What the stopwatch says a pass takes when nothing else is scripted: long enough that a trial runs one. */
    static final Duration ONE_SECOND_PASSES = Duration.ofSeconds(1);

    private final Function<Object, Object> answer;
    private final PassAction action;
    private final Duration passTime;
    private final long argumentBytes;
    private final Failure failure;
    final List<SandboxRequest> requests = new CopyOnWriteArrayList<>();
    final List<Integer> trialsStarted = new CopyOnWriteArrayList<>();
    /** The passes of every calibration round, in order. */
    final List<Integer> calibrationRounds = new CopyOnWriteArrayList<>();
    /** The passes per trial the listener chose, per run. */
    final List<Integer> passesPerTrial = new CopyOnWriteArrayList<>();

    ScriptedSandbox(Function<Object, Object> answer, PassAction action, Duration passTime, long argumentBytes,
            Failure failure) {
        this.answer = answer;
        this.action = action;
        this.passTime = passTime;
        this.argumentBytes = argumentBytes;
        this.failure = failure;
    }

    /**
     * A sandbox whose function answers {@code answer(inputs)}, whose passes each take a second by its stopwatch (so
     * a trial runs one pass), and whose warmups and trials run {@code trialAction} once per pass.
     */
    static ScriptedSandbox answering(Function<Object, Object> answer, IntConsumer trialAction) {
        return new ScriptedSandbox(answer, (trial, pass) -> {
            if (trial != CALIBRATION) {
                trialAction.accept(trial);
            }
        }, ONE_SECOND_PASSES, 100, null);
    }

    /** A sandbox whose passes run {@code action} and take {@code passTime} by its stopwatch. */
    static ScriptedSandbox passes(Function<Object, Object> answer, PassAction action, Duration passTime) {
        return new ScriptedSandbox(answer, action, passTime, 100, null);
    }

    /** This sandbox with the fresh arguments of one pass taking {@code bytes}, as its stopwatch reports. */
    ScriptedSandbox withArgumentBytes(long bytes) {
        return new ScriptedSandbox(answer, action, passTime, bytes, failure);
    }

    ScriptedSandbox failingAt(int at, String type, String message) {
        return new ScriptedSandbox(answer, action, passTime, argumentBytes, new Failure(at, type, message));
    }

    @Override
    public SandboxResult run(SandboxRequest request, TrialListener listener) throws IOException {
        requests.add(request);
        long start = System.nanoTime();
        List<Object> outputs = new ArrayList<>();
        for (Object input : request.inputs()) {
            if (failure != null && failure.at() == AT_VALIDATION && outputs.size() == request.inputs().size() / 2) {
                return failed(outputs, 0, start);
            }
            outputs.add(answer.apply(input));
        }
        if (!listener.validated(outputs)) {
            return ok(outputs, 0, start);
        }
        for (int warmup = -request.warmups(); warmup < 0; warmup++) {
            if (!runOne(warmup, 1, listener)) {
                return failure != null && failure.at() == warmup ? failed(outputs, 0, start) : ok(outputs, 0, start);
            }
        }
        if (request.trials() == 0) {
            return ok(outputs, 0, start);
        }
        boolean[] calibrationFailed = {false};
        int passes = listener.passesPerTrial(rounds -> {
            calibrationRounds.add(rounds);
            if (failure != null && failure.at() == CALIBRATION) {
                calibrationFailed[0] = true;
                return Optional.empty();
            }
            for (int pass = 0; pass < rounds; pass++) {
                action.run(CALIBRATION, pass);
            }
            return Optional.of(new PassTimer.Round(rounds, passTime.toNanos() * rounds, argumentBytes, 0));
        });
        if (calibrationFailed[0]) {
            return failed(outputs, 0, start);
        }
        if (passes < 1) {
            return ok(outputs, 0, start);
        }
        passesPerTrial.add(passes);
        int trials = 0;
        for (int trial = 0; trial < request.trials(); trial++) {
            trials++;
            if (!runOne(trial, passes, listener)) {
                return failure != null && failure.at() == trial ? failed(outputs, trials - 1, start)
                        : ok(outputs, trials, start);
            }
        }
        return ok(outputs, trials, start);
    }

    /** Runs one warmup or trial; false when the run stops here (a failure, or the listener said so). */
    private boolean runOne(int trial, int passes, TrialListener listener) {
        trialsStarted.add(trial);
        listener.trialStarted(trial);
        if (failure != null && failure.at() == trial) {
            return false;
        }
        for (int pass = 0; pass < passes; pass++) {
            action.run(trial, pass);
        }
        return listener.trialEnded(trial);
    }

    private SandboxResult ok(List<Object> outputs, int trials, long start) {
        return new SandboxResult(SandboxResult.Outcome.OK, null, null, outputs, trials,
                Duration.ofNanos(System.nanoTime() - start));
    }

    private SandboxResult failed(List<Object> outputs, int trials, long start) {
        return new SandboxResult(SandboxResult.Outcome.FAILED, failure.type(), failure.message(), outputs, trials,
                Duration.ofNanos(System.nanoTime() - start));
    }
}
