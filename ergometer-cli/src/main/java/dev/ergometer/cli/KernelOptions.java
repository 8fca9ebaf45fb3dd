package dev.ergometer.cli;

import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySources;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options that say where the kernel's interfaces are and which energy source to use. */
final class KernelOptions {

    @Option(names = "--sysfs", paramLabel = "DIR",
            description = "Root of sysfs (default: $ERGOMETER_SYSFS or /sys).")
    Path sysfs;

    @Option(names = "--procfs", paramLabel = "DIR",
            description = "Root of procfs (default: $ERGOMETER_PROCFS or /proc).")
    Path procfs;

    @Option(names = "--dev", paramLabel = "DIR",
            description = "Root of /dev, for MSR device files (default: $ERGOMETER_DEV or /dev).")
    Path dev;

    @Option(names = "--source", paramLabel = "NAME",
            description = "Energy source to use: perf, powercap, msr, hwmon or model (default: the best available).")
    String source;

    /** The kernel roots: options first, then the environment, then the real ones. */
    SystemPaths paths() {
        SystemPaths paths = SystemPaths.fromEnvironment();
        if (sysfs != null) {
            paths = paths.withSysfs(sysfs);
        }
        if (procfs != null) {
            paths = paths.withProcfs(procfs);
        }
        if (dev != null) {
            paths = paths.withDev(dev);
        }
        return paths;
    }

    /** Opens the forced source, or the best available one. */
    EnergySources.Selection openSource() throws SourceUnavailableException {
        return source == null
                ? EnergySources.openBest(paths(), Ticker.system())
                : EnergySources.open(source, paths(), Ticker.system());
    }
}
