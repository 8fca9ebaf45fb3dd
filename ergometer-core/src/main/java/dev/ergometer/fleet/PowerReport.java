package dev.ergometer.fleet;

import dev.ergometer.json.JsonReader;
import dev.ergometer.json.JsonWriter;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The power a formula estimated (or a meter measured) for one target of one machine over one interval: PowerAPI's
 * {@code PowerReport} (timestamp, sensor, target, power in watts, metadata), with the domain it is about.
 *
 * <pre>{@code
 * {"timestamp": 1700000000000, "sensor": "node-1", "target": "container/docker/3f2a...", "power": 12.5,
 *  "metadata": {"domain": "package_0", "formula": "cpu-share", "ratio": 0.25, "scope": "cpu", "socket": 0}}
 * }</pre>
 *
 * <p>A report is identified by {@link #identity() sensor, target, timestamp and domain}: a formula gives at most one
 * report per identity, and every store Ergometer writes to keys it on that identity (MongoDB's {@code _id}, Kafka's
 * record key plus timestamp, Prometheus' series plus timestamp), so a report written twice is stored once. The domain
 * is written inside {@code metadata} (PowerAPI's PowerReport has no domain field; SmartWatts writes {@code scope} and
 * {@code socket} there, which say the same). The timestamp is written in milliseconds; ISO-8601 texts, which PowerAPI's
 * JSON encoder writes, are read too. Immutable.
 *
 * @param timestampMillis the tick the power is for, in milliseconds since the Unix epoch
 * @param sensor the machine
 * @param target what the power is of: a consumer, {@code rapl} (the machine as RAPL measured it) or {@code global}
 *     (the machine as a model estimates it)
 * @param domain the energy domain, Ergometer's id ({@code package_0}, {@code dram_0}, ...)
 * @param powerWatts the mean power over the interval, in watts, finite
 * @param metadata free-form facts (formula, ratio, scope, socket, ...), sorted by name, without {@code domain}
 */
public record PowerReport(long timestampMillis, String sensor, String target, String domain, double powerWatts,
        SortedMap<String, Object> metadata) {

    /** SmartWatts' target of the machine's power as RAPL measured it, its reference. */
    public static final String RAPL_TARGET = "rapl";

    /** SmartWatts' target of the machine's power as its model estimates it; also machine-wide non-RAPL power. */
    public static final String GLOBAL_TARGET = "global";

    private static final String DOMAIN = "domain";

    public PowerReport {
        requireText(sensor, "sensor");
        requireText(target, "target");
        requireText(domain, "domain");
        if (!Double.isFinite(powerWatts)) {
            throw new IllegalArgumentException("power report " + sensor + "/" + target + "/" + domain + " at "
                    + timestampMillis + ": power must be finite, got " + powerWatts);
        }
        TreeMap<String, Object> copy = new TreeMap<>();
        for (Map.Entry<String, Object> entry : Objects.requireNonNull(metadata, "metadata").entrySet()) {
            if (!entry.getKey().equals(DOMAIN)) {
                copy.put(entry.getKey(), Metadata.checked(entry.getKey(), entry.getValue()));
            }
        }
        metadata = Collections.unmodifiableSortedMap(copy);
    }

    /** A report with the metadata given as name, value pairs. */
    public static PowerReport of(long timestampMillis, String sensor, String target, String domain, double powerWatts,
            Object... metadataNamesAndValues) {
        if (metadataNamesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("metadata comes as name, value pairs, got "
                    + metadataNamesAndValues.length + " values");
        }
        TreeMap<String, Object> metadata = new TreeMap<>();
        for (int i = 0; i < metadataNamesAndValues.length; i += 2) {
            metadata.put((String) metadataNamesAndValues[i], metadataNamesAndValues[i + 1]);
        }
        return new PowerReport(timestampMillis, sensor, target, domain, powerWatts, metadata);
    }

    /**
     * What identifies the report, {@code sensor/target/timestamp/domain} with each part's length first so that no two
     * identities collide whatever the names hold: the key stores deduplicate on.
     */
    public String identity() {
        return sensor.length() + ":" + sensor + "/" + target.length() + ":" + target + "/" + timestampMillis + "/"
                + domain;
    }

    /** The report as one line of JSON (no line break), in the layout above. */
    public String toJson() {
        JsonWriter json = new JsonWriter(false).beginObject()
                .name("timestamp").value(timestampMillis)
                .name("sensor").value(sensor)
                .name("target").value(target)
                .name("power").value(powerWatts)
                .name("metadata");
        TreeMap<String, Object> withDomain = new TreeMap<>(metadata);
        withDomain.put(DOMAIN, domain);
        Metadata.write(json, withDomain);
        return json.endObject().toString();
    }

    /**
     * Reads a report from its JSON form; the domain comes from {@code metadata.domain}, or, for SmartWatts' reports
     * without one, from {@code metadata.scope} and {@code metadata.socket} ({@code cpu} on socket 0 is
     * {@code package_0}, {@code dram} on socket 1 is {@code dram_1}).
     *
     * @throws IllegalArgumentException when the text is not a power report; the message names the field
     */
    public static PowerReport fromJson(String text) {
        Map<String, Object> json = JsonReader.object(text);
        String what = "power report";
        long timestamp = FleetJson.timestampMillis(json, what);
        if (!(json.get("power") instanceof Number power)) {
            throw new IllegalArgumentException(what + ": field 'power' must be a number of watts, got "
                    + FleetJson.describe(json.get("power")));
        }
        Map<String, Object> metadata = FleetJson.object(json, "metadata", true, what);
        String domain = metadata.get(DOMAIN) instanceof String d ? d : scopeDomain(metadata);
        return new PowerReport(timestamp, FleetJson.text(json, "sensor", what), FleetJson.text(json, "target", what),
                domain, power.doubleValue(), new TreeMap<>(metadata));
    }

    private static String scopeDomain(Map<String, Object> metadata) {
        if (metadata.get("scope") instanceof String scope && metadata.get("socket") instanceof Number socket) {
            return switch (scope) {
                case "cpu" -> "package_" + socket.longValue();
                case "dram" -> "dram_" + socket.longValue();
                default -> scope + "_" + socket.longValue();
            };
        }
        throw new IllegalArgumentException("power report: metadata has no 'domain' (nor SmartWatts' 'scope' and "
                + "'socket'), so the report cannot be told apart from the machine's other domains");
    }

    private static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("a power report needs a non-empty " + name);
        }
    }
}
