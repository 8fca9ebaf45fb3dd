package dev.ergometer.source;

import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.hwmon.HwmonGpuSource;
import dev.ergometer.source.hwmon.HwmonSource;
import dev.ergometer.source.model.ModelSource;
import dev.ergometer.source.msr.MsrSource;
import dev.ergometer.source.nvml.NvmlSource;
import dev.ergometer.source.perf.PerfPowerSource;
import dev.ergometer.source.powercap.PowercapSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * The energy sources Ergometer knows, in order of preference, and the choice of one for this machine.
 *
 * <p>The machine sources, best first: perf (the kernel's own RAPL accounting, usable without root), powercap, MSR,
 * hwmon, and last the model, which every Linux machine can use and whose numbers are estimated. Then the GPU
 * sources ({@link SourceFactory#accelerator()}), every available one read next to the machine source.
 */
public final class EnergySources {

    private EnergySources() {
    }

    /** Every source, best first. */
    public static List<SourceFactory> all() {
        return List.of(PerfPowerSource.FACTORY, PowercapSource.FACTORY, MsrSource.FACTORY, HwmonSource.FACTORY,
                ModelSource.FACTORY, NvmlSource.FACTORY, HwmonGpuSource.FACTORY);
    }

    /** The names {@code --source} accepts. */
    public static List<String> names() {
        return all().stream().map(SourceFactory::name).toList();
    }

    /** The factory of the source called {@code name}, or an error that lists the names there are. */
    public static SourceFactory named(String name) {
        return all().stream()
                .filter(f -> f.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no energy source called '" + name
                        + "'; the sources are " + String.join(", ", names())));
    }

    /**
     * Opens the best source this machine offers: the first machine source of {@link #all()} that opens, read together
     * with every accelerator (GPU) source that opens. The machine sources passed over come back with their reasons,
     * so that users see why a better one was not used.
     *
     * @throws SourceUnavailableException when no machine source at all can be used, listing every reason
     */
    public static Selection openBest(SystemPaths paths, Ticker ticker) throws SourceUnavailableException {
        return openBest(all(), paths, ticker);
    }

    /** Like {@link #openBest(SystemPaths, Ticker)}, choosing among the given factories in their order. */
    public static Selection openBest(List<SourceFactory> factories, SystemPaths paths, Ticker ticker)
            throws SourceUnavailableException {
        Objects.requireNonNull(paths, "paths");
        List<SourceUnavailableException> passedOver = new ArrayList<>();
        EnergySource machine = null;
        for (SourceFactory factory : factories) {
            if (factory.accelerator()) {
                continue;
            }
            try {
                machine = factory.open(paths, ticker);
                break;
            } catch (SourceUnavailableException e) {
                passedOver.add(e);
            }
        }
        if (machine == null) {
            throw new SourceUnavailableException("energy sources",
                    "no energy source can be used here:\n" + passedOver.stream()
                            .map(e -> "  - " + e.source() + ": " + e.reason()
                                    + (e.fix().isEmpty() ? "" : "\n    fix: " + e.fix()))
                            .collect(Collectors.joining("\n")) + "\n",
                    "`erg domains` shows each source and its fix");
        }
        List<EnergySource> parts = new ArrayList<>(List.of(machine));
        for (SourceFactory factory : factories) {
            if (factory.accelerator()) {
                try {
                    parts.add(factory.open(paths, ticker));
                } catch (SourceUnavailableException e) {
                    passedOver.add(e);
                }
            }
        }
        return new Selection(CompositeSource.of(parts), passedOver);
    }

    /**
     * Opens the sources named, comma-separated ({@code powercap} or {@code powercap,nvml}), read together; or says
     * why one cannot be used.
     */
    public static Selection open(String names, SystemPaths paths, Ticker ticker) throws SourceUnavailableException {
        return open(all(), names, paths, ticker);
    }

    /** Like {@link #open(String, SystemPaths, Ticker)}, the names looked up among the given factories. */
    public static Selection open(List<SourceFactory> factories, String names, SystemPaths paths, Ticker ticker)
            throws SourceUnavailableException {
        List<EnergySource> parts = new ArrayList<>();
        try {
            for (String name : names.split(",")) {
                SourceFactory factory = factories.stream().filter(f -> f.name().equals(name.strip())).findFirst()
                        .orElseThrow(() -> new IllegalArgumentException("no energy source called '" + name.strip()
                                + "'; the sources are " + String.join(", ", names())));
                parts.add(factory.open(paths, ticker));
            }
        } catch (SourceUnavailableException | RuntimeException e) {
            parts.forEach(EnergySource::close);
            throw e;
        }
        return new Selection(CompositeSource.of(parts), List.of());
    }

    /**
     * An opened source and the better sources that could not be used, each with its reason.
     *
     * @param source the source to read (its owner closes it)
     * @param passedOver the sources tried before it, best first
     */
    public record Selection(EnergySource source, List<SourceUnavailableException> passedOver) {
        public Selection {
            Objects.requireNonNull(source, "source");
            passedOver = List.copyOf(passedOver);
        }
    }
}
