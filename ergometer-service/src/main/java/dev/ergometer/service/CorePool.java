package dev.ergometer.service;

import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The measurement cores of one worker, each lent to one measurement at a time: a job takes a free core (or waits
 * for the one it asked for) and gives it back when done, so no two measurements ever share a core.
 */
final class CorePool {

    private final List<Integer> cores;
    private final Set<Integer> busy = new HashSet<>();

    CorePool(List<Integer> cores) {
        if (cores.isEmpty()) {
            throw new IllegalArgumentException("a worker needs at least one measurement core");
        }
        this.cores = List.copyOf(cores);
    }

    List<Integer> cores() {
        return cores;
    }

    /** Takes {@code wanted} when given (waiting until it is free), else the first free core of the pool. */
    synchronized int acquire(Optional<Integer> wanted) throws InterruptedException {
        while (true) {
            if (wanted.isPresent()) {
                if (!busy.contains(wanted.get())) {
                    busy.add(wanted.get());
                    return wanted.get();
                }
            } else {
                for (int core : cores) {
                    if (!busy.contains(core)) {
                        busy.add(core);
                        return core;
                    }
                }
            }
            wait();
        }
    }

    synchronized void release(int core) {
        if (!busy.remove(core)) {
            throw new IllegalStateException("core " + core + " was not taken");
        }
        notifyAll();
    }

    synchronized int busyCount() {
        return busy.size();
    }
}
