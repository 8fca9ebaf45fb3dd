package dev.ergometer.source;

import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;

/**
 * The roots under which Ergometer looks at the kernel: sysfs, procfs and /dev.
 *
 * <p>Every path to a kernel interface is resolved against one {@code SystemPaths}, so tests and users with a
 * copied or propagated tree (a VM's sysfs exported to its host, a fake tree in a temp folder) point Ergometer
 * elsewhere and still run the code that reads real hardware. Set from {@code --sysfs}, {@code --procfs} and
 * {@code --dev}, or from ERGOMETER_SYSFS, ERGOMETER_PROCFS and ERGOMETER_DEV; the defaults are /sys, /proc, /dev.
 */
public record SystemPaths(Path sysfs, Path procfs, Path dev) {

    public static final String SYSFS_VARIABLE = "ERGOMETER_SYSFS";
    public static final String PROCFS_VARIABLE = "ERGOMETER_PROCFS";
    public static final String DEV_VARIABLE = "ERGOMETER_DEV";

    public SystemPaths {
        Objects.requireNonNull(sysfs, "sysfs");
        Objects.requireNonNull(procfs, "procfs");
        Objects.requireNonNull(dev, "dev");
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
                pathOr(environment.get(DEV_VARIABLE), real.dev));
    }

    public SystemPaths withSysfs(Path newSysfs) {
        return new SystemPaths(newSysfs, procfs, dev);
    }

    public SystemPaths withProcfs(Path newProcfs) {
        return new SystemPaths(sysfs, newProcfs, dev);
    }

    public SystemPaths withDev(Path newDev) {
        return new SystemPaths(sysfs, procfs, newDev);
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
