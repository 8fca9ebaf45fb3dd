package dev.ergometer.profiler;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Samples binned by the interval they were taken in, by their own timestamps, until the interval's energy is known
 * and its samples have all arrived. Thread-safe: the JFR stream adds samples, the profiler's ticker closes intervals.
 *
 * <p>JFR delivers samples about a second after they were taken, in batches, so each interval's samples are kept by
 * thread and stack until the stream has flushed past the interval's end ({@link #takeReady}). A sample that arrives
 * after its interval was taken (a stream more than the lag behind) goes to the oldest interval still kept and is
 * counted as late; one taken before profiling began is dropped and counted.
 */
final class SampleBins {

    /** One interval: its bounds, its energy once closed, and its samples per thread. */
    static final class Bin {
        final long startEpochNanos;
        long endEpochNanos = Long.MAX_VALUE;
        IntervalEnergy energy;
        final Map<Integer, ThreadSamples> threads = new HashMap<>();

        Bin(long startEpochNanos) {
            this.startEpochNanos = startEpochNanos;
        }
    }

    /** One thread's samples in one interval: a count per stack id. */
    static final class ThreadSamples {
        String javaName;
        final Map<Integer, int[]> countByStack = new HashMap<>();
        long total;

        void add(int stackId) {
            countByStack.computeIfAbsent(stackId, k -> new int[1])[0]++;
            total++;
        }
    }

    private final TreeMap<Long, Bin> bins = new TreeMap<>();
    private long firstStartEpochNanos = Long.MIN_VALUE;
    private long late;
    private long beforeStart;

    /** Opens the first interval, starting at {@code startEpochNanos}. */
    synchronized void open(long startEpochNanos) {
        if (firstStartEpochNanos != Long.MIN_VALUE) {
            throw new IllegalStateException("already open");
        }
        firstStartEpochNanos = startEpochNanos;
        bins.put(startEpochNanos, new Bin(startEpochNanos));
    }

    synchronized void add(long epochNanos, int tid, String javaName, int stackId) {
        if (firstStartEpochNanos == Long.MIN_VALUE || epochNanos < firstStartEpochNanos) {
            beforeStart++;
            return;
        }
        Map.Entry<Long, Bin> entry = bins.floorEntry(epochNanos);
        Bin bin;
        if (entry == null) {
            late++;
            bin = bins.firstEntry().getValue();
        } else {
            bin = entry.getValue();
        }
        ThreadSamples samples = bin.threads.computeIfAbsent(tid, k -> new ThreadSamples());
        if (javaName != null) {
            samples.javaName = javaName;
        }
        samples.add(stackId);
    }

    /** Closes the open interval with its energy and opens the next one at its end. */
    synchronized void close(IntervalEnergy energy) {
        Bin open = bins.lastEntry().getValue();
        open.endEpochNanos = energy.endEpochNanos();
        open.energy = energy;
        bins.put(energy.endEpochNanos(), new Bin(energy.endEpochNanos()));
    }

    /** Removes and returns the closed intervals that ended at or before {@code watermarkEpochNanos}, oldest first. */
    synchronized List<Bin> takeReady(long watermarkEpochNanos) {
        List<Bin> ready = new ArrayList<>();
        while (bins.size() > 1) {
            Bin first = bins.firstEntry().getValue();
            if (first.energy == null || first.endEpochNanos > watermarkEpochNanos) {
                break;
            }
            ready.add(bins.pollFirstEntry().getValue());
        }
        return ready;
    }

    /**
     * Removes and returns every closed interval, oldest first; samples taken after the last close (during shutdown)
     * are moved into the last closed interval.
     */
    synchronized List<Bin> takeAll() {
        Bin open = bins.pollLastEntry().getValue();
        List<Bin> all = new ArrayList<>(bins.values());
        bins.clear();
        if (!all.isEmpty()) {
            Bin last = all.getLast();
            open.threads.forEach((tid, samples) -> {
                ThreadSamples into = last.threads.computeIfAbsent(tid, k -> new ThreadSamples());
                if (samples.javaName != null) {
                    into.javaName = samples.javaName;
                }
                samples.countByStack.forEach((stack, count) -> {
                    into.countByStack.computeIfAbsent(stack, k -> new int[1])[0] += count[0];
                    into.total += count[0];
                });
            });
        }
        bins.put(open.startEpochNanos, new Bin(open.startEpochNanos));
        return all;
    }

    /** Samples that arrived after their interval had been taken. */
    synchronized long late() {
        return late;
    }

    /** Samples taken before the first interval began. */
    synchronized long beforeStart() {
        return beforeStart;
    }
}
