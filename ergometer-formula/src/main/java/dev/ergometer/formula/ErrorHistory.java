package dev.ergometer.formula;

import java.util.ArrayDeque;
import java.util.List;

/** The last model errors of a frequency layer, in watts, oldest dropped first. Mutable. */
final class ErrorHistory {

    private final int capacity;
    private final ArrayDeque<Double> errors = new ArrayDeque<>();

    ErrorHistory(int capacity) {
        this.capacity = capacity;
    }

    void add(double errorWatts) {
        if (errors.size() == capacity) {
            errors.removeFirst();
        }
        errors.addLast(errorWatts);
    }

    void clear() {
        errors.clear();
    }

    int size() {
        return errors.size();
    }

    double summary(ErrorWindowMethod method) {
        return method.apply(errors);
    }

    List<Double> values() {
        return List.copyOf(errors);
    }
}
