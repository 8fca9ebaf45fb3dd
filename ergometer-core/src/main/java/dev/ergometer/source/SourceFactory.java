package dev.ergometer.source;

import dev.ergometer.sampler.Ticker;
import java.util.Optional;

/** Opens one kind of energy source on a machine, or says why it cannot. */
public interface SourceFactory {

    /** The source's name, as {@code --source} takes it. */
    String name();

    /** One line on what this source reads, for {@code erg domains}. */
    String summary();

    /**
     * True for the sources of accelerators (GPUs): they add their domains to the machine's source instead of
     * standing in for it, so every available one is read next to the best machine source.
     */
    default boolean accelerator() {
        return false;
    }

    /**
     * Who may use this source on the machine {@code paths} points at, when that depends on a setting (for example
     * {@code kernel.perf_event_paranoid}); empty when there is nothing to say. Shown by {@code erg domains}.
     */
    default Optional<String> access(SystemPaths paths) {
        return Optional.empty();
    }

    /**
     * Opens the source against the given kernel roots.
     *
     * @param ticker the clock an integrating source (power files, the model) uses
     * @throws SourceUnavailableException with the reason and the fix when the source cannot be used here
     */
    EnergySource open(SystemPaths paths, Ticker ticker) throws SourceUnavailableException;
}
