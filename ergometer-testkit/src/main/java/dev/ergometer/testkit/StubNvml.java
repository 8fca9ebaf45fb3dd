package dev.ergometer.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stub NVIDIA Management Library (libnvidia-ml) answering from a script: the C file {@code nvml_stub.c} (a
 * resource next to this class), compiled with gcc once per JVM, and copied to a fresh file per test.
 *
 * <p>The library reads its script from {@code <library>.script}. Each {@link #withScript} call copies the compiled
 * library to a new, unique file name: loading a new path gives a fresh copy with fresh state, which matters because
 * a loaded library cannot be unloaded reliably. Usage:
 * <pre>{@code
 * Path library = StubNvml.withScript("""
 *         device
 *         name NVIDIA A100-SXM4-40GB
 *         energy_seq 1000 1500 2500
 *         """, tempDir);
 * SystemPaths paths = SystemPaths.real().withNvmlLibrary(library);
 * }</pre>
 *
 * <p>The script language is described at the top of {@code nvml_stub.c}; {@link Device} writes one device's lines.
 */
public final class StubNvml {

    private static final AtomicInteger COPIES = new AtomicInteger();
    private static Path compiled;

    private StubNvml() {
    }

    /**
     * A fresh copy of the stub library in {@code dir}, with {@code script} next to it.
     *
     * @return the library's path, for {@code SystemPaths.withNvmlLibrary}
     * @throws IllegalStateException when gcc is missing or fails
     */
    public static Path withScript(String script, Path dir) {
        Objects.requireNonNull(script, "script");
        Path source = compiled();
        Path library = dir.resolve("libnvidia-ml-stub-" + ProcessHandle.current().pid() + "-"
                + COPIES.incrementAndGet() + ".so");
        try {
            Files.copy(source, library, StandardCopyOption.REPLACE_EXISTING);
            Files.writeString(library.resolveSibling(library.getFileName() + ".script"), script);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the stub NVML library to " + library, e);
        }
        return library;
    }

    /** A fresh copy of the stub library whose script lists these devices, in NVML index order. */
    public static Path withDevices(Path dir, Device... devices) {
        StringBuilder script = new StringBuilder();
        for (Device device : devices) {
            script.append(device.script());
        }
        return withScript(script.toString(), dir);
    }

    /**
     * Adds a per-process utilisation sample to device {@code deviceIndex} of a library made by {@link #withScript}
     * or {@link #withDevices}: {@code nvmlDeviceGetProcessUtilization} returns it from its next call on (when its
     * timestamp is newer than the caller's last seen one), as a driver does when a new sample period ends.
     */
    public static void addProcessSample(Path library, int deviceIndex, int pid, long timestampMicros, int smPercent) {
        appendLive(library, deviceIndex + " sample " + pid + " " + timestampMicros + " " + smPercent + " 0 0 0");
    }

    /**
     * Adds a device GPU utilisation sample (percent of the sample period a kernel ran) to device {@code deviceIndex}:
     * {@code nvmlDeviceGetSamples(NVML_GPU_UTILIZATION_SAMPLES)} returns it from its next call on.
     */
    public static void addUtilizationSample(Path library, int deviceIndex, long timestampMicros, int percent) {
        appendLive(library, deviceIndex + " util_sample " + timestampMicros + " " + percent);
    }

    private static void appendLive(Path library, String line) {
        Path live = library.resolveSibling(library.getFileName() + ".live");
        try {
            Files.writeString(live, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append a sample to " + live, e);
        }
    }

    /** The compiled stub, built on first use into a temporary folder removed when the JVM exits. */
    static synchronized Path compiled() {
        if (compiled != null) {
            return compiled;
        }
        try {
            Path dir = Files.createTempDirectory("ergometer-nvml-stub");
            dir.toFile().deleteOnExit();
            Path c = dir.resolve("nvml_stub.c");
            try (InputStream in = StubNvml.class.getResourceAsStream("nvml_stub.c")) {
                if (in == null) {
                    throw new IllegalStateException("nvml_stub.c is missing from the testkit's resources");
                }
                Files.copy(in, c);
            }
            Path so = dir.resolve("libnvidia-ml-stub.so");
            Process gcc;
            try {
                gcc = new ProcessBuilder("gcc", "-shared", "-fPIC", "-O1", "-o", so.toString(), c.toString())
                        .redirectErrorStream(true).start();
            } catch (IOException e) {
                throw new IllegalStateException("cannot run gcc to build the stub NVML library (" + e.getMessage()
                        + "): install a C compiler (apt-get install gcc)", e);
            }
            String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!gcc.waitFor(60, TimeUnit.SECONDS) || gcc.exitValue() != 0) {
                throw new IllegalStateException("gcc failed to build the stub NVML library from " + c + ":\n" + output);
            }
            c.toFile().deleteOnExit();
            so.toFile().deleteOnExit();
            compiled = so;
            return so;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build the stub NVML library", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while building the stub NVML library", e);
        }
    }

    /**
     * One scripted GPU: its identity and what its energy and power calls answer. Immutable; each method returns a
     * new description with one more script line.
     */
    public static final class Device {
        private final List<String> lines;

        private Device(List<String> lines) {
            this.lines = List.copyOf(lines);
        }

        /** A GPU with the given name, a UUID and a PCI bus id. */
        public static Device named(String name, String uuid, String busId) {
            return new Device(List.of("device", "name " + name, "uuid " + uuid, "busid " + busId));
        }

        /** Energy counter values in mJ returned by successive calls (the last repeats). */
        public Device energySequence(long... millijoules) {
            return with("energy_seq", millijoules);
        }

        /** Power values in mW returned by successive calls (the last repeats). */
        public Device powerSequence(long... milliwatts) {
            return with("power_seq", milliwatts);
        }

        /** Power {@code p0 + slope * t} mW over time; the energy counter is its exact integral. */
        public Device powerRamp(double p0Milliwatts, double slopeMilliwattsPerSecond) {
            return line("power_ramp " + p0Milliwatts + " " + slopeMilliwattsPerSecond);
        }

        /** Power {@code p0} mW, then {@code p1} mW from {@code atMillis} on; the energy counter is its integral. */
        public Device powerStep(double p0Milliwatts, double p1Milliwatts, double atMillis) {
            return line("power_step " + p0Milliwatts + " " + p1Milliwatts + " " + atMillis);
        }

        /** The energy counter moves only every {@code millis} ms. */
        public Device energyPeriod(long millis) {
            return line("energy_period_ms " + millis);
        }

        /** The energy counter fails with this NVML code (a name such as NOT_SUPPORTED, or a number). */
        public Device energyError(String code) {
            return line("energy_error " + code);
        }

        /** The power call fails with this NVML code. */
        public Device powerError(String code) {
            return line("power_error " + code);
        }

        /** Getting this GPU's handle fails with this NVML code. */
        public Device handleError(String code) {
            return line("handle_error " + code);
        }

        /** After {@code reads} successful energy or power calls, every call answers GPU_IS_LOST. */
        public Device lostAfter(int reads) {
            return line("lost_after " + reads);
        }

        /** A compute process running on this GPU. */
        public Device process(int pid, long usedMemoryBytes) {
            return line("process " + pid + " " + usedMemoryBytes);
        }

        /** A per-process utilisation sample (percentages; timestamp in µs). */
        public Device sample(int pid, long timestampMicros, int sm, int mem, int enc, int dec) {
            return line("sample " + pid + " " + timestampMicros + " " + sm + " " + mem + " " + enc + " " + dec);
        }

        /** {@code nvmlDeviceGetProcessUtilization} fails with this NVML code (NOT_SUPPORTED, as on GeForce parts). */
        public Device processUtilizationError(String code) {
            return line("sample_error " + code);
        }

        /** A device GPU utilisation sample ({@code nvmlDeviceGetSamples}, percent; timestamp in µs). */
        public Device utilizationSample(long timestampMicros, int percent) {
            return line("util_sample " + timestampMicros + " " + percent);
        }

        /** {@code nvmlDeviceGetSamples} fails with this NVML code. */
        public Device utilizationError(String code) {
            return line("util_error " + code);
        }

        /** This device's script lines. */
        public String script() {
            return String.join("\n", lines) + "\n";
        }

        private Device with(String key, long... values) {
            StringBuilder line = new StringBuilder(key);
            for (long v : values) {
                line.append(' ').append(v);
            }
            return line(line.toString());
        }

        private Device line(String line) {
            List<String> more = new ArrayList<>(lines);
            more.add(line);
            return new Device(more);
        }
    }
}
