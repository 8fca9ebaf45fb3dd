package dev.ergometer.measure;

import dev.ergometer.attribution.ClockTicks;
import dev.ergometer.source.EnergyReadException;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.model.ProcStatCpuLine;
import java.io.IOException;
import java.util.Optional;

/**
 * Reads the node's busy and total CPU ticks from {@code /proc/stat} around a run; a reading is a pair of tick counts
 * that {@link #since} turns into the {@link NodeCpuTime} of the run. Not thread-safe.
 */
final class NodeCpuClock implements AutoCloseable {

    private final ProcStatCpuLine line;
    private final long nanosPerTick;

    private NodeCpuClock(ProcStatCpuLine line, long clockTicksPerSecond) {
        this.line = line;
        this.nanosPerTick = 1_000_000_000L / clockTicksPerSecond;
    }

    /** The clock over {@code paths.proc("stat")}, or empty when that file cannot be opened (then no share is given). */
    static Optional<NodeCpuClock> open(SystemPaths paths) {
        try {
            return Optional.of(new NodeCpuClock(ProcStatCpuLine.open(paths.proc("stat")), ClockTicks.perSecond()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The busy and total ticks now, as {@code {busy, total}}; null when {@code /proc/stat} cannot be read. */
    long[] read() {
        try {
            line.read();
            return new long[] {line.busyTicks(), line.totalTicks()};
        } catch (EnergyReadException e) {
            return null;
        }
    }

    /**
     * The node's CPU time from the reading {@code before} to now; empty when either reading failed (a read that
     * fails mid-measurement drops the command's share, not the measurement).
     */
    Optional<NodeCpuTime> since(long[] before) {
        long[] after = read();
        if (before == null || after == null) {
            return Optional.empty();
        }
        long busy = Math.max(0, after[0] - before[0]);
        long total = Math.max(busy, after[1] - before[1]);
        return Optional.of(new NodeCpuTime(busy * nanosPerTick, total * nanosPerTick));
    }

    @Override
    public void close() {
        line.close();
    }
}
