package dev.ergometer.profiler;

import dev.ergometer.attribution.ClockTicks;
import dev.ergometer.sampler.EnergyInterval;
import dev.ergometer.sampler.EnergySnapshot;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.source.EnergyReadException;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.model.ProcStatCpuLine;
import java.io.IOException;
import java.time.Instant;
import java.util.List;

/**
 * Measures one JVM's energy interval by interval: the chosen domains' energy from a {@link Sampler}, the node's CPU
 * time from {@code <procfs>/stat}, the JVM's from {@code <procfs>/PID/stat} and each thread's from
 * {@link ThreadCpuTable}, split by {@link IntervalSplit}. All files are opened once. Not thread-safe.
 */
final class JvmEnergyMeter implements AutoCloseable {

    private final Sampler sampler;
    private final DomainChoice domains;
    private final ProcStatCpuLine node;
    private final TaskStatFile process;
    private final ThreadCpuTable threads;
    private final long nanosPerTick;
    private final long[] domainMicrojoules;
    private EnergySnapshot previousEnergy;
    private long previousBusyTicks;
    private long previousTotalTicks;
    private long previousProcessTicks;
    private long processTicks;
    private boolean exited;
    private long previousEpochNanos;
    private long startEpochNanos;

    private JvmEnergyMeter(Sampler sampler, DomainChoice domains, ProcStatCpuLine node, TaskStatFile process,
            ThreadCpuTable threads, long nanosPerTick) {
        this.sampler = sampler;
        this.domains = domains;
        this.node = node;
        this.process = process;
        this.threads = threads;
        this.nanosPerTick = nanosPerTick;
        this.domainMicrojoules = new long[domains.indices().length];
    }

    /**
     * Opens the files of the JVM {@code pid} and takes the first readings: the first interval starts now.
     *
     * @throws IOException naming the file that cannot be opened
     */
    static JvmEnergyMeter open(Sampler sampler, DomainChoice domains, SystemPaths paths, long pid)
            throws IOException {
        long nanosPerTick = 1_000_000_000L / ClockTicks.perSecond();
        ProcStatCpuLine node = ProcStatCpuLine.open(paths.proc("stat"));
        TaskStatFile process = null;
        ThreadCpuTable threads = null;
        try {
            process = TaskStatFile.open(paths.proc(pid + "/stat"));
            threads = ThreadCpuTable.open(paths.proc(pid + "/task"), nanosPerTick);
            JvmEnergyMeter meter = new JvmEnergyMeter(sampler, domains, node, process, threads, nanosPerTick);
            meter.start();
            return meter;
        } catch (IOException | RuntimeException e) {
            node.close();
            if (process != null) {
                process.close();
            }
            if (threads != null) {
                threads.close();
            }
            throw e;
        }
    }

    private void start() {
        previousEpochNanos = epochNanos(Instant.now());
        startEpochNanos = previousEpochNanos;
        previousEnergy = sampler.sample();
        node.read();
        previousBusyTicks = node.busyTicks();
        previousTotalTicks = node.totalTicks();
        pollProcess();
        previousProcessTicks = processTicks;
        threads.advance();
    }

    /** When the first interval began, wall clock. */
    long startEpochNanos() {
        return startEpochNanos;
    }

    /** The interval since the previous call (or since opening), ending now. */
    IntervalEnergy measure() {
        long now = epochNanos(Instant.now());
        EnergySnapshot energy = sampler.sample();
        node.read();
        pollProcess();
        List<ThreadCpuTable.ThreadCpu> threadCpu = threads.advance();

        EnergyInterval used = energy.minus(previousEnergy);
        int[] indices = domains.indices();
        for (int i = 0; i < indices.length; i++) {
            domainMicrojoules[i] = used.microjoules(indices[i]);
        }
        long busy = Math.max(0, node.busyTicks() - previousBusyTicks);
        long total = Math.max(busy, node.totalTicks() - previousTotalTicks);
        long jvm = Math.max(0, processTicks - previousProcessTicks);
        IntervalEnergy interval = IntervalSplit.split(previousEpochNanos, now, domainMicrojoules,
                busy * nanosPerTick, total * nanosPerTick, jvm * nanosPerTick, threadCpu);

        previousEpochNanos = now;
        previousEnergy = energy;
        previousBusyTicks = node.busyTicks();
        previousTotalTicks = node.totalTicks();
        previousProcessTicks = processTicks;
        return interval;
    }

    /**
     * Reads the JVM's CPU time, so that when it exits, what it used up to this read is known. Cheap (one
     * {@code pread}): call it often when the JVM is another process, which can end at any moment.
     *
     * @return false once the JVM has exited
     */
    boolean pollProcess() {
        if (exited) {
            return false;
        }
        try {
            processTicks = process.cpuTicks();
            exited = process.zombie();
        } catch (EnergyReadException e) {
            exited = true; // its stat file is gone
        }
        return !exited;
    }

    /**
     * Reads the threads' CPU times between two intervals, so that a thread that ends loses at most the time since
     * the last poll.
     */
    void pollThreads() {
        threads.poll();
    }

    /** True when threads' CPU times are in nanoseconds ({@code schedstat}), false for clock ticks. */
    boolean threadNanosecondResolution() {
        return threads.nanosecondResolution();
    }

    static long epochNanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    @Override
    public void close() {
        node.close();
        process.close();
        threads.close();
    }
}
