package dev.ergometer.jmh;

import dev.ergometer.meter.DomainSelection;
import dev.ergometer.model.Domain;
import dev.ergometer.sampler.EnergyInterval;
import dev.ergometer.sampler.EnergySnapshot;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.EnergySources;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.profile.ProfilerException;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that adds, per iteration and per energy domain, the energy of one operation ({@code J/op}) and the
 * average power ({@code W}) measured with Ergometer.
 *
 * <pre>
 * java -jar benchmarks.jar -prof dev.ergometer.jmh.EnergyProfiler
 * java -jar benchmarks.jar -prof "dev.ergometer.jmh.EnergyProfiler:source=powercap;domains=package_0,dram_0"
 * </pre>
 *
 * <p>Results are named {@code ergometer.DOMAIN.energy} (unit {@code J/op}) and {@code ergometer.DOMAIN.power} (unit
 * {@code W}); when the source is a model the units say {@code (estimated)}. The energy of an iteration is divided by
 * all the operations it ran ({@code IterationResultMetaData.getAllOps()}), so it is the energy of the whole machine
 * domain per operation: other processes' energy is in it, and idle power too. Measure on a quiet machine.
 *
 * <p>Options, separated by {@code ;}: {@code source=NAME} (a source such as {@code powercap}, {@code perf},
 * {@code model}; the best one by default), {@code domains=ID,ID} (all of the source's by default), {@code sysfs=},
 * {@code procfs=}, {@code dev=} (kernel roots; else ERGOMETER_SYSFS, ERGOMETER_PROCFS, ERGOMETER_DEV, else the
 * real ones). The profiler runs in the benchmark's JVM (each fork, or JMH's own with {@code -f 0}); it opens the
 * source before each iteration and closes it after, so nothing is left open between benchmarks.
 */
public final class EnergyProfiler implements InternalProfiler {

    private final Optional<String> sourceName;
    private final SystemPaths paths;
    private final DomainSelection domains;
    private EnergySource source;
    private Sampler sampler;
    private int[] slots;
    private EnergySnapshot before;

    /** A profiler with the best source and every domain. */
    public EnergyProfiler() throws ProfilerException {
        this("");
    }

    /**
     * A profiler with the options of {@code -prof dev.ergometer.jmh.EnergyProfiler:OPTIONS}; checks at once that the
     * source opens and has the domains.
     *
     * @throws ProfilerException when an option is unknown or malformed, or the source cannot be used, with the fix
     */
    public EnergyProfiler(String initLine) throws ProfilerException {
        ProfilerOptions options = ProfilerOptions.parse(initLine);
        SystemPaths environment = SystemPaths.fromEnvironment();
        this.paths = environment
                .withSysfs(options.value("sysfs").map(Path::of).orElse(environment.sysfs()))
                .withProcfs(options.value("procfs").map(Path::of).orElse(environment.procfs()))
                .withDev(options.value("dev").map(Path::of).orElse(environment.dev()));
        this.sourceName = options.value("source");
        this.domains = DomainSelection.ids(options.value("domains").map(v -> v.split("[,+]")).orElse(new String[0]));
        try (EnergySource probe = open()) {
            domains.slotsIn(probe);
        } catch (RuntimeException e) {
            throw new ProfilerException("ergometer: " + e.getMessage(), e);
        }
    }

    @Override
    public String getDescription() {
        return "Energy per operation (J/op) and average power (W) per domain, measured with Ergometer";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
        closeSource();
        try {
            source = open();
        } catch (ProfilerException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
        slots = domains.slotsIn(source);
        sampler = new Sampler(source, Ticker.system(), Sampler.DEFAULT_INTERVAL_NANOS).start();
        before = sampler.sample();
    }

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams benchmarkParams,
            IterationParams iterationParams, IterationResult result) {
        if (sampler == null) {
            return List.of();
        }
        EnergyInterval interval;
        boolean estimated = source.estimated();
        try {
            interval = sampler.sample().minus(before);
        } finally {
            closeSource();
        }
        long ops = result.getMetadata().getAllOps();
        String suffix = estimated ? " (estimated)" : "";
        List<Result> results = new ArrayList<>();
        for (int slot : slots) {
            Domain domain = interval.domains().get(slot);
            String prefix = "ergometer." + domain.id();
            if (ops > 0) {
                results.add(new ScalarResult(prefix + ".energy", interval.joules(slot) / ops, "J/op" + suffix,
                        AggregationPolicy.AVG));
            }
            results.add(new ScalarResult(prefix + ".power", interval.powerWatts(slot), "W" + suffix,
                    AggregationPolicy.AVG));
        }
        return results;
    }

    private EnergySource open() throws ProfilerException {
        try {
            return sourceName.isPresent()
                    ? EnergySources.open(sourceName.get(), paths, Ticker.system()).source()
                    : EnergySources.openBest(paths, Ticker.system()).source();
        } catch (SourceUnavailableException e) {
            throw new ProfilerException("ergometer cannot measure energy: " + e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new ProfilerException("ergometer: option source is wrong: " + e.getMessage(), e);
        }
    }

    private void closeSource() {
        try (EnergySource s = source; Sampler t = sampler) {
            // closes the sampler, then the source
        } finally {
            source = null;
            sampler = null;
        }
    }

    /** The {@code key=value;key=value} options of the profiler's init line. */
    record ProfilerOptions(Map<String, String> values) {

        static final List<String> KEYS = List.of("source", "domains", "sysfs", "procfs", "dev");

        static ProfilerOptions parse(String initLine) throws ProfilerException {
            Map<String, String> values = new java.util.LinkedHashMap<>();
            for (String option : (initLine == null ? "" : initLine).split(";")) {
                if (option.isBlank()) {
                    continue;
                }
                int equals = option.indexOf('=');
                String key = equals < 0 ? option.strip() : option.substring(0, equals).strip();
                if (equals < 0 || !KEYS.contains(key)) {
                    throw new ProfilerException("ergometer: unknown or malformed option '" + option.strip()
                            + "'; the options are " + String.join(", ", KEYS.stream().map(k -> k + "=...").toList())
                            + ", separated by ';'");
                }
                values.put(key, option.substring(equals + 1).strip());
            }
            return new ProfilerOptions(Map.copyOf(values));
        }

        Optional<String> value(String key) {
            return Optional.ofNullable(values.get(key)).filter(v -> !v.isBlank());
        }
    }
}
