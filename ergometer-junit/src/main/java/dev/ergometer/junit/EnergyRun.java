package dev.ergometer.junit;

import dev.ergometer.meter.DomainSelection;
import dev.ergometer.meter.EnergyMeter;
import dev.ergometer.model.Domain;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.EnergySources;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;

/**
 * One JUnit run's energy measurement: the source and the started sampler every measured test shares, and the tests
 * measured so far per report folder. Closing it (JUnit does, at the end of the run) writes each folder's summary,
 * prints the summary table, and closes the sampler and the source.
 */
final class EnergyRun implements AutoCloseable {

    static final String SOURCE_PARAMETER = "ergometer.source";
    static final String SYSFS_PARAMETER = "ergometer.sysfs";
    static final String PROCFS_PARAMETER = "ergometer.procfs";
    static final String DEV_PARAMETER = "ergometer.dev";
    static final String REPORT_PARAMETER = "ergometer.report";

    private final EnergySource source;
    private final Sampler sampler;
    private final Optional<Path> reportOverride;
    private final PrintStream out;
    private final Map<Path, List<TestEnergy>> testsByFolder = new LinkedHashMap<>();
    private final Set<Path> filesWritten = new HashSet<>();

    private EnergyRun(EnergySource source, Optional<Path> reportOverride, PrintStream out) {
        this.source = source;
        this.sampler = new Sampler(source, Ticker.system(), Sampler.DEFAULT_INTERVAL_NANOS).start();
        this.reportOverride = reportOverride;
        this.out = out;
    }

    /**
     * Opens the source the parameters name ({@code ergometer.source}), or the best one, under the kernel roots they
     * give ({@code ergometer.sysfs}, ...; else the environment's), and starts the sampler.
     *
     * @throws ExtensionConfigurationException when no source can be used, with every reason and fix
     */
    static EnergyRun open(Function<String, Optional<String>> parameters) {
        SystemPaths paths = SystemPaths.fromEnvironment();
        paths = paths.withSysfs(parameters.apply(SYSFS_PARAMETER).map(Path::of).orElse(paths.sysfs()))
                .withProcfs(parameters.apply(PROCFS_PARAMETER).map(Path::of).orElse(paths.procfs()))
                .withDev(parameters.apply(DEV_PARAMETER).map(Path::of).orElse(paths.dev()));
        Optional<String> named = parameters.apply(SOURCE_PARAMETER);
        EnergySource source;
        try {
            source = named.isPresent()
                    ? EnergySources.open(named.get(), paths, Ticker.system()).source()
                    : EnergySources.openBest(paths, Ticker.system()).source();
        } catch (SourceUnavailableException e) {
            throw new ExtensionConfigurationException("@MeasureEnergy cannot measure: " + e.getMessage()
                    + (named.isPresent() ? "; or leave " + SOURCE_PARAMETER + " unset to use the best source there is"
                            : ""), e);
        } catch (IllegalArgumentException e) {
            throw new ExtensionConfigurationException("@MeasureEnergy: " + SOURCE_PARAMETER + " is wrong: "
                    + e.getMessage(), e);
        }
        try {
            return new EnergyRun(source, parameters.apply(REPORT_PARAMETER).map(Path::of), System.out);
        } catch (RuntimeException e) {
            source.close();
            throw e;
        }
    }

    String sourceName() {
        return source.name();
    }

    List<String> domainIds() {
        return source.domains().stream().map(Domain::id).toList();
    }

    /** A meter of the selected domains over the run's sampler. */
    EnergyMeter meter(DomainSelection domains) {
        return EnergyMeter.over(sampler).domains(domains).build();
    }

    /** The folder a test's report goes to: the run's {@code ergometer.report} if set, else the annotation's. */
    Path reportFolder(String annotated) {
        return reportOverride.orElse(Path.of(annotated)).toAbsolutePath().normalize();
    }

    /** Writes the test's JSON report into {@code folder} and keeps it for the summary; returns the file written. */
    synchronized Path record(TestEnergy test, Path folder) {
        Path file = folder.resolve(test.fileStem() + ".json");
        for (int n = 2; filesWritten.contains(file); n++) {
            file = folder.resolve(test.fileStem() + "-" + n + ".json");
        }
        write(file, test.toJson());
        filesWritten.add(file);
        testsByFolder.computeIfAbsent(folder, f -> new ArrayList<>()).add(test);
        return file;
    }

    /** Writes each folder's {@code summary.txt} and {@code summary.json}, prints the table, closes the source. */
    @Override
    public synchronized void close() {
        try (source; sampler) {
            for (Map.Entry<Path, List<TestEnergy>> entry : testsByFolder.entrySet()) {
                RunSummary summary = RunSummary.of(entry.getValue());
                String table = summary.toText();
                write(entry.getKey().resolve("summary.txt"), table);
                write(entry.getKey().resolve("summary.json"), summary.toJson());
                out.println("Ergometer: energy of the measured tests (reports in " + entry.getKey() + ")");
                out.print(table);
            }
        }
    }

    private static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the energy report " + file + ": " + e.getMessage()
                    + "; check that the folder is writable or set another with @MeasureEnergy(report = ...)", e);
        }
    }
}
