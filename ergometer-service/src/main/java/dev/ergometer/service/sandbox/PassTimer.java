package dev.ergometer.service.sandbox;

import java.util.Optional;

/**
 * The sandbox's stopwatch for the calibration of one run: it runs every test case a given number of times in a row
 * inside the sandbox and says how long that took, so that a {@link TrialListener} can choose how many passes over
 * the test cases each trial runs ({@link TrialListener#passesPerTrial}).
 */
public interface PassTimer {

    /**
     * What one calibration round measured.
     *
     * @param passes the passes over every test case that ran, one after the other
     * @param nanos how long they ran, timed inside the sandbox around the passes alone
     * @param argumentBytes the memory the fresh arguments of one pass take (-1 when the runtime cannot tell)
     * @param argumentNanos how long making the fresh arguments of all the passes took, before they ran (not timed)
     */
    record Round(int passes, long nanos, long argumentBytes, long argumentNanos) {

        public Round {
            if (passes < 1 || nanos < 0 || argumentNanos < 0 || argumentBytes < -1) {
                throw new IllegalArgumentException("a calibration round needs passes >= 1, times >= 0 and bytes >= -1,"
                        + " got " + passes + " passes, " + nanos + " ns, " + argumentBytes + " bytes, "
                        + argumentNanos + " ns");
            }
        }

        /** The time of one pass over every test case, in seconds. */
        public double secondsPerPass() {
            return nanos / 1e9 / passes;
        }
    }

    /**
     * Runs every test case {@code passes} times in a row (each pass on fresh arguments, made before the passes and not
     * timed) and times them.
     *
     * @return the round, or empty when the submission failed meanwhile (it timed out, crashed, raised): the run then
     *     ends with that failure, and the caller should stop calibrating
     */
    Optional<Round> time(int passes);
}
