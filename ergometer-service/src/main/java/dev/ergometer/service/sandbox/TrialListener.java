package dev.ergometer.service.sandbox;

import java.util.List;

/**
 * Hears, synchronously and from inside a {@link Sandbox#run}, when validation ends, decides how many passes over the
 * test cases a trial runs, and hears when each trial begins and ends.
 */
public interface TrialListener {

    /**
     * Called once, after every test case ran once and before the first warmup, with the outputs (one JSON value per
     * test case, tuples as {@code {"__tuple__": [...]}}).
     *
     * @return false to stop there: the outputs are wrong, nothing is to be measured
     */
    default boolean validated(List<Object> outputs) {
        return true;
    }

    /**
     * Called once, after the warmups and before the first trial (only when trials were asked for): how many passes
     * over every test case each trial runs, back to back between its {@link #trialStarted} and {@link #trialEnded}.
     * The listener may time passes with {@code timer} first (the calibration); a trial of a function that takes a
     * microsecond would otherwise end before an energy counter moves. Warmups always run one pass.
     *
     * @return the passes per trial (at least 1), or 0 to stop before the trials (after a failure the timer reported,
     *     or a cancellation). The default: 1, without calibrating
     */
    default int passesPerTrial(PassTimer timer) {
        return 1;
    }

    /** Called just before trial {@code trial} runs its passes (warmups are negative: -warmups..-1). */
    void trialStarted(int trial);

    /**
     * Called just after trial {@code trial} ran its passes.
     *
     * @return false to stop the trials here (adaptive trials: the measurement is precise enough)
     */
    boolean trialEnded(int trial);

    /** A listener that measures nothing and lets every trial run, one pass each: for validation alone. */
    TrialListener NONE = new TrialListener() {
        @Override
        public void trialStarted(int trial) {
        }

        @Override
        public boolean trialEnded(int trial) {
            return true;
        }
    };
}
