package dev.ergometer.source.perf;

import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.DomainCounter;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SourceFactory;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The RAPL energy counters of the perf {@code power} PMU, read through {@code perf_event_open}: one system-wide
 * event per RAPL domain and package, opened on the CPU that the PMU's {@code cpumask} names for that package.
 *
 * <p>Usage:
 * <pre>{@code
 * try (EnergySource perf = PerfPowerSource.FACTORY.open(SystemPaths.real(), Ticker.system())) {
 *     long[] microjoules = new long[perf.counters().size()];
 *     perf.read(microjoules);
 * }
 * }</pre>
 *
 * <p>Unlike powercap's {@code energy_uj} (root only since Linux 5.10) and the MSR device (root only), these events
 * open without root when {@code kernel.perf_event_paranoid <= 0} or the process has CAP_PERFMON; see
 * {@link #access(SystemPaths)}. The kernel accumulates RAPL's 32-bit hardware counter into a 64-bit count of
 * {@code .scale} joules, which this source turns into microjoules without allocating.
 */
public final class PerfPowerSource implements EnergySource {

    /** The source's name, as {@code --source} takes it. */
    public static final String NAME = "perf";

    /** Opens this source on a machine, or says why it cannot. */
    public static final SourceFactory FACTORY = new Factory();

    private final List<DomainCounter> counters;
    private final PerfEvent[] events;
    private final double[] microjoulesPerCount;

    private PerfPowerSource(List<DomainCounter> counters, PerfEvent[] events, double[] microjoulesPerCount) {
        this.counters = List.copyOf(counters);
        this.events = events;
        this.microjoulesPerCount = microjoulesPerCount;
    }

    /**
     * Opens every energy event of the power PMU under the given roots.
     *
     * @throws SourceUnavailableException when there is no power PMU (no RAPL, a VM), its description is unreadable,
     *     or the kernel refuses an event (perf_event_paranoid, capabilities, unsupported event)
     */
    public static PerfPowerSource open(SystemPaths paths) throws SourceUnavailableException {
        PowerPmu pmu = PowerPmu.read(paths);
        PerfEventOpen perf = PerfEventOpen.on(paths);
        List<Opened> opened = new ArrayList<>();
        try {
            for (int socket = 0; socket < pmu.cpus().size(); socket++) {
                int cpu = pmu.cpus().get(socket);
                for (PowerPmu.EnergyEvent event : pmu.events()) {
                    if (event.platformWide() && socket > 0) {
                        continue;
                    }
                    opened.add(openEvent(perf, pmu, event, socket, cpu));
                }
            }
        } catch (SourceUnavailableException | RuntimeException | Error e) {
            closeAll(opened, e);
            throw e;
        }
        opened.sort(Comparator.comparing(o -> o.counter().domain()));
        return new PerfPowerSource(
                opened.stream().map(Opened::counter).toList(),
                opened.stream().map(Opened::event).toArray(PerfEvent[]::new),
                opened.stream().mapToDouble(Opened::microjoulesPerCount).toArray());
    }

    /** What this process may open with perf_event_open here, for {@code erg domains}. */
    public static PerfAccess access(SystemPaths paths) {
        return PerfAccess.read(paths);
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String method() {
        return "RAPL energy counters through the perf power PMU (perf_event_open)";
    }

    @Override
    public List<DomainCounter> counters() {
        return counters;
    }

    @Override
    public void read(long[] microjoules) {
        for (int i = 0; i < events.length; i++) {
            microjoules[i] = microjoules(events[i].readCount(), microjoulesPerCount[i]);
        }
    }

    @Override
    public boolean estimated() {
        return false;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (PerfEvent event : events) {
            try {
                event.close();
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * Converts a perf count (unsigned 64 bits) into cumulative microjoules: {@code (long) (count * µJ per count)},
     * non-decreasing in the count, saturating at {@link Long#MAX_VALUE}.
     */
    static long microjoules(long count, double microjoulesPerCount) {
        // counts of 2^63 and above lose their lowest bit, which keeps the conversion monotonic
        double unsignedCount = count >= 0 ? count : (count >>> 1) * 2.0;
        return (long) (unsignedCount * microjoulesPerCount);
    }

    /** The microjoules at which the 64-bit count wraps: floor(2^64 µJ per count), at most {@link Long#MAX_VALUE}. */
    static long wrapMicrojoules(double microjoulesPerCount) {
        double wrap = Math.floor(0x1p64 * microjoulesPerCount);
        return wrap >= 0x1p63 ? Long.MAX_VALUE : (long) wrap;
    }

    private static Opened openEvent(PerfEventOpen perf, PowerPmu pmu, PowerPmu.EnergyEvent event, int socket,
            int cpu) throws SourceUnavailableException {
        String origin = "perf power/" + event.name() + "/ on cpu " + cpu;
        double microjoulesPerCount = event.joulesPerCount() * 1e6;
        DomainCounter counter = new DomainCounter(event.domain(socket), wrapMicrojoules(microjoulesPerCount),
                DomainCounter.DEFAULT_MAX_POWER_MICROWATTS, microjoulesPerCount, origin);
        try {
            return new Opened(counter, perf.open(pmu.type(), event.config(), -1, cpu), microjoulesPerCount);
        } catch (PerfEventOpenException e) {
            String reason = "cannot open " + origin + " (" + pmu.directory().resolve("events").resolve(event.name())
                    + "): " + e.reason();
            boolean hardwareLacksIt =
                    e.eventNotSupported() || e.noSuchPmu() || e.errno() == PerfEventOpenException.ENOSYS;
            String fix = e.permissionDenied() || (!hardwareLacksIt && !e.fix().isEmpty())
                    ? e.fix()
                    : "use another source (erg domains lists them)";
            throw new SourceUnavailableException(NAME, reason, fix, e);
        }
    }

    private static void closeAll(List<Opened> opened, Throwable failure) {
        for (Opened o : opened) {
            try {
                o.event().close();
            } catch (RuntimeException e) {
                failure.addSuppressed(e);
            }
        }
    }

    /** One event opened for one domain, before the domains are put in reading order. */
    private record Opened(DomainCounter counter, PerfEvent event, double microjoulesPerCount) {}

    /** The factory of this source. */
    private static final class Factory implements SourceFactory {
        @Override
        public String name() {
            return NAME;
        }

        @Override
        public String summary() {
            return "RAPL energy of the perf power PMU through perf_event_open; works without root when"
                    + " kernel.perf_event_paranoid <= 0 or with CAP_PERFMON";
        }

        @Override
        public java.util.Optional<String> access(SystemPaths paths) {
            return java.util.Optional.of(PerfAccess.read(paths).description());
        }

        @Override
        public EnergySource open(SystemPaths paths, Ticker ticker) throws SourceUnavailableException {
            return PerfPowerSource.open(paths);
        }
    }
}
