package dev.ergometer.service;

import dev.ergometer.service.sandbox.Sandbox;
import dev.ergometer.service.sandbox.SandboxRequest;
import dev.ergometer.service.sandbox.SandboxResult;
import dev.ergometer.service.sandbox.TrialListener;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.IntConsumer;

/**
 * A test double of the sandbox that runs nothing: it answers each test case with a function of its inputs, and
 * between the start and end of each warmup and trial runs a scripted action (advancing a fake counter and clock, or
 * sleeping); it keeps the listener contract of the real one (the gate, negative warmups, stopping when asked).
 */
final class ScriptedSandbox implements Sandbox {

    /** Where a scripted failure happens: validation (-1000), a warmup (negative) or a trial (0..). */
    record Failure(int at, String type, String message) {
    }

    static final int AT_VALIDATION = -1000;

    private final Function<Object, Object> answer;
    private final IntConsumer trialAction;
    private final Failure failure;
    final List<SandboxRequest> requests = new CopyOnWriteArrayList<>();
    final List<Integer> trialsStarted = new CopyOnWriteArrayList<>();

    ScriptedSandbox(Function<Object, Object> answer, IntConsumer trialAction, Failure failure) {
        this.answer = answer;
        this.trialAction = trialAction;
        this.failure = failure;
    }

    /** A sandbox whose function answers {@code answer(inputs)} and whose trials run {@code trialAction}. */
    static ScriptedSandbox answering(Function<Object, Object> answer, IntConsumer trialAction) {
        return new ScriptedSandbox(answer, trialAction, null);
    }

    ScriptedSandbox failingAt(int at, String type, String message) {
        return new ScriptedSandbox(answer, trialAction, new Failure(at, type, message));
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
            if (!runOne(warmup, listener)) {
                return failure != null && failure.at() == warmup ? failed(outputs, 0, start) : ok(outputs, 0, start);
            }
        }
        int trials = 0;
        for (int trial = 0; trial < request.trials(); trial++) {
            trials++;
            if (!runOne(trial, listener)) {
                return failure != null && failure.at() == trial ? failed(outputs, trials - 1, start)
                        : ok(outputs, trials, start);
            }
        }
        return ok(outputs, trials, start);
    }

    /** Runs one warmup or trial; false when the run stops here (a failure, or the listener said so). */
    private boolean runOne(int trial, TrialListener listener) {
        trialsStarted.add(trial);
        listener.trialStarted(trial);
        if (failure != null && failure.at() == trial) {
            return false;
        }
        trialAction.accept(trial);
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
