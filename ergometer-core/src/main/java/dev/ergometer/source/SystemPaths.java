package dev.ergometer.source;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The roots under which Ergometer looks at the kernel: sysfs, procfs and /dev.
 *
 * <p>Every path to a kernel interface is resolved against one {@code SystemPaths}, so tests and users with a
 * copied or propagated tree (a VM's sysfs exported to its host, a fake tree in a temp folder) point Ergometer
 * elsewhere and still run the code that reads real hardware. Set from {@code --sysfs}, {@code --procfs},
 * {@code --dev} and {@code --nvml}, or from ERGOMETER_SYSFS, ERGOMETER_PROCFS, ERGOMETER_DEV and ERGOMETER_NVML; the
 * defaults are /sys, /proc, /dev and {@code libnvidia-ml.so.1} (a bare name: the dynamic loader's search path).
 *
 * @param nvmlLibrary the NVIDIA Management Library to load: a file, or a bare name the dynamic loader looks up
 */
public record SystemPaths(Path sysfs, Path procfs, Path dev, Path nvmlLibrary) {

    /** The NVML library's name, looked up by the dynamic loader as the NVIDIA driver installs it. */
    public static final Path DEFAULT_NVML_LIBRARY = Path.of("libnvidia-ml.so.1");

    public static final String SYSFS_VARIABLE = "ERGOMETER_SYSFS";
    public static final String PROCFS_VARIABLE = "ERGOMETER_PROCFS";
    public static final String DEV_VARIABLE = "ERGOMETER_DEV";
    public static final String NVML_VARIABLE = "ERGOMETER_NVML";

    public SystemPaths {
        Objects.requireNonNull(sysfs, "sysfs");
        Objects.requireNonNull(procfs, "procfs");
        Objects.requireNonNull(dev, "dev");
        Objects.requireNonNull(nvmlLibrary, "nvmlLibrary");
    }

    /** Kernel roots with the default NVML library. */
    public SystemPaths(Path sysfs, Path procfs, Path dev) {
        this(sysfs, procfs, dev, DEFAULT_NVML_LIBRARY);
    }

    /** The real machine: /sys, /proc and /dev. */
    public static SystemPaths real() {
        return new SystemPaths(Path.of("/sys"), Path.of("/proc"), Path.of("/dev"));
    }

    /** The real machine, unless ERGOMETER_SYSFS, ERGOMETER_PROCFS or ERGOMETER_DEV say otherwise. */
    public static SystemPaths fromEnvironment() {
        return fromEnvironment(System.getenv());
    }

    /** Like {@link #fromEnvironment()}, reading the given variables. */
    public static SystemPaths fromEnvironment(Map<String, String> environment) {
        SystemPaths real = real();
        return new SystemPaths(
                pathOr(environment.get(SYSFS_VARIABLE), real.sysfs),
                pathOr(environment.get(PROCFS_VARIABLE), real.procfs),
                pathOr(environment.get(DEV_VARIABLE), real.dev),
                pathOr(environment.get(NVML_VARIABLE), real.nvmlLibrary));
    }

    public SystemPaths withSysfs(Path newSysfs) {
        return new SystemPaths(newSysfs, procfs, dev, nvmlLibrary);
    }

    public SystemPaths withProcfs(Path newProcfs) {
        return new SystemPaths(sysfs, newProcfs, dev, nvmlLibrary);
    }

    public SystemPaths withDev(Path newDev) {
        return new SystemPaths(sysfs, procfs, newDev, nvmlLibrary);
    }

    public SystemPaths withNvmlLibrary(Path newNvmlLibrary) {
        return new SystemPaths(sysfs, procfs, dev, newNvmlLibrary);
    }

    /** A path under sysfs, for example {@code sys("class/powercap")}. */
    public Path sys(String relative) {
        return sysfs.resolve(relative);
    }

    /** A path under procfs, for example {@code proc("stat")}. */
    public Path proc(String relative) {
        return procfs.resolve(relative);
    }

    /** A path under /dev, for example {@code dev("cpu/0/msr")}. */
    public Path dev(String relative) {
        return dev.resolve(relative);
    }

    private static Path pathOr(String value, Path fallback) {
        return value == null || value.isBlank() ? fallback : Path.of(value);
    }
}
