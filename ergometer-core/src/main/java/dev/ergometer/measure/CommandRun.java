package dev.ergometer.measure;

import dev.ergometer.sampler.EnergyInterval;
import java.util.Objects;

/**
 * One run of a measured command: its exit code, the CPU time of its process tree and the machine's energy while
 * it ran.
 *
 * @param number the run's number, from 1; warmups are not numbered runs
 * @param exitCode the command's exit code (128 + signal number when a signal ended it)
 * @param cpuTimeNanos user + system CPU time of the command and its waited-for descendants
 * @param energy the energy per domain between just before the start and just after the exit
 */
public record CommandRun(int number, int exitCode, long cpuTimeNanos, EnergyInterval energy) {

    public CommandRun {
        Objects.requireNonNull(energy, "energy");
        if (number < 1) {
            throw new IllegalArgumentException("run numbers start at 1, got " + number);
        }
        if (cpuTimeNanos < 0) {
            throw new IllegalArgumentException("CPU time cannot be negative: " + cpuTimeNanos);
        }
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
