package dev.ergometer.measure;

import dev.ergometer.attribution.Attribution;
import dev.ergometer.sampler.EnergyInterval;
import java.util.Objects;
import java.util.Optional;

/**
 * One run of a measured command: its exit code, the CPU time of its process tree, the machine's energy while
 * it ran and, when {@code /proc/stat} could be read, the node's CPU time over the same window (from which the
 * command's own share of the energy follows).
 *
 * @param number the run's number, from 1; warmups are not numbered runs
 * @param exitCode the command's exit code (128 + signal number when a signal ended it)
 * @param cpuTimeNanos user + system CPU time of the command and its waited-for descendants
 * @param energy the energy per domain between just before the start and just after the exit
 * @param node the node's CPU time over the same window, empty when it could not be read
 */
public record CommandRun(int number, int exitCode, long cpuTimeNanos, EnergyInterval energy,
        Optional<NodeCpuTime> node) {

    public CommandRun {
        Objects.requireNonNull(energy, "energy");
        Objects.requireNonNull(node, "node");
        if (number < 1) {
            throw new IllegalArgumentException("run numbers start at 1, got " + number);
        }
        if (cpuTimeNanos < 0) {
            throw new IllegalArgumentException("CPU time cannot be negative: " + cpuTimeNanos);
        }
    }

    /** A run whose node CPU time is not known (so it has no share). */
    public CommandRun(int number, int exitCode, long cpuTimeNanos, EnergyInterval energy) {
        this(number, exitCode, cpuTimeNanos, energy, Optional.empty());
    }

    /**
     * The command's own share of a domain's energy, in joules: the run's active energy (the energy times the node's
     * busy over total CPU time) times the process tree's CPU time over the node's busy CPU time, split with
     * {@link Attribution#split} so that it is never more than the domain's energy. Empty when the node's CPU time is
     * not known.
     */
    public Optional<Double> shareJoules(int domain) {
        return node.map(cpu -> Attribution.split(energy.microjoules(domain), cpu.busyNanos(), cpu.totalNanos(),
                new long[] {cpuTimeNanos}).consumerMicrojoules(0) / 1e6);
    }

    public double durationSeconds() {
        return energy.durationSeconds();
    }

    public double cpuTimeSeconds() {
        return cpuTimeNanos / 1e9;
    }

    /**
     * The energy of a domain minus what the idle machine would have used in the same time, in joules. Not clamped:
     * a value near or below zero says the command's energy is within the idle noise.
     */
    public double netJoules(int domain, IdleBaseline idle) {
        return energy.joules(domain) - idle.powerWatts(domain) * energy.durationSeconds();
    }
}
