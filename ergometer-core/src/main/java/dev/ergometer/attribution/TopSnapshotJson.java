package dev.ergometer.attribution;

import dev.ergometer.json.JsonReader;
import dev.ergometer.json.JsonWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * A {@link TopSnapshot} as the JSON of the agent's {@code GET /api/v1/top}, written by the agent and read by
 * {@code erg top}:
 *
 * <pre>{@code
 * {"source":"powercap","method":"...","estimated":false,"view":"processes","interval_s":1.0,
 *  "node_busy_cpu_s":1.43,"node_cpu_s":2.0,
 *  "domains":[{"id":"package_0","machine_watts":21.4,"idle_watts":6.1,"attributed_watts":14.4,
 *              "unattributed_watts":0.9,"in_total":true}],
 *  "consumers":57,
 *  "rows":[{"id":"process/5636@81234","label":"java (pid 5636)","kind":"process",
 *           "power_watts":{"package_0":10.96},"total_watts":10.96,"cpu_percent":389.6}],
 *  "warnings":[]}
 * }</pre>
 */
public final class TopSnapshotJson {

    private TopSnapshotJson() {
    }

    /** The snapshot as one line of JSON. */
    public static String write(TopSnapshot top) {
        JsonWriter json = new JsonWriter(false).beginObject()
                .name("source").value(top.source())
                .name("method").value(top.method())
                .name("estimated").value(top.estimated())
                .name("view").value(TopSnapshot.viewName(top.kind()))
                .name("interval_s").value(top.durationNanos() / 1e9)
                .name("node_busy_cpu_s").value(top.nodeBusyNanos() / 1e9)
                .name("node_cpu_s").value(top.nodeTotalNanos() / 1e9)
                .name("domains").beginArray();
        for (TopSnapshot.DomainPower domain : top.domains()) {
            json.beginObject().name("id").value(domain.id())
                    .name("machine_watts").value(domain.machineWatts())
                    .name("idle_watts").value(domain.idleWatts())
                    .name("attributed_watts").value(domain.attributedWatts())
                    .name("unattributed_watts").value(domain.unattributedWatts())
                    .name("in_total").value(domain.inTotal())
                    .endObject();
        }
        json.endArray().name("consumers").value(top.consumerCount()).name("rows").beginArray();
        for (TopSnapshot.Row row : top.rows()) {
            json.beginObject().name("id").value(row.id()).name("label").value(row.label())
                    .name("kind").value(row.kind().name().toLowerCase(Locale.ROOT))
                    .name("power_watts").beginObject();
            for (int d = 0; d < top.domains().size(); d++) {
                json.name(top.domains().get(d).id()).value(row.watts().get(d));
            }
            json.endObject().name("total_watts").value(row.totalWatts()).name("cpu_percent");
            if (row.cpuPercent().isPresent()) {
                json.value(row.cpuPercent().getAsDouble());
            } else {
                json.nullValue();
            }
            json.endObject();
        }
        json.endArray().name("warnings").beginArray();
        top.warnings().forEach(json::value);
        return json.endArray().endObject().toString();
    }

    /**
     * Reads what {@link #write} wrote.
     *
     * @throws IllegalArgumentException when the text is not such JSON; the message names the member that is missing
     *     or of the wrong type
     */
    public static TopSnapshot read(String text) {
        Map<String, Object> top = JsonReader.object(text);
        List<TopSnapshot.DomainPower> domains = new ArrayList<>();
        for (Object item : list(top, "domains")) {
            Map<String, Object> domain = object(item, "domains[]");
            domains.add(new TopSnapshot.DomainPower(string(domain, "id"), number(domain, "machine_watts"),
                    number(domain, "idle_watts"), number(domain, "attributed_watts"),
                    number(domain, "unattributed_watts"), bool(domain, "in_total")));
        }
        List<TopSnapshot.Row> rows = new ArrayList<>();
        for (Object item : list(top, "rows")) {
            Map<String, Object> row = object(item, "rows[]");
            Map<String, Object> power = object(row.get("power_watts"), "power_watts");
            List<Double> watts = new ArrayList<>(domains.size());
            for (TopSnapshot.DomainPower domain : domains) {
                watts.add(number(power, domain.id()));
            }
            Object cpu = row.get("cpu_percent");
            rows.add(new TopSnapshot.Row(string(row, "id"), string(row, "label"), kind(string(row, "kind")), watts,
                    number(row, "total_watts"), cpu == null ? OptionalDouble.empty()
                            : OptionalDouble.of(number(row, "cpu_percent"))));
        }
        List<String> warnings = new ArrayList<>();
        for (Object warning : list(top, "warnings")) {
            warnings.add(String.valueOf(warning));
        }
        return new TopSnapshot(string(top, "source"), string(top, "method"), bool(top, "estimated"),
                TopSnapshot.view(string(top, "view")), nanos(number(top, "interval_s")), domains,
                nanos(number(top, "node_busy_cpu_s")), nanos(number(top, "node_cpu_s")), rows,
                (int) number(top, "consumers"), warnings);
    }

    private static Consumer.Kind kind(String name) {
        try {
            return Consumer.Kind.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown consumer kind '" + name + "' in a top snapshot", e);
        }
    }

    private static long nanos(double seconds) {
        return Math.round(seconds * 1e9);
    }

    private static List<?> list(Map<String, Object> object, String name) {
        if (object.get(name) instanceof List<?> list) {
            return list;
        }
        throw missing(name, "an array");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> object(Object value, String name) {
        if (value instanceof Map<?, ?> map) {
            return (Map<String, Object>) map;
        }
        throw missing(name, "an object");
    }

    private static String string(Map<String, Object> object, String name) {
        if (object.get(name) instanceof String s) {
            return s;
        }
        throw missing(name, "a string");
    }

    private static double number(Map<String, Object> object, String name) {
        if (object.get(name) instanceof Number n) {
            return n.doubleValue();
        }
        throw missing(name, "a number");
    }

    private static boolean bool(Map<String, Object> object, String name) {
        if (object.get(name) instanceof Boolean b) {
            return b;
        }
        throw missing(name, "true or false");
    }

    private static IllegalArgumentException missing(String name, String what) {
        return new IllegalArgumentException("a top snapshot's \"" + name + "\" must be " + what
                + " (is the agent an older or newer Ergometer than this erg?)");
    }
}
