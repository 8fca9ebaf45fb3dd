package dev.ergometer.fleet;

import dev.ergometer.model.Domain;
import dev.ergometer.model.Resource;
import java.util.Optional;

/**
 * The group and event names of HWPC reports that Ergometer writes and reads, and how they map to Ergometer's domains.
 *
 * <p>Where hwpc-sensor has a name for a quantity, Ergometer uses it with hwpc-sensor's unit, so a formula cannot tell
 * whose report it reads:
 * <table>
 *   <caption>Events of Ergometer's reports</caption>
 *   <tr><th>group / socket / CPU</th><th>event</th><th>unit</th><th>hwpc-sensor</th></tr>
 *   <tr><td>{@code rapl} / s / s</td><td>{@code RAPL_ENERGY_PKG}, {@code RAPL_ENERGY_CORES},
 *       {@code RAPL_ENERGY_GPU}, {@code RAPL_ENERGY_DRAM}, {@code RAPL_ENERGY_PSYS}: domains {@code package_s},
 *       {@code core_s}, {@code uncore_s}, {@code dram_s}, {@code psys}</td><td>2<sup>-32</sup> J</td>
 *       <td>the same (the perf {@code power} PMU's unit); its CPU key is the socket's first CPU</td></tr>
 *   <tr><td>{@code rapl} / s / s</td><td>{@code time_enabled}, {@code time_running}</td><td>ns: the interval</td>
 *       <td>the same (perf's times)</td></tr>
 *   <tr><td>{@code core} / 0 / -1 (consumer reports)</td><td>{@code PERF_COUNT_SW_TASK_CLOCK}: the consumer's CPU
 *       time, all CPUs together</td><td>ns</td><td>perf's software event of that name (libpfm4), per CPU; its
 *       {@code core} group usually holds hardware events instead ({@code CPU_CLK_THREAD_UNHALTED:REF_P}, ...)</td></tr>
 *   <tr><td>{@code ergometer} / 0 / -1</td><td>{@code CPU_BUSY_NS}, {@code CPU_TOTAL_NS}: the node's busy and total
 *       CPU time, all CPUs ({@code /proc/stat})</td><td>ns</td><td>none; the {@code msr} group's {@code MPERF} and
 *       {@code TSC} say the same in cycles</td></tr>
 *   <tr><td>{@code ergometer} / 0 / -1</td><td>{@code ENERGY_UJ:<domain>}: energy of a domain RAPL has no event for
 *       ({@code machine}, {@code nvidia_gpu_0}, {@code psys_1}, ...)</td><td>µJ</td><td>none</td></tr>
 * </table>
 * CPU key {@code -1} is perf's "any CPU": Ergometer reads CPU time per consumer and per node, not per CPU.
 */
public final class HwpcEvents {

    /** hwpc-sensor's group of RAPL energy counters. */
    public static final String RAPL_GROUP = "rapl";
    /** hwpc-sensor's group of per-CPU model-specific registers ({@code APERF}, {@code MPERF}, {@code TSC}). */
    public static final String MSR_GROUP = "msr";
    /** hwpc-sensor's group of per-target core performance counters. */
    public static final String CORE_GROUP = "core";
    /** Ergometer's group of what hwpc-sensor has no event for. */
    public static final String ERGOMETER_GROUP = "ergometer";

    public static final String RAPL_ENERGY_PKG = "RAPL_ENERGY_PKG";
    public static final String RAPL_ENERGY_CORES = "RAPL_ENERGY_CORES";
    public static final String RAPL_ENERGY_GPU = "RAPL_ENERGY_GPU";
    public static final String RAPL_ENERGY_DRAM = "RAPL_ENERGY_DRAM";
    public static final String RAPL_ENERGY_PSYS = "RAPL_ENERGY_PSYS";

    /** perf's time the event was enabled, in ns; for Ergometer's reports, the interval. */
    public static final String TIME_ENABLED = "time_enabled";
    /** perf's time the event was counting, in ns; for Ergometer's reports, the interval. */
    public static final String TIME_RUNNING = "time_running";

    /** perf's software event counting CPU time of the monitored tasks, in ns. */
    public static final String TASK_CLOCK = "PERF_COUNT_SW_TASK_CLOCK";
    /** Unhalted reference cycles (at the TSC's rate), hwpc-sensor's usual core event. */
    public static final String REF_CYCLES = "CPU_CLK_THREAD_UNHALTED:REF_P";
    /** Cycles counted at the TSC's rate while the CPU is not halted. */
    public static final String MPERF = "MPERF";
    /** Cycles counted at the CPU's actual frequency while it is not halted. */
    public static final String APERF = "APERF";
    /** Time-stamp counter cycles, counted always. */
    public static final String TSC = "TSC";

    /** The node's busy CPU time over the interval, all CPUs, ns. */
    public static final String CPU_BUSY_NS = "CPU_BUSY_NS";
    /** The node's total (busy and idle) CPU time over the interval, all CPUs, ns. */
    public static final String CPU_TOTAL_NS = "CPU_TOTAL_NS";
    /** Prefix of the energy, in µJ, of a domain that has no RAPL event: {@code ENERGY_UJ:machine}. */
    public static final String ENERGY_UJ_PREFIX = "ENERGY_UJ:";

    /** The socket key of values that are not per socket. */
    public static final String ANY_SOCKET = "0";
    /** The CPU key of values summed over all CPUs (perf's "any CPU"). */
    public static final String ANY_CPU = "-1";

    /** Joules per unit of the RAPL events: 2<sup>-32</sup> J, the unit of the perf {@code power} PMU. */
    public static final double RAPL_UNIT_JOULES = Math.scalb(1.0, -32);

    private HwpcEvents() {
    }

    /** The RAPL event of a domain and its socket, or empty when RAPL has no event for it. */
    public static Optional<RaplEvent> raplEvent(Domain domain) {
        return Optional.ofNullable(switch (domain.resource()) {
            case Resource.Package p -> new RaplEvent(RAPL_ENERGY_PKG, p.socket());
            case Resource.Cores c -> new RaplEvent(RAPL_ENERGY_CORES, c.socket());
            case Resource.Uncore u -> new RaplEvent(RAPL_ENERGY_GPU, u.socket());
            case Resource.Dram d -> new RaplEvent(RAPL_ENERGY_DRAM, d.socket());
            case Resource.Psys p when p.index() == 0 -> new RaplEvent(RAPL_ENERGY_PSYS, 0);
            default -> null;
        });
    }

    /** The domain id ({@code package_0}) a RAPL event of a socket measures, or empty for an unknown event. */
    public static Optional<String> domainId(String raplEvent, int socket) {
        return Optional.ofNullable(switch (raplEvent) {
            case RAPL_ENERGY_PKG -> "package_" + socket;
            case RAPL_ENERGY_CORES -> "core_" + socket;
            case RAPL_ENERGY_GPU -> "uncore_" + socket;
            case RAPL_ENERGY_DRAM -> "dram_" + socket;
            case RAPL_ENERGY_PSYS -> socket == 0 ? "psys" : "psys_" + socket;
            default -> null;
        });
    }

    /** Microjoules as RAPL units (2<sup>-32</sup> J), rounded to the nearest unit. */
    public static long raplUnits(long microjoules) {
        return Math.round(microjoules * 1e-6 / RAPL_UNIT_JOULES);
    }

    /** RAPL units (2<sup>-32</sup> J) as joules: {@code Math.scalb(units, -32)}, exact. */
    public static double joules(double raplUnits) {
        return Math.scalb(raplUnits, -32);
    }

    /**
     * A RAPL event of one socket.
     *
     * @param event the event name, e.g. {@code RAPL_ENERGY_PKG}
     * @param socket the socket, {@code >= 0}
     */
    public record RaplEvent(String event, int socket) {
    }
}
