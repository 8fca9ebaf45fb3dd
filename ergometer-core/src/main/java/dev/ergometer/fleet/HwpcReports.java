package dev.ergometer.fleet;

import dev.ergometer.attribution.AttributedInterval;
import dev.ergometer.attribution.Consumer;
import dev.ergometer.model.Domain;
import dev.ergometer.sampler.EnergyInterval;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Turns what the agent measured over one interval into HWPC reports, the sensor side of a fleet: one machine report
 * (target {@value HwpcReport#MACHINE_TARGET}) with the energy of every domain and the node's CPU time, and one report
 * per consumer with its CPU time. Names and units: {@link HwpcEvents}.
 *
 * <pre>{@code
 * AttributedInterval interval = attribution.tick();
 * List<HwpcReport> reports = HwpcReports.fromInterval("node-1", System.currentTimeMillis(), interval);
 * publisher.publish(reports);   // dev.ergometer.kafka.HwpcReportPublisher
 * }</pre>
 *
 * <p>All reports of one interval carry the same timestamp, which makes them one tick for the formulas. Consumers that
 * used no CPU time in the interval get no report (a process that slept); the machine report always comes first.
 */
public final class HwpcReports {

    private HwpcReports() {
    }

    /**
     * The reports of one attributed interval: the machine report, then one report per consumer that used CPU time,
     * in the interval's order of consumers.
     *
     * @param sensor the machine's name (the Kafka record key, PowerAPI's {@code sensor})
     * @param timestampMillis when the interval ended, in milliseconds since the epoch (wall clock)
     */
    public static List<HwpcReport> fromInterval(String sensor, long timestampMillis, AttributedInterval interval) {
        List<HwpcReport> reports = new ArrayList<>(interval.consumers().size() + 1);
        reports.add(machine(sensor, timestampMillis, interval.energy(), interval.nodeBusyNanos(),
                interval.nodeTotalNanos()));
        long durationNanos = interval.durationNanos();
        for (Consumer consumer : interval.consumers()) {
            long cpuNanos = interval.cpuNanos(consumer);
            if (cpuNanos <= 0) {
                continue;
            }
            HwpcReport.Builder report = HwpcReport.builder(timestampMillis, sensor, consumer.id())
                    .event(HwpcEvents.CORE_GROUP, HwpcEvents.ANY_SOCKET, HwpcEvents.ANY_CPU, HwpcEvents.TASK_CLOCK,
                            cpuNanos)
                    .event(HwpcEvents.CORE_GROUP, HwpcEvents.ANY_SOCKET, HwpcEvents.ANY_CPU, HwpcEvents.TIME_ENABLED,
                            durationNanos)
                    .event(HwpcEvents.CORE_GROUP, HwpcEvents.ANY_SOCKET, HwpcEvents.ANY_CPU, HwpcEvents.TIME_RUNNING,
                            durationNanos)
                    .metadata("kind", consumer.kind().name().toLowerCase(java.util.Locale.ROOT))
                    .metadata("label", consumer.label());
            if (consumer instanceof Consumer.Container container) {
                container.knownName().ifPresent(name -> report.metadata("name", name));
            }
            // So that a formula's power reports per process can be totalled per container or pod downstream.
            report.metadata("cgroup", interval.cgroupPath(consumer));
            interval.containerOf(consumer).ifPresent(container -> {
                report.metadata("container", container.id());
                container.knownName().ifPresent(name -> report.metadata("container_name", name));
            });
            interval.podOf(consumer).ifPresent(pod -> report.metadata("pod", pod.id()));
            reports.add(report.build());
        }
        return List.copyOf(reports);
    }

    /**
     * The machine report of an interval without CPU times (attribution off): the energy of every domain only.
     */
    public static HwpcReport machine(String sensor, long timestampMillis, EnergyInterval energy) {
        return machine(sensor, timestampMillis, energy, -1, -1);
    }

    /**
     * The machine report of an interval: RAPL domains in group {@code rapl} (2<sup>-32</sup> J, with the interval as
     * {@code time_enabled}/{@code time_running}), other domains as {@code ENERGY_UJ:<domain>} and, when known
     * ({@code nodeTotalNanos >= 0}), the node's busy and total CPU time in group {@code ergometer}.
     */
    public static HwpcReport machine(String sensor, long timestampMillis, EnergyInterval energy, long nodeBusyNanos,
            long nodeTotalNanos) {
        HwpcReport.Builder report = HwpcReport.builder(timestampMillis, sensor, HwpcReport.MACHINE_TARGET);
        long durationNanos = energy.durationNanos();
        List<Domain> domains = energy.domains();
        boolean ergometerGroup = nodeTotalNanos >= 0;
        for (int d = 0; d < domains.size(); d++) {
            Domain domain = domains.get(d);
            long microjoules = energy.microjoules(d);
            Optional<HwpcEvents.RaplEvent> rapl = HwpcEvents.raplEvent(domain);
            if (rapl.isPresent()) {
                String socket = Integer.toString(rapl.get().socket());
                report.event(HwpcEvents.RAPL_GROUP, socket, socket, rapl.get().event(),
                                HwpcEvents.raplUnits(microjoules))
                        .event(HwpcEvents.RAPL_GROUP, socket, socket, HwpcEvents.TIME_ENABLED, durationNanos)
                        .event(HwpcEvents.RAPL_GROUP, socket, socket, HwpcEvents.TIME_RUNNING, durationNanos);
            } else {
                ergometerGroup = true;
                report.event(HwpcEvents.ERGOMETER_GROUP, HwpcEvents.ANY_SOCKET, HwpcEvents.ANY_CPU,
                        HwpcEvents.ENERGY_UJ_PREFIX + domain.id(), microjoules);
            }
        }
        if (nodeTotalNanos >= 0) {
            report.event(HwpcEvents.ERGOMETER_GROUP, HwpcEvents.ANY_SOCKET, HwpcEvents.ANY_CPU,
                            HwpcEvents.CPU_BUSY_NS, nodeBusyNanos)
                    .event(HwpcEvents.ERGOMETER_GROUP, HwpcEvents.ANY_SOCKET, HwpcEvents.ANY_CPU,
                            HwpcEvents.CPU_TOTAL_NS, nodeTotalNanos);
        }
        if (ergometerGroup) {
            report.event(HwpcEvents.ERGOMETER_GROUP, HwpcEvents.ANY_SOCKET, HwpcEvents.ANY_CPU,
                    HwpcEvents.TIME_ENABLED, durationNanos);
        }
        return report.build();
    }
}
