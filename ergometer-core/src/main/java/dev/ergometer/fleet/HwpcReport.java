package dev.ergometer.fleet;

import dev.ergometer.json.JsonReader;
import dev.ergometer.json.JsonWriter;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a sensor measured on one machine over one interval, for one target, in the layout of PowerAPI's
 * {@code HWPCReport} (hardware performance counters report): a timestamp in milliseconds, the sensor (the machine),
 * the target ({@code all} for the whole machine, otherwise a cgroup, container or process) and event groups, each
 * group holding per socket, per CPU, the value of each event over the interval.
 *
 * <pre>{@code
 * {"timestamp": 1700000000000, "sensor": "node-1", "target": "all",
 *  "groups": {"rapl": {"0": {"0": {"RAPL_ENERGY_PKG": 5709496320, "time_enabled": 1000000000, "time_running": 1000000000}}},
 *             "msr":  {"0": {"0": {"APERF": 12319312, "MPERF": 29646849, "TSC": 2122153094}}}},
 *  "metadata": {}}
 * }</pre>
 *
 * <p>This is the JSON PowerAPI's socket input decodes and the newest hwpc-sensor writes (powerapi-ng/powerapi
 * {@code database/socket/codecs.py}, powerapi-ng/hwpc-sensor {@code storage_socket.c}). Event values are numbers
 * (hwpc-sensor's are integers; its older BSON output wrote doubles), held here as doubles, exact up to 2^53. Groups,
 * sockets, CPUs, events and metadata are kept sorted by name, so that one report always has one JSON form. Immutable.
 * Event names Ergometer writes and their meaning: {@link HwpcEvents}.
 */
public final class HwpcReport {

    /** The target of the machine-wide report of a tick, as hwpc-sensor names it. */
    public static final String MACHINE_TARGET = "all";

    private final long timestampMillis;
    private final String sensor;
    private final String target;
    private final SortedMap<String, SortedMap<String, SortedMap<String, SortedMap<String, Double>>>> groups;
    private final SortedMap<String, Object> metadata;

    private HwpcReport(long timestampMillis, String sensor, String target,
            SortedMap<String, SortedMap<String, SortedMap<String, SortedMap<String, Double>>>> groups,
            SortedMap<String, Object> metadata) {
        this.timestampMillis = timestampMillis;
        this.sensor = sensor;
        this.target = target;
        this.groups = groups;
        this.metadata = metadata;
    }

    /** A builder of the report of {@code target} measured by {@code sensor} at {@code timestampMillis}. */
    public static Builder builder(long timestampMillis, String sensor, String target) {
        return new Builder(timestampMillis, sensor, target);
    }

    /** When the interval ended, in milliseconds since the Unix epoch; the tick the report belongs to. */
    public long timestampMillis() {
        return timestampMillis;
    }

    /** The sensor's name: the machine the report comes from. */
    public String sensor() {
        return sensor;
    }

    /** What was measured: {@value #MACHINE_TARGET} for the machine, otherwise a consumer (cgroup, container, ...). */
    public String target() {
        return target;
    }

    /** Whether this is the machine-wide report of its tick (target {@value #MACHINE_TARGET}). */
    public boolean isMachine() {
        return MACHINE_TARGET.equals(target);
    }

    /** Group name to socket to CPU to event to value; unmodifiable and sorted. */
    public SortedMap<String, SortedMap<String, SortedMap<String, SortedMap<String, Double>>>> groups() {
        return groups;
    }

    /** The CPUs of one socket in one group, each with its events; empty when absent. */
    public SortedMap<String, SortedMap<String, Double>> cpus(String group, String socket) {
        SortedMap<String, SortedMap<String, SortedMap<String, Double>>> sockets = groups.get(group);
        if (sockets == null) {
            return Collections.emptySortedMap();
        }
        SortedMap<String, SortedMap<String, Double>> cpus = sockets.get(socket);
        return cpus == null ? Collections.emptySortedMap() : cpus;
    }

    /** Free-form facts about the report (names, sources); values are strings, numbers or booleans. */
    public SortedMap<String, Object> metadata() {
        return metadata;
    }

    /** The report as one line of JSON (no line break), in the layout above. */
    public String toJson() {
        JsonWriter json = new JsonWriter(false).beginObject()
                .name("timestamp").value(timestampMillis)
                .name("sensor").value(sensor)
                .name("target").value(target)
                .name("groups").beginObject();
        for (var group : groups.entrySet()) {
            json.name(group.getKey()).beginObject();
            for (var socket : group.getValue().entrySet()) {
                json.name(socket.getKey()).beginObject();
                for (var cpu : socket.getValue().entrySet()) {
                    json.name(cpu.getKey()).beginObject();
                    for (var event : cpu.getValue().entrySet()) {
                        json.name(event.getKey()).value(event.getValue());
                    }
                    json.endObject();
                }
                json.endObject();
            }
            json.endObject();
        }
        json.endObject().name("metadata");
        Metadata.write(json, metadata);
        return json.endObject().toString();
    }

    /**
     * Reads a report from its JSON form: the layout above, with the timestamp in milliseconds or as an ISO-8601 text
     * (hwpc-sensor's older output), and metadata optional.
     *
     * @throws IllegalArgumentException when the text is not JSON or a field is missing or of the wrong kind; the
     *     message names the field
     */
    public static HwpcReport fromJson(String text) {
        Map<String, Object> json = JsonReader.object(text);
        String what = "HWPC report";
        long timestamp = FleetJson.timestampMillis(json, what);
        Builder builder = builder(timestamp, FleetJson.text(json, "sensor", what), FleetJson.text(json, "target", what));
        for (var group : FleetJson.object(json, "groups", false, what).entrySet()) {
            Map<String, Object> sockets = nested(group.getValue(), "group " + group.getKey());
            for (var socket : sockets.entrySet()) {
                String socketWhere = "group " + group.getKey() + ", socket " + socket.getKey();
                for (var cpu : nested(socket.getValue(), socketWhere).entrySet()) {
                    String cpuWhere = socketWhere + ", CPU " + cpu.getKey();
                    for (var event : nested(cpu.getValue(), cpuWhere).entrySet()) {
                        if (!(event.getValue() instanceof Number number)) {
                            throw new IllegalArgumentException(what + ": event " + event.getKey() + " of " + cpuWhere
                                    + " must be a number, got " + FleetJson.describe(event.getValue()));
                        }
                        builder.event(group.getKey(), socket.getKey(), cpu.getKey(), event.getKey(),
                                number.doubleValue());
                    }
                }
                builder.touch(group.getKey(), socket.getKey());
            }
            builder.touch(group.getKey());
        }
        for (var entry : FleetJson.object(json, "metadata", true, what).entrySet()) {
            builder.metadata(entry.getKey(), entry.getValue());
        }
        return builder.build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> nested(Object value, String where) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("HWPC report: " + where + " must be a JSON object, got "
                    + FleetJson.describe(value));
        }
        return (Map<String, Object>) map;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof HwpcReport r && r.timestampMillis == timestampMillis && r.sensor.equals(sensor)
                && r.target.equals(target) && r.groups.equals(groups) && r.metadata.equals(metadata);
    }

    @Override
    public int hashCode() {
        return Objects.hash(timestampMillis, sensor, target, groups, metadata);
    }

    @Override
    public String toString() {
        return "HwpcReport[" + timestampMillis + ", " + sensor + ", " + target + ", groups " + groups.keySet() + "]";
    }

    /** Collects the events of a report; {@link #build()} makes the immutable report. */
    public static final class Builder {

        private final long timestampMillis;
        private final String sensor;
        private final String target;
        private final TreeMap<String, TreeMap<String, TreeMap<String, TreeMap<String, Double>>>> groups =
                new TreeMap<>();
        private final TreeMap<String, Object> metadata = new TreeMap<>();

        private Builder(long timestampMillis, String sensor, String target) {
            if (sensor == null || sensor.isBlank()) {
                throw new IllegalArgumentException("an HWPC report needs a sensor name (the machine it comes from)");
            }
            if (target == null || target.isBlank()) {
                throw new IllegalArgumentException("an HWPC report needs a target ('all' for the whole machine)");
            }
            this.timestampMillis = timestampMillis;
            this.sensor = sensor;
            this.target = target;
        }

        /**
         * Sets one event's value for one CPU of one socket in one group.
         *
         * @throws IllegalArgumentException for a blank name or a value that is not finite
         */
        public Builder event(String group, String socket, String cpu, String event, double value) {
            for (String name : new String[] {group, socket, cpu, event}) {
                if (name == null || name.isBlank()) {
                    throw new IllegalArgumentException("HWPC report of " + target + ": group, socket, CPU and event "
                            + "names must not be blank, got " + group + "/" + socket + "/" + cpu + "/" + event);
                }
            }
            if (!Double.isFinite(value)) {
                throw new IllegalArgumentException("HWPC report of " + target + ": event " + event + " of group "
                        + group + " has value " + value + "; counters are finite numbers");
            }
            groups.computeIfAbsent(group, g -> new TreeMap<>())
                    .computeIfAbsent(socket, s -> new TreeMap<>())
                    .computeIfAbsent(cpu, c -> new TreeMap<>())
                    .put(event, value);
            return this;
        }

        private void touch(String group) {
            groups.computeIfAbsent(group, g -> new TreeMap<>());
        }

        private void touch(String group, String socket) {
            groups.computeIfAbsent(group, g -> new TreeMap<>()).computeIfAbsent(socket, s -> new TreeMap<>());
        }

        /**
         * Sets one metadata entry.
         *
         * @param value a string, a whole number, a finite number or a boolean
         */
        public Builder metadata(String name, Object value) {
            metadata.put(Objects.requireNonNull(name, "name"), Metadata.checked(name, value));
            return this;
        }

        public HwpcReport build() {
            TreeMap<String, SortedMap<String, SortedMap<String, SortedMap<String, Double>>>> groupsCopy =
                    new TreeMap<>();
            for (var group : groups.entrySet()) {
                TreeMap<String, SortedMap<String, SortedMap<String, Double>>> sockets = new TreeMap<>();
                for (var socket : group.getValue().entrySet()) {
                    TreeMap<String, SortedMap<String, Double>> cpus = new TreeMap<>();
                    for (var cpu : socket.getValue().entrySet()) {
                        cpus.put(cpu.getKey(), Collections.unmodifiableSortedMap(new TreeMap<>(cpu.getValue())));
                    }
                    sockets.put(socket.getKey(), Collections.unmodifiableSortedMap(cpus));
                }
                groupsCopy.put(group.getKey(), Collections.unmodifiableSortedMap(sockets));
            }
            return new HwpcReport(timestampMillis, sensor, target, Collections.unmodifiableSortedMap(groupsCopy),
                    Collections.unmodifiableSortedMap(new TreeMap<>(metadata)));
        }
    }
}
