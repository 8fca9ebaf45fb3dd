package dev.ergometer.profiler;

import java.time.Instant;
import java.util.List;

/**
 * A JVM's energy profile at one moment: what was measured and how, the energy of each distinct stack, each thread's
 * CPU time and energy, and the energy over time. Immutable; the reports are rendered from it.
 *
 * @param info how the profile was made
 * @param stacks the energy and samples of each distinct stack (all frames, root first)
 * @param threads each thread's totals
 * @param timeline one point per interval, oldest first
 * @param counts sample counts
 */
record Profile(Info info, List<Stack> stacks, List<ThreadTotal> threads, List<TimelinePoint> timeline,
        Counts counts) {

    Profile {
        stacks = List.copyOf(stacks);
        threads = List.copyOf(threads);
        timeline = List.copyOf(timeline);
    }

    /**
     * How the profile was made.
     *
     * @param pid the profiled JVM's process id
     * @param command the JVM's command line, as {@code ProcessHandle} gives it
     * @param source the energy source's name
     * @param sourceMethod how the source gets its numbers
     * @param estimated true when the energy comes from a model, not from hardware counters
     * @param domains the domains split, joined with {@code +}
     * @param sampler the JFR sampler used
     * @param samplingPeriodNanos its period
     * @param intervalNanos the energy interval
     * @param packages the application's packages (empty: no application view)
     * @param start when profiling began
     * @param threadNanoseconds true when threads' CPU times are in ns ({@code schedstat}), false for clock ticks
     */
    record Info(long pid, String command, String source, String sourceMethod, boolean estimated, String domains,
            SamplerChoice sampler, long samplingPeriodNanos, long intervalNanos, List<String> packages, Instant start,
            boolean threadNanoseconds) {
        Info {
            packages = List.copyOf(packages);
        }

        /** "estimated" or "measured", for people. */
        String kindOfEnergy() {
            return estimated ? "estimated" : "measured";
        }
    }

    /** One distinct stack, root first, with its energy and samples. */
    record Stack(List<String> frames, long microjoules, long samples) {
        Stack {
            frames = List.copyOf(frames);
        }
    }

    /** What a thread is, for its energy. */
    enum ThreadKind {
        /** A thread with method samples. */
        SAMPLED,
        /** A thread never sampled: the JVM's GC and JIT threads, or a Java thread that used too little CPU. */
        NOT_SAMPLED,
        /** The profiler's and JFR's own threads. */
        PROFILER
    }

    /** One thread's totals over the profile. */
    record ThreadTotal(int tid, String name, ThreadKind kind, long cpuNanos, long microjoules, long samples) {
    }

    /**
     * One interval's energy: the chosen domains' energy and how it was split, in µJ.
     *
     * @param startOffsetNanos the interval's start, since profiling began
     * @param profilerMicrojoules the part of the JVM's energy used by the profiler's and JFR's threads
     * @param notSampledMicrojoules the part of threads without samples in the interval
     * @param unaccountedMicrojoules the JVM's energy no living thread accounts for
     */
    record TimelinePoint(long startOffsetNanos, long durationNanos, long energyMicrojoules, long idleMicrojoules,
            long otherProcessesMicrojoules, long jvmMicrojoules, long profilerMicrojoules,
            long notSampledMicrojoules, long unaccountedMicrojoules, long samples) {
    }

    /**
     * @param samples samples counted
     * @param lost samples the JVM could not take (queue full, stack not walkable)
     * @param late samples that arrived after their interval was split (charged to a later one)
     * @param beforeStart samples taken before the first interval, dropped
     */
    record Counts(long samples, long lost, long late, long beforeStart) {
    }

    /** The sum of one timeline column. */
    long total(java.util.function.ToLongFunction<TimelinePoint> column) {
        return timeline.stream().mapToLong(column).sum();
    }

    /** The time covered, in ns. */
    long durationNanos() {
        return timeline.stream().mapToLong(TimelinePoint::durationNanos).sum();
    }
}
