package dev.ergometer.measure;

import dev.ergometer.sampler.EnergySnapshot;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Measures the energy of a command: an idle baseline, warmups, then the measured runs, each bracketed by counter
 * reads taken just before the process starts and just after it exits.
 *
 * <p>The command runs with the caller's standard input, output and error. Measurement stops at the first run that
 * exits with a non-zero code (like hyperfine): that run is still reported.
 */
public final class CommandMeasurement {

    private CommandMeasurement() {
    }

    /**
     * What to measure and how.
     *
     * @param command the program and its arguments
     * @param repeat how many measured runs (>= 1)
     * @param warmup how many runs before, not measured (>= 0)
     * @param idle how long to measure the idle machine before the runs; {@link Duration#ZERO} for no idle removal
     */
    public record Options(List<String> command, int repeat, int warmup, Duration idle) {
        public Options {
            command = List.copyOf(command);
            Objects.requireNonNull(idle, "idle");
            if (command.isEmpty()) {
                throw new IllegalArgumentException("no command given: put it after --, as in `erg measure -- sleep 1`");
            }
            if (repeat < 1) {
                throw new IllegalArgumentException("--repeat must be at least 1, got " + repeat);
            }
            if (warmup < 0) {
                throw new IllegalArgumentException("--warmup cannot be negative, got " + warmup);
            }
            if (idle.isNegative()) {
                throw new IllegalArgumentException("--idle cannot be negative, got " + idle);
            }
        }
    }

    /** Hears about progress, for a progress bar. */
    public interface Progress {
        /** Called when the idle window starts. */
        default void idleStarted(Duration window) {
        }

        /** Called after each run; warmups count towards {@code total}. */
        default void runFinished(int done, int total) {
        }

        Progress NONE = new Progress() {
        };
    }

    /** Thrown when the command cannot be started at all (not found, not executable). */
    public static final class CommandNotStartedException extends Exception {
        public CommandNotStartedException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Runs the measurement with a started sampler, without the command's share (the node's CPU time is not read).
     *
     * @throws CommandNotStartedException when the command cannot be started
     * @throws InterruptedException when this thread is interrupted while waiting
     */
    public static MeasurementResult run(Sampler sampler, Options options, Progress progress)
            throws CommandNotStartedException, InterruptedException {
        return run(sampler, null, options, progress);
    }

    /**
     * Runs the measurement with a started sampler, reading the node's CPU time from {@code paths.proc("stat")}
     * around each run so that each run has the command's own share ({@link CommandRun#shareJoules}); when that file
     * cannot be read the runs have no share and the measurement goes on.
     *
     * @param paths where procfs is; null for no share
     * @throws CommandNotStartedException when the command cannot be started
     * @throws InterruptedException when this thread is interrupted while waiting
     */
    public static MeasurementResult run(Sampler sampler, SystemPaths paths, Options options, Progress progress)
            throws CommandNotStartedException, InterruptedException {
        NodeCpuClock clock = paths == null ? null : NodeCpuClock.open(paths).orElse(null);
        try {
            return measure(sampler, clock, options, progress);
        } finally {
            if (clock != null) {
                clock.close();
            }
        }
    }

    private static MeasurementResult measure(Sampler sampler, NodeCpuClock clock, Options options, Progress progress)
            throws CommandNotStartedException, InterruptedException {
        Optional<IdleBaseline> idle = Optional.empty();
        if (!options.idle().isZero()) {
            progress.idleStarted(options.idle());
            EnergySnapshot before = sampler.sample();
            Thread.sleep(options.idle());
            idle = Optional.of(new IdleBaseline(sampler.sample().minus(before)));
        }
        int total = options.warmup() + options.repeat();
        List<CommandRun> runs = new ArrayList<>();
        for (int i = 1; i <= total; i++) {
            CommandRun run = runOnce(sampler, clock, options.command(), Math.max(1, i - options.warmup()));
            progress.runFinished(i, total);
            if (i > options.warmup()) {
                runs.add(run);
            }
            if (run.exitCode() != 0) {
                if (i <= options.warmup()) {
                    runs.add(run);
                }
                break;
            }
        }
        return new MeasurementResult(sampler.source().name(), sampler.source().method(),
                sampler.source().estimated(), sampler.domains(), options.command(), options.warmup(), idle, runs,
                sampler.source().warnings());
    }

    private static CommandRun runOnce(Sampler sampler, NodeCpuClock clock, List<String> command, int number)
            throws CommandNotStartedException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).inheritIO();
        long cpuBefore = ChildrenCpuTime.nanos();
        long[] nodeBefore = clock == null ? null : clock.read();
        EnergySnapshot before = sampler.sample();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new CommandNotStartedException("cannot run '" + command.getFirst() + "': "
                    + rootMessage(e) + " (is it installed and on PATH?)", e);
        }
        int exitCode = process.waitFor();
        EnergySnapshot after = sampler.sample();
        Optional<NodeCpuTime> node = clock == null ? Optional.empty() : clock.since(nodeBefore);
        long cpu = Math.max(0, ChildrenCpuTime.nanos() - cpuBefore);
        return new CommandRun(number, exitCode, cpu, after.minus(before), node);
    }

    private static String rootMessage(IOException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        String message = cause.getMessage();
        return message == null ? cause.toString() : message.replaceFirst("^error=\\d+, ", "");
    }
}
