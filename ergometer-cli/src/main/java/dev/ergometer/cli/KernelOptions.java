package dev.ergometer.cli;

import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySources;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.SourceFactory;
import dev.ergometer.source.model.ModelSource;
import java.nio.file.Path;
import java.util.List;
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

    @Option(names = "--nvml", paramLabel = "LIBRARY",
            description = "NVIDIA Management Library to load (default: $ERGOMETER_NVML or libnvidia-ml.so.1).")
    Path nvml;

    @Option(names = "--source", paramLabel = "NAME",
            description = "Energy sources to read, comma-separated: perf, powercap, msr, hwmon or model for the"
                    + " machine, plus GPU sources (default: the best machine source and every GPU source available).")
    String source;

    @Option(names = "--model-idle-watts", paramLabel = "W",
            description = "Model source: idle watts per logical CPU (default: from the CPU family table).")
    Double modelIdleWatts;

    @Option(names = "--model-max-watts", paramLabel = "W",
            description = "Model source: full-load watts per logical CPU (default: from the CPU family table).")
    Double modelMaxWatts;

    @Option(names = "--model-dram-watts-per-gib", paramLabel = "W",
            description = "Model source: DRAM watts per GiB of memory (default: 0.392, Cloud Carbon Footprint's).")
    Double modelDramWattsPerGib;

    /** The sources, best first; the model with the user's coefficients when any was given. */
    List<SourceFactory> factories() {
        if (modelIdleWatts == null && modelMaxWatts == null && modelDramWattsPerGib == null) {
            return EnergySources.all();
        }
        if (modelIdleWatts == null || modelMaxWatts == null) {
            throw new IllegalArgumentException("--model-idle-watts and --model-max-watts go together: give both"
                    + " (watts per logical CPU at 0% and 100% utilisation)");
        }
        ModelSource.Coefficients coefficients = new ModelSource.Coefficients(modelIdleWatts, modelMaxWatts,
                modelDramWattsPerGib == null ? ModelSource.Coefficients.CCF_DRAM_WATTS_PER_GIB : modelDramWattsPerGib,
                "user-supplied");
        SourceFactory model = ModelSource.factory(coefficients);
        return EnergySources.all().stream().map(f -> f.name().equals(model.name()) ? model : f).toList();
    }

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
        if (nvml != null) {
            paths = paths.withNvmlLibrary(nvml);
        }
        return paths;
    }

    /** Opens the sources named by --source, or the best machine source with every GPU source available. */
    EnergySources.Selection openSource() throws SourceUnavailableException {
        List<SourceFactory> factories = factories();
        return source == null
                ? EnergySources.openBest(factories, paths(), Ticker.system())
                : EnergySources.open(factories, source, paths(), Ticker.system());
    }
}
