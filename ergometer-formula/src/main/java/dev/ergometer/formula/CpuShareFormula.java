package dev.ergometer.formula;

import dev.ergometer.attribution.Attribution;
import dev.ergometer.attribution.DomainShare;
import dev.ergometer.fleet.HwpcEvents;
import dev.ergometer.fleet.HwpcReport;
import dev.ergometer.fleet.PowerReport;
import dev.ergometer.json.JsonReader;
import dev.ergometer.json.JsonWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The default formula: each tick's measured energy is split among the targets by their CPU time, with Ergometer's
 * attribution model ({@link Attribution#split}: idle energy to nobody, active energy in proportion to CPU time, exact
 * integer microjoules), the same split the agent makes on one machine.
 *
 * <p>What counts as CPU time, first that applies:
 * <ol>
 *   <li>{@code PERF_COUNT_SW_TASK_CLOCK} of the targets (Ergometer's sensor reports), with the node's busy and total
 *       CPU time from the machine report's {@code ergometer} group;</li>
 *   <li>{@code CPU_CLK_THREAD_UNHALTED:REF_P} (unhalted cycles at the TSC's rate, hwpc-sensor's reports), with the
 *       node's busy and total time as the sums of {@code MPERF} and {@code TSC} of the {@code msr} group, the same
 *       cycles;</li>
 *   <li>without the node's times, the targets' sum: all active energy goes to the targets and none is idle.</li>
 * </ol>
 * Every domain of the machine report is split (RAPL events, {@code ENERGY_UJ:*}), except GPUs, which CPU time says
 * nothing about. Power is energy over the interval ({@code time_enabled}, else the configured report interval).
 *
 * <p>Per tick it reports the machine's power per domain (target {@code rapl} for RAPL domains, {@code global} for the
 * others) and each target's power per domain, with {@code formula=cpu-share}, {@code ratio} (the target's part of the
 * domain's energy), and {@code socket} and {@code scope} as SmartWatts writes them. A tick is processed when a report
 * of a newer tick arrives.
 */
public final class CpuShareFormula implements Formula {

    /** The formula's name. */
    public static final String NAME = "cpu-share";

    private final long reportIntervalMillis;

    /**
     * @param reportIntervalMillis the interval assumed for reports that do not say theirs ({@code time_enabled})
     */
    public CpuShareFormula(long reportIntervalMillis) {
        if (reportIntervalMillis <= 0) {
            throw new IllegalArgumentException("report interval must be > 0 ms, got " + reportIntervalMillis);
        }
        this.reportIntervalMillis = reportIntervalMillis;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public SensorFormula start(String sensor) {
        return new Sensor(new TickBuffer(1));
    }

    @Override
    public SensorFormula restore(String sensor, String stateJson) {
        Map<String, Object> json = JsonReader.object(stateJson);
        if (!NAME.equals(json.get("formula"))) {
            throw new IllegalArgumentException("state of sensor " + sensor + " was written by formula "
                    + json.get("formula") + ", not " + NAME + "; a group's workers must all run the same formula");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> ticks = (Map<String, Object>) json.get("ticks");
        return new Sensor(TickBuffer.read(ticks, 1));
    }

    private final class Sensor implements SensorFormula {

        private final TickBuffer ticks;

        Sensor(TickBuffer ticks) {
            this.ticks = ticks;
        }

        @Override
        public List<PowerReport> accept(HwpcReport report) {
            List<PowerReport> out = new ArrayList<>();
            for (TickBuffer.Tick tick : ticks.add(report)) {
                process(tick, out);
            }
            return out;
        }

        @Override
        public String stateJson() {
            JsonWriter json = new JsonWriter(false).beginObject().name("formula").value(NAME).name("ticks");
            ticks.write(json);
            return json.endObject().toString();
        }
    }

    private void process(TickBuffer.Tick tick, List<PowerReport> out) {
        Map<String, HwpcReport> reports = new java.util.LinkedHashMap<>(tick.reports());
        HwpcReport machine = reports.remove(HwpcReport.MACHINE_TARGET);
        if (machine == null) {
            return;   // no reference measurement: nothing can be said about this tick
        }
        List<DomainEnergy> domains = domains(machine);
        List<HwpcReport> targets = new ArrayList<>(reports.values());
        Basis basis = basis(machine, targets);
        for (DomainEnergy domain : domains) {
            out.add(new PowerReport(tick.timestampMillis(), machine.sensor(),
                    domain.raplEvent != null ? PowerReport.RAPL_TARGET : PowerReport.GLOBAL_TARGET, domain.id,
                    watts(domain.microjoules, domain.durationNanos),
                    metadata(machine.metadata(), domain, domain.raplEvent != null ? domain.raplEvent : NAME, 1.0)));
        }
        if (basis == null || targets.isEmpty()) {
            return;
        }
        for (DomainEnergy domain : domains) {
            if (domain.id.contains("gpu")) {
                continue;
            }
            DomainShare share = Attribution.split(domain.microjoules, basis.busy, basis.total, basis.targets);
            for (int i = 0; i < targets.size(); i++) {
                long part = share.consumerMicrojoules(i);
                double ratio = domain.microjoules == 0 ? 0.0 : (double) part / domain.microjoules;
                HwpcReport target = targets.get(i);
                out.add(new PowerReport(tick.timestampMillis(), target.sensor(), target.target(), domain.id,
                        watts(part, domain.durationNanos), metadata(target.metadata(), domain, NAME, ratio)));
            }
        }
    }

    private static double watts(long microjoules, long durationNanos) {
        return durationNanos <= 0 ? 0.0 : microjoules * 1e3 / durationNanos;
    }

    private static SortedMap<String, Object> metadata(Map<String, Object> base, DomainEnergy domain, String formula,
            double ratio) {
        TreeMap<String, Object> metadata = new TreeMap<>(base);
        if (domain.socket >= 0) {
            metadata.put("socket", (long) domain.socket);
        }
        if (domain.id.startsWith("package_")) {
            metadata.put("scope", "cpu");
        } else if (domain.id.startsWith("dram_")) {
            metadata.put("scope", "dram");
        }
        metadata.put("formula", formula);
        metadata.put("ratio", ratio);
        return metadata;
    }

    /** The energy of every domain of the machine report, RAPL first (by socket, event), then Ergometer's. */
    private List<DomainEnergy> domains(HwpcReport machine) {
        List<DomainEnergy> domains = new ArrayList<>();
        var rapl = machine.groups().get(HwpcEvents.RAPL_GROUP);
        if (rapl != null) {
            for (var socket : rapl.entrySet()) {
                int socketNumber = socketNumber(socket.getKey());
                if (socketNumber < 0 || socket.getValue().isEmpty()) {
                    continue;
                }
                SortedMap<String, Double> events = socket.getValue().values().iterator().next();
                long duration = durationNanos(events);
                for (var event : events.entrySet()) {
                    HwpcEvents.domainId(event.getKey(), socketNumber).ifPresent(id -> domains.add(new DomainEnergy(id,
                            Math.round(HwpcEvents.joules(event.getValue()) * 1e6), duration, socketNumber,
                            event.getKey())));
                }
            }
        }
        SortedMap<String, Double> ergometer = machine.cpus(HwpcEvents.ERGOMETER_GROUP, HwpcEvents.ANY_SOCKET)
                .get(HwpcEvents.ANY_CPU);
        if (ergometer != null) {
            long duration = durationNanos(ergometer);
            for (var event : ergometer.entrySet()) {
                if (event.getKey().startsWith(HwpcEvents.ENERGY_UJ_PREFIX)) {
                    domains.add(new DomainEnergy(event.getKey().substring(HwpcEvents.ENERGY_UJ_PREFIX.length()),
                            Math.round(event.getValue()), duration, -1, null));
                }
            }
        }
        return domains;
    }

    private long durationNanos(Map<String, Double> events) {
        Double enabled = events.get(HwpcEvents.TIME_ENABLED);
        return enabled != null && enabled > 0 ? Math.round(enabled) : reportIntervalMillis * 1_000_000L;
    }

    private static int socketNumber(String key) {
        try {
            return Integer.parseInt(key);
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** The targets' CPU time and the node's busy and total time, in one unit; null when the reports have none. */
    private static Basis basis(HwpcReport machine, List<HwpcReport> targets) {
        String event = targets.stream().anyMatch(t -> has(t, HwpcEvents.TASK_CLOCK)) ? HwpcEvents.TASK_CLOCK
                : targets.stream().anyMatch(t -> has(t, HwpcEvents.REF_CYCLES)) ? HwpcEvents.REF_CYCLES : null;
        if (event == null) {
            return null;
        }
        long[] cpu = new long[targets.size()];
        long sum = 0;
        for (int i = 0; i < cpu.length; i++) {
            cpu[i] = Math.max(0, Math.round(sum(targets.get(i), HwpcEvents.CORE_GROUP, event)));
            sum = Math.addExact(sum, cpu[i]);
        }
        long busy = sum;
        long total = sum;
        if (event.equals(HwpcEvents.TASK_CLOCK)) {
            SortedMap<String, Double> node = machine.cpus(HwpcEvents.ERGOMETER_GROUP, HwpcEvents.ANY_SOCKET)
                    .get(HwpcEvents.ANY_CPU);
            if (node != null && node.containsKey(HwpcEvents.CPU_TOTAL_NS) && node.get(HwpcEvents.CPU_TOTAL_NS) > 0) {
                total = Math.round(node.get(HwpcEvents.CPU_TOTAL_NS));
                busy = Math.min(total, Math.max(0, Math.round(node.getOrDefault(HwpcEvents.CPU_BUSY_NS, 0.0))));
            }
        } else {
            double tsc = sum(machine, HwpcEvents.MSR_GROUP, HwpcEvents.TSC);
            if (tsc > 0) {
                total = Math.round(tsc);
                busy = Math.min(total, Math.round(sum(machine, HwpcEvents.MSR_GROUP, HwpcEvents.MPERF)));
            }
        }
        return new Basis(busy, total, cpu);
    }

    private static boolean has(HwpcReport report, String event) {
        var sockets = report.groups().get(HwpcEvents.CORE_GROUP);
        return sockets != null && sockets.values().stream()
                .anyMatch(cpus -> cpus.values().stream().anyMatch(events -> events.containsKey(event)));
    }

    /** An event summed over every socket and CPU of a group. */
    private static double sum(HwpcReport report, String group, String event) {
        var sockets = report.groups().get(group);
        double sum = 0;
        if (sockets != null) {
            for (var cpus : sockets.values()) {
                for (var events : cpus.values()) {
                    sum += events.getOrDefault(event, 0.0);
                }
            }
        }
        return sum;
    }

    private record DomainEnergy(String id, long microjoules, long durationNanos, int socket, String raplEvent) {
    }

    private record Basis(long busy, long total, long[] targets) {
    }
}
