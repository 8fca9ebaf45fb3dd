package dev.ergometer.sink;

import java.util.List;
import java.util.Objects;

/**
 * An immutable group of samples handed to a {@link Sink} in one call; the unit that sink queues buffer, retry and
 * drop.
 *
 * @param samples the samples, in the order they were taken
 */
public record Batch(List<Sample> samples) {

    public Batch {
        samples = List.copyOf(Objects.requireNonNull(samples, "samples"));
    }

    public static Batch of(Sample... samples) {
        return new Batch(List.of(samples));
    }

    /** The number of samples in the batch. */
    public int size() {
        return samples.size();
    }

    public boolean isEmpty() {
        return samples.isEmpty();
    }
}
