package dev.ergometer.formula;

import java.util.ArrayDeque;

/** The last samples of a frequency layer (reference power and events), oldest dropped first. Mutable. */
final class SampleHistory {

    private final int capacity;
    private final ArrayDeque<double[]> events = new ArrayDeque<>();
    private final ArrayDeque<Double> powers = new ArrayDeque<>();

    SampleHistory(int capacity) {
        this.capacity = capacity;
    }

    void add(double powerWatts, double[] eventValues) {
        if (events.size() == capacity) {
            events.removeFirst();
            powers.removeFirst();
        }
        events.addLast(eventValues.clone());
        powers.addLast(powerWatts);
    }

    int size() {
        return events.size();
    }

    int capacity() {
        return capacity;
    }

    /** The events of each sample, oldest first. */
    double[][] events() {
        return events.toArray(new double[0][]);
    }

    /** The reference power of each sample, oldest first. */
    double[] powers() {
        return powers.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
