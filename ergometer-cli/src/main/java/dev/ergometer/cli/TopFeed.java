package dev.ergometer.cli;

import dev.ergometer.attribution.Consumer;
import dev.ergometer.attribution.TopSnapshot;

/**
 * Where {@code erg top} gets its snapshots: measured in this process ({@link LocalTopFeed}) or read from a running
 * {@code erg agent} ({@link AgentTopFeed}).
 */
sealed interface TopFeed extends AutoCloseable permits LocalTopFeed, AgentTopFeed {

    /** Where the numbers come from, for the header ({@code via agent at http://...}); empty in process. */
    String origin();

    /** Whether the first snapshot needs one interval of measuring first (in process), or is there at once. */
    boolean firstSnapshotNeedsAnInterval();

    /**
     * The snapshot of the interval since the previous call (in process), or the agent's latest.
     *
     * @throws Unavailable when the agent cannot give one now (it may later)
     */
    TopSnapshot next(Consumer.Kind kind, int limit) throws Unavailable;

    /**
     * The interval of the last {@link #next} in another view (after a key); from an agent, its latest interval.
     *
     * @throws Unavailable when the agent cannot give one now
     */
    TopSnapshot again(Consumer.Kind kind, int limit) throws Unavailable;

    @Override
    void close();

    /** Why no snapshot could be had now: an agent that does not answer, answers an error, or has none yet. */
    final class Unavailable extends Exception {

        private final boolean notYet;

        Unavailable(String message, boolean notYet, Throwable cause) {
            super(message, cause);
            this.notYet = notYet;
        }

        /** True when the agent runs but has no attributed interval yet (it just started). */
        boolean notYet() {
            return notYet;
        }
    }
}
