package dev.ergometer.profiler;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Adds up the profile interval by interval: each thread's energy of an interval is split among the stacks it was
 * sampled in during that interval, in proportion to the samples ({@link #splitBySamples}, exact in integers). Energy
 * of a thread without samples in the interval goes to {@code [not sampled] / [thread name]} and the profiler's
 * threads to {@code [profiler] / [thread name]}. The JVM's unaccounted part (mostly what threads that ended used
 * after they were last seen) is shared among the samples of the threads that ended in the interval, or goes to
 * {@code [unaccounted]} when there are none. So the stacks add up to the JVM's energy exactly. Used by one thread at
 * a time.
 */
final class ProfileAccumulator {

    static final String NOT_SAMPLED = "[not sampled]";
    static final String PROFILER = "[profiler]";
    static final String UNACCOUNTED = "[unaccounted: threads that ended, clock rounding]";

    private final StackTable stacks;
    private final ApplicationFilter application;
    private final long startEpochNanos;
    private long[] stackMicrojoules = new long[256];
    private long[] stackSamples = new long[256];
    private final Map<Integer, ThreadState> threads = new LinkedHashMap<>();
    private final List<Profile.TimelinePoint> timeline = new ArrayList<>();
    private final Map<Integer, String> timelineMethodByStack = new HashMap<>();
    private long samples;

    /**
     * @param application the application view for the per-method timeline, or null to use every frame
     * @param startEpochNanos when profiling began
     */
    ProfileAccumulator(StackTable stacks, ApplicationFilter application, long startEpochNanos) {
        this.stacks = stacks;
        this.application = application;
        this.startEpochNanos = startEpochNanos;
    }

    /** One interval's result: its timeline point and each method's own energy in it (µJ, the timeline's view). */
    record Added(Profile.TimelinePoint point, Map<String, Long> methodMicrojoules) {
    }

    /** Adds one closed interval and its samples. */
    Added add(SampleBins.Bin bin) {
        IntervalEnergy energy = bin.energy;
        Map<String, Long> methods = new HashMap<>();
        Set<Integer> withEnergy = new HashSet<>();
        Set<Integer> living = new HashSet<>();
        long profiler = 0;
        long notSampled = 0;
        long binSamples = 0;
        for (IntervalEnergy.ThreadEnergy t : energy.threads()) {
            withEnergy.add(t.tid());
            if (!t.ended()) {
                living.add(t.tid());
            }
            SampleBins.ThreadSamples sampled = bin.threads.get(t.tid());
            ThreadState state = state(t.tid(), t.name(), sampled);
            state.cpuNanos += t.cpuNanos();
            state.microjoules += t.microjoules();
            if (state.profiler) {
                profiler += t.microjoules();
                charge(stacks.stack(PROFILER, "[" + state.name + "]"), t.microjoules(), 0, methods);
            } else if (sampled != null && sampled.total > 0) {
                state.samples += sampled.total;
                binSamples += sampled.total;
                splitBySamples(t.microjoules(), List.of(sampled), true, methods);
            } else {
                notSampled += t.microjoules();
                charge(stacks.stack(NOT_SAMPLED, "[" + state.name + "]"), t.microjoules(), 0, methods);
            }
        }
        // Threads that ended during the interval: what they used after they were last seen is in the unaccounted
        // part, and CPU-time samples are in proportion to CPU time, so their samples share it.
        List<SampleBins.ThreadSamples> ended = new ArrayList<>();
        List<Integer> endedTids = new ArrayList<>();
        for (Map.Entry<Integer, SampleBins.ThreadSamples> e : new TreeMap<>(bin.threads).entrySet()) {
            int tid = e.getKey();
            SampleBins.ThreadSamples sampled = e.getValue();
            ThreadState state = state(tid, "thread " + tid, sampled);
            if (state.profiler) {
                continue; // the profiler's own samples: its threads' energy is under [profiler]
            }
            if (!withEnergy.contains(tid)) {
                state.samples += sampled.total;
                binSamples += sampled.total;
            }
            if (!living.contains(tid) && sampled.total > 0) {
                ended.add(sampled);
                endedTids.add(tid);
            }
        }
        long unaccounted = energy.unaccountedMicrojoules();
        if (!ended.isEmpty()) {
            long[] perThread = splitBySamples(unaccounted, ended, false, methods);
            for (int i = 0; i < perThread.length; i++) {
                int tid = endedTids.get(i);
                threads.get(tid).microjoules += perThread[i];
                if (!withEnergy.contains(tid)) {
                    ended.get(i).countByStack.forEach((stack, count) -> charge(stack, 0, count[0], methods));
                }
            }
            unaccounted = 0;
        } else if (unaccounted > 0) {
            charge(stacks.stack(UNACCOUNTED), unaccounted, 0, methods);
        }
        samples += binSamples;
        Profile.TimelinePoint point = new Profile.TimelinePoint(energy.startEpochNanos() - startEpochNanos,
                energy.durationNanos(), energy.energyMicrojoules(), energy.idleMicrojoules(),
                energy.otherProcessesMicrojoules(), energy.jvmMicrojoules(), profiler, notSampled, unaccounted,
                binSamples);
        timeline.add(point);
        return new Added(point, methods);
    }

    private ThreadState state(int tid, String name, SampleBins.ThreadSamples sampled) {
        ThreadState state = threads.computeIfAbsent(tid, k -> new ThreadState(name));
        if (sampled != null && sampled.javaName != null) {
            state.name = sampled.javaName;
        }
        if (sampled != null && sampled.total > 0) {
            state.sampled = true;
        }
        if (isProfilerThread(state.name) || isProfilerThread(name)) {
            state.profiler = true;
        }
        return state;
    }

    /**
     * Splits {@code microjoules} among the sampled stacks of {@code threads} in proportion to their counts: stack
     * {@code k} (in a fixed order) gets {@code floor(E * C_k / N) - floor(E * C_(k-1) / N)} with {@code C_k} the
     * running count and {@code N} the total, so the parts add up to {@code E} exactly and each is within 1 µJ of its
     * exact share.
     *
     * @param countSamples whether the samples are counted too (false when they were counted already)
     * @return each thread's part, in the order of {@code threads}
     */
    private long[] splitBySamples(long microjoules, List<SampleBins.ThreadSamples> threads, boolean countSamples,
            Map<String, Long> methods) {
        long total = 0;
        for (SampleBins.ThreadSamples t : threads) {
            total += t.total;
        }
        long[] perThread = new long[threads.size()];
        long cumulative = 0;
        long given = 0;
        for (int i = 0; i < threads.size(); i++) {
            SampleBins.ThreadSamples sampled = threads.get(i);
            int[] stackIds = sampled.countByStack.keySet().stream().mapToInt(Integer::intValue).sorted().toArray();
            for (int stackId : stackIds) {
                int count = sampled.countByStack.get(stackId)[0];
                cumulative += count;
                long upTo = mulDiv(microjoules, cumulative, total);
                charge(stackId, upTo - given, countSamples ? count : 0, methods);
                perThread[i] += upTo - given;
                given = upTo;
            }
        }
        return perThread;
    }

    private void charge(int stackId, long microjoules, long sampleCount, Map<String, Long> methods) {
        if (stackId >= stackMicrojoules.length) {
            int size = Math.max(stackId + 1, stackMicrojoules.length * 2);
            stackMicrojoules = Arrays.copyOf(stackMicrojoules, size);
            stackSamples = Arrays.copyOf(stackSamples, size);
        }
        stackMicrojoules[stackId] += microjoules;
        stackSamples[stackId] += sampleCount;
        if (microjoules > 0) {
            methods.merge(timelineMethod(stackId), microjoules, Long::sum);
        }
    }

    /** The method a stack's own energy belongs to in the timeline: its leaf, in the application view if any. */
    private String timelineMethod(int stackId) {
        return timelineMethodByStack.computeIfAbsent(stackId, id -> {
            List<String> frames = names(stacks.frames(id));
            List<String> view = application == null ? frames : application.filter(frames);
            return view.getLast();
        });
    }

    private List<String> names(int[] frameIds) {
        List<String> names = new ArrayList<>(frameIds.length);
        for (int id : frameIds) {
            names.add(stacks.frameName(id));
        }
        return names;
    }

    /** The profile so far. */
    Profile snapshot(Profile.Info info, long lost, long late, long beforeStart) {
        List<Profile.Stack> stackList = new ArrayList<>();
        int count = Math.min(stacks.stackCount(), stackMicrojoules.length);
        for (int id = 0; id < count; id++) {
            if (stackMicrojoules[id] > 0 || stackSamples[id] > 0) {
                stackList.add(new Profile.Stack(names(stacks.frames(id)), stackMicrojoules[id], stackSamples[id]));
            }
        }
        List<Profile.ThreadTotal> threadList = new ArrayList<>();
        threads.forEach((tid, s) -> threadList.add(new Profile.ThreadTotal(tid, s.name,
                s.profiler ? Profile.ThreadKind.PROFILER
                        : s.sampled ? Profile.ThreadKind.SAMPLED : Profile.ThreadKind.NOT_SAMPLED,
                s.cpuNanos, s.microjoules, s.samples)));
        return new Profile(info, stackList, threadList, timeline,
                new Profile.Counts(samples, lost, late, beforeStart));
    }

    /** True for the threads of the profiler and of JFR, by their Java name or their kernel name. */
    static boolean isProfilerThread(String name) {
        return name.startsWith("JFR ") || name.startsWith("erg-profiler") || name.startsWith("ergometer-sampl");
    }

    private static long mulDiv(long a, long b, long c) {
        long high = Math.multiplyHigh(a, b);
        if (high == 0 && a * b >= 0) {
            return a * b / c;
        }
        return java.math.BigInteger.valueOf(a).multiply(java.math.BigInteger.valueOf(b))
                .divide(java.math.BigInteger.valueOf(c)).longValueExact();
    }

    private static final class ThreadState {
        String name;
        long cpuNanos;
        long microjoules;
        long samples;
        boolean sampled;
        boolean profiler;

        ThreadState(String name) {
            this.name = name;
        }
    }
}
