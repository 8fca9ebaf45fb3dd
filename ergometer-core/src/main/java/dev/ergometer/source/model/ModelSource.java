package dev.ergometer.source.model;

import dev.ergometer.model.Domain;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.DomainCounter;
import dev.ergometer.source.EnergyReadException;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SourceFactory;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * An energy source for machines without energy counters (VMs, CI runners): package power estimated from CPU
 * utilisation and DRAM power from memory size, integrated over time. Its numbers are a model, and say so:
 * {@link #estimated()} is true and {@link #method()} names the coefficients used.
 *
 * <p>The model, after Cloud Carbon Footprint's: package power at utilisation {@code u} (the busy share of
 * {@code /proc/stat}'s aggregate {@code cpu} line over the interval, in [0, 1]) is
 * {@code cpus * (idle + (max - idle) * u)}, with {@code idle} and {@code max} watts per logical CPU from
 * {@code cpu-power.csv} (the row that matches the CPU's model name, else DEFAULT), and {@code cpus} the number of
 * {@code cpuN} lines of {@code /proc/stat}. DRAM power is constant: {@code MemTotal} (GiB) times
 * {@link Coefficients#CCF_DRAM_WATTS_PER_GIB}. The model does not know sockets: {@code package_0} stands for all
 * CPUs of the machine and {@code dram_0} for all its memory.
 *
 * <p>Each read integrates the power of the interval since the previous read, with the utilisation of that interval,
 * over the time the {@link Ticker} says passed. Reads must come at least every second
 * ({@link #maxReadIntervalNanos()}): a longer interval averages utilisation over it, which hides short bursts.
 *
 * <pre>{@code
 * try (EnergySource model = ModelSource.FACTORY.open(SystemPaths.real(), Ticker.system())) {
 *     long[] microjoules = new long[model.counters().size()];
 *     model.read(microjoules);
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one reader at a time.
 */
public final class ModelSource implements EnergySource {

    /** The source's name. */
    public static final String NAME = "model";

    /** Reads must come at least this often: utilisation is averaged over each interval. */
    public static final long MAX_READ_INTERVAL_NANOS = 1_000_000_000L;

    /** Opens the model with the coefficients of {@code cpu-power.csv} for this machine's CPU. */
    public static final SourceFactory FACTORY = new Factory(null);

    private static final double KIB_PER_GIB = 1024.0 * 1024.0;

    private final ProcStatCpuLine stat;
    private final Ticker ticker;
    private final int cpus;
    private final Coefficients coefficients;
    private final List<DomainCounter> counters;
    private final String method;
    private final double dramWatts;
    private long previousNanos;
    private long previousBusyTicks;
    private long previousTotalTicks;
    private double utilisation;
    private double packageMicrojoules;
    private double dramMicrojoules;

    private ModelSource(ProcStatCpuLine stat, Ticker ticker, int cpus, Coefficients coefficients, double memoryGib,
            String coefficientsOrigin) {
        this.stat = stat;
        this.ticker = ticker;
        this.cpus = cpus;
        this.coefficients = coefficients;
        this.dramWatts = Double.isNaN(memoryGib) ? Double.NaN : memoryGib * coefficients.dramWattsPerGib();
        List<DomainCounter> list = new ArrayList<>();
        list.add(new DomainCounter(Domain.packageOf(0), Long.MAX_VALUE,
                microwatts(cpus * coefficients.maxWattsPerCpu()), 1.0,
                "model: " + stat.path() + " utilisation x " + coefficientsOrigin));
        String dramMethod = "no DRAM estimate: MemTotal unknown";
        if (!Double.isNaN(memoryGib)) {
            list.add(new DomainCounter(Domain.dramOf(0), Long.MAX_VALUE, microwatts(dramWatts), 1.0,
                    String.format(Locale.ROOT, "model: MemTotal %.1f GiB x %s W/GiB", memoryGib,
                            decimal(coefficients.dramWattsPerGib()))));
            dramMethod = String.format(Locale.ROOT, "DRAM %s W/GiB x %.1f GiB",
                    decimal(coefficients.dramWattsPerGib()), memoryGib);
        }
        this.counters = List.copyOf(list);
        this.method = String.format(Locale.ROOT, "estimated: CPU-utilisation model, %s: %s-%s W per CPU x %d CPU%s; %s",
                coefficientsOrigin, decimal(coefficients.idleWattsPerCpu()), decimal(coefficients.maxWattsPerCpu()),
                cpus, cpus == 1 ? "" : "s", dramMethod);
        this.previousNanos = ticker.nanos();
        this.previousBusyTicks = stat.busyTicks();
        this.previousTotalTicks = stat.totalTicks();
    }

    /**
     * A factory for the model with the given coefficients instead of the table's (for {@code --model-idle-watts} and
     * the like).
     */
    public static SourceFactory factory(Coefficients coefficients) {
        return new Factory(Objects.requireNonNull(coefficients, "coefficients"));
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String method() {
        return method;
    }

    @Override
    public List<DomainCounter> counters() {
        return counters;
    }

    /** The coefficients this source uses. */
    public Coefficients coefficients() {
        return coefficients;
    }

    /** The number of logical CPUs the package power is scaled by. */
    public int cpus() {
        return cpus;
    }

    /**
     * Integrates the model's power since the previous read and writes the cumulative energy: package in slot 0,
     * DRAM in slot 1 (when offered). When no clock tick passed since the previous read, the last utilisation holds.
     */
    @Override
    public void read(long[] microjoules) {
        long now = ticker.nanos();
        stat.read();
        long busy = stat.busyTicks();
        long total = stat.totalTicks();
        long busyDelta = busy - previousBusyTicks;
        long totalDelta = total - previousTotalTicks;
        if (totalDelta > 0 && busyDelta >= 0) {
            utilisation = Math.min(1.0, (double) busyDelta / totalDelta);
        }
        // else: no tick passed, or a CPU went offline and took its times out of the sum; keep the last utilisation
        previousBusyTicks = busy;
        previousTotalTicks = total;
        long elapsedNanos = now - previousNanos;
        if (elapsedNanos > 0) {
            double packageWatts = cpus * (coefficients.idleWattsPerCpu()
                    + (coefficients.maxWattsPerCpu() - coefficients.idleWattsPerCpu()) * utilisation);
            packageMicrojoules += packageWatts * elapsedNanos / 1_000.0;
            if (counters.size() > 1) {
                dramMicrojoules += dramWatts * elapsedNanos / 1_000.0;
            }
            previousNanos = now;
        }
        microjoules[0] = (long) packageMicrojoules;
        if (counters.size() > 1) {
            microjoules[1] = (long) dramMicrojoules;
        }
    }

    @Override
    public boolean estimated() {
        return true;
    }

    /** One second: utilisation is averaged per interval, and reads every second keep that average honest. */
    @Override
    public long maxReadIntervalNanos() {
        return MAX_READ_INTERVAL_NANOS;
    }

    @Override
    public void close() {
        stat.close();
    }

    private static long microwatts(double watts) {
        return Math.max(1L, (long) Math.ceil(watts * 1e6));
    }

    private static String decimal(double value) {
        String text = String.format(Locale.ROOT, "%.3f", value);
        return text.replaceAll("0+$", "").replaceAll("\\.$", "");
    }

    /**
     * The watts a model uses: per logical CPU idle and at full load, per GiB of memory, and a name for
     * {@link #method()}.
     *
     * @param idleWattsPerCpu watts of one logical CPU at 0 % utilisation
     * @param maxWattsPerCpu watts of one logical CPU at 100 % utilisation
     * @param dramWattsPerGib watts of one GiB of memory (constant)
     * @param name what the coefficients are, for people ("custom", "Intel Xeon Cascade Lake (CCF)")
     */
    public record Coefficients(double idleWattsPerCpu, double maxWattsPerCpu, double dramWattsPerGib, String name) {

        /**
         * Cloud Carbon Footprint's memory coefficient: 0.392 W per GB (0.000392 kWh per GB-hour), which CCF applies
         * to the memory sizes cloud providers list (GiB); Ergometer applies it per GiB of {@code MemTotal}.
         */
        public static final double CCF_DRAM_WATTS_PER_GIB = 0.392;

        public Coefficients {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("model coefficients need a name, got '" + name + "'");
            }
            requireWatts(idleWattsPerCpu, "idle watts per CPU", name);
            requireWatts(maxWattsPerCpu, "max watts per CPU", name);
            requireWatts(dramWattsPerGib, "DRAM watts per GiB", name);
            if (maxWattsPerCpu < idleWattsPerCpu) {
                throw new IllegalArgumentException(name + ": max watts per CPU (" + maxWattsPerCpu
                        + ") must be >= idle watts per CPU (" + idleWattsPerCpu + ")");
            }
        }

        private static void requireWatts(double watts, String what, String name) {
            if (!(watts >= 0) || Double.isInfinite(watts)) {
                throw new IllegalArgumentException(name + ": " + what + " must be a finite number >= 0, got " + watts);
            }
        }
    }

    private record Factory(Coefficients override) implements SourceFactory {

        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String summary() {
            return "estimated package and DRAM energy from CPU utilisation (/proc/stat) and memory size, with "
                    + (override == null ? "per-CPU watts by CPU family (Cloud Carbon Footprint)"
                            : "coefficients '" + override.name() + "'");
        }

        @Override
        public EnergySource open(SystemPaths paths, Ticker ticker) throws SourceUnavailableException {
            Objects.requireNonNull(ticker, "ticker");
            Path statPath = paths.proc("stat");
            int cpus = countCpus(statPath);
            ProcStatCpuLine stat;
            try {
                stat = ProcStatCpuLine.open(statPath);
            } catch (IOException e) {
                throw statUnavailable(statPath, e);
            }
            try {
                stat.read();
                Coefficients coefficients;
                String origin;
                if (override != null) {
                    coefficients = override;
                    origin = "'" + override.name() + "' coefficients";
                } else {
                    CpuPowerTable.Row row = CpuPowerTable.builtIn().lookup(describe(paths.proc("cpuinfo")).text());
                    coefficients = new Coefficients(row.idleWattsPerCpu(), row.maxWattsPerCpu(),
                            Coefficients.CCF_DRAM_WATTS_PER_GIB, row.name());
                    origin = "'" + row.name() + "' row";
                }
                return new ModelSource(stat, ticker, cpus, coefficients, memoryGib(paths.proc("meminfo")), origin);
            } catch (EnergyReadException e) {
                stat.close();
                throw new SourceUnavailableException(NAME, e.getMessage(),
                        "point --procfs (or ERGOMETER_PROCFS) at a procfs mount", e);
            } catch (RuntimeException e) {
                stat.close();
                throw e;
            }
        }

        private static int countCpus(Path statPath) throws SourceUnavailableException {
            List<String> lines;
            try {
                lines = Files.readAllLines(statPath);
            } catch (IOException e) {
                throw statUnavailable(statPath, e);
            }
            int cpus = 0;
            for (String line : lines) {
                if (line.length() > 3 && line.startsWith("cpu") && Character.isDigit(line.charAt(3))) {
                    cpus++;
                }
            }
            if (cpus == 0) {
                throw new SourceUnavailableException(NAME, statPath + " has no cpuN lines, so the number of CPUs"
                        + " is unknown: it is not in the format of /proc/stat",
                        "point --procfs (or ERGOMETER_PROCFS) at a procfs mount");
            }
            return cpus;
        }

        private static SourceUnavailableException statUnavailable(Path statPath, IOException e) {
            String why = switch (e) {
                case NoSuchFileException n -> " does not exist: procfs is not mounted there";
                case AccessDeniedException a -> " is not readable by this user";
                default -> " cannot be read: " + e.getMessage();
            };
            String fix = e instanceof AccessDeniedException
                    ? "run with access to procfs (a container may hide /proc/stat: mount the host's /proc)"
                    : "mount procfs (mount -t proc proc /proc), or point --procfs (or ERGOMETER_PROCFS) at it";
            return new SourceUnavailableException(NAME, statPath + why + "; the model needs CPU utilisation from it",
                    fix, e);
        }

        private static CpuDescription describe(Path cpuinfo) {
            try {
                return CpuDescription.read(cpuinfo);
            } catch (IOException e) {
                return CpuDescription.UNKNOWN;
            }
        }

        /** MemTotal in GiB, or NaN when meminfo is missing or has no MemTotal line. */
        private static double memoryGib(Path meminfo) {
            try {
                for (String line : Files.readAllLines(meminfo)) {
                    if (line.startsWith("MemTotal:")) {
                        String[] parts = line.substring("MemTotal:".length()).strip().split("\\s+");
                        return Long.parseLong(parts[0]) / KIB_PER_GIB;
                    }
                }
            } catch (IOException | NumberFormatException e) {
                return Double.NaN;
            }
            return Double.NaN;
        }
    }
}
