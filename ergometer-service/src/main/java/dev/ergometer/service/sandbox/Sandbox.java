package dev.ergometer.service.sandbox;

import java.io.IOException;

/**
 * Runs submitted code in isolation: one call validates the submission on every test case, then runs the warmups and
 * the trials.
 *
 * <p>The order inside one {@link #run} is fixed: every test case once, its outputs handed to
 * {@link TrialListener#validated} (the correctness gate: {@code false} ends the run there, before any warmup); then
 * each warmup, running all the test cases once; then, when trials are asked for, {@link TrialListener#passesPerTrial}
 * (the calibration, timing passes through a {@link PassTimer}) says how many passes over all the test cases each
 * trial runs; then each trial, running that many passes back to back. Every warmup and trial is bracketed by
 * {@link TrialListener#trialStarted} and {@link TrialListener#trialEnded}.
 */
public interface Sandbox {

    /**
     * Runs the submission. Calls {@code listener.trialStarted(i)} and {@code listener.trialEnded(i)} (i from 0 for
     * trials; warmups are the negative numbers {@code -warmups..-1}) synchronously, at the moments a trial begins and
     * ends inside the sandbox, so that the caller can read energy counters there; stops the trials early when
     * {@code trialEnded} returns false (adaptive trials). Each trial runs as many passes over the test cases as
     * {@code passesPerTrial} said, each on fresh arguments made before the trial starts. Returns the per-test-case
     * outputs and the outcome.
     *
     * <p>Never throws for faults of the submission: those are {@link SandboxResult.Outcome#FAILED} results with an
     * error type ({@code TIMEOUT}, {@code MEMORY}, {@code CRASH}, {@code SECURITY}, {@code COMPILE},
     * {@code RUNTIME}).
     *
     * @throws IOException when the sandbox itself cannot work (its runtime is missing, a pipe broke)
     */
    SandboxResult run(SandboxRequest request, TrialListener listener) throws IOException;
}
