package dev.ergometer.service.sandbox;

import java.util.List;

/** Hears, synchronously and from inside a {@link Sandbox#run}, when validation ends and when each trial begins and ends. */
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

    /** Called just before trial {@code trial} runs its test cases (warmups are negative: -warmups..-1). */
    void trialStarted(int trial);

    /**
     * Called just after trial {@code trial} ran its test cases.
     *
     * @return false to stop the trials here (adaptive trials: the measurement is precise enough)
     */
    boolean trialEnded(int trial);

    /** A listener that measures nothing and lets every trial run: for validation alone. */
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
