package dev.ergometer.attribution;

import java.util.List;

/**
 * The CPU time each consumer used over one interval, in nanoseconds, with each consumer's cgroup path (for grouping
 * by cgroup, container and pod).
 */
record ConsumerCpu(List<Consumer> consumers, long[] cpuNanos, List<String> cgroupPaths) {

    ConsumerCpu {
        consumers = List.copyOf(consumers);
        cgroupPaths = List.copyOf(cgroupPaths);
        if (consumers.size() != cpuNanos.length || consumers.size() != cgroupPaths.size()) {
            throw new IllegalArgumentException("one CPU time and one cgroup path per consumer");
        }
    }
}
