package dev.ergometer.source;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What a device reported about its utilisation since a caller's last look: one entry per process that used it (its
 * utilisation over the device's recent sample periods) and the device's own samples, each with why it is missing when
 * the device cannot report it. Immutable.
 *
 * @param processes per-process samples, possibly several per process
 * @param processesUnavailable why the device cannot report per-process utilisation (then {@code processes} is empty)
 * @param device the device's utilisation samples, one per sample period (none while it idles, on NVIDIA GPUs)
 * @param deviceUnavailable why the device cannot report its own utilisation (then {@code device} is empty)
 */
public record UtilizationSamples(List<ProcessSample> processes, Optional<String> processesUnavailable,
        List<DeviceSample> device, Optional<String> deviceUnavailable) {

    /**
     * A process's share of the device over a sample period, as the device reports it.
     *
     * @param pid the process id, as the driver sees it (the host's pid namespace)
     * @param timestampMicros when the sample was taken, in the driver's clock (µs)
     * @param percent the share of the compute units (NVML's SM utilisation), {@code 0..100}
     */
    public record ProcessSample(int pid, long timestampMicros, int percent) {
        public ProcessSample {
            checkPercent(percent);
        }
    }

    /**
     * The device's utilisation over one sample period.
     *
     * @param timestampMicros when the sample was taken, in the driver's clock (µs)
     * @param percent the part of the period during which the device was busy (a kernel ran), {@code 0..100}
     */
    public record DeviceSample(long timestampMicros, int percent) {
        public DeviceSample {
            checkPercent(percent);
        }
    }

    private static void checkPercent(int percent) {
        if (percent < 0 || percent > 100) {
            throw new IllegalArgumentException("a utilisation is 0 to 100 %, got " + percent);
        }
    }

    public UtilizationSamples {
        processes = List.copyOf(processes);
        device = List.copyOf(device);
        Objects.requireNonNull(processesUnavailable, "processesUnavailable");
        Objects.requireNonNull(deviceUnavailable, "deviceUnavailable");
        if (processesUnavailable.isPresent() && !processes.isEmpty()
                || deviceUnavailable.isPresent() && !device.isEmpty()) {
            throw new IllegalArgumentException("samples cannot be both given and unavailable");
        }
    }

    /** Nothing can be had for this domain, for the given reason. */
    public static UtilizationSamples unavailable(String reason) {
        return new UtilizationSamples(List.of(), Optional.of(reason), List.of(), Optional.of(reason));
    }

    /** The newest per-process timestamp, or {@code after} when there is none newer. */
    public long newestProcessMicros(long after) {
        long newest = after;
        for (ProcessSample sample : processes) {
            newest = Math.max(newest, sample.timestampMicros());
        }
        return newest;
    }

    /** The newest device timestamp, or {@code after} when there is none newer. */
    public long newestDeviceMicros(long after) {
        long newest = after;
        for (DeviceSample sample : device) {
            newest = Math.max(newest, sample.timestampMicros());
        }
        return newest;
    }
}
