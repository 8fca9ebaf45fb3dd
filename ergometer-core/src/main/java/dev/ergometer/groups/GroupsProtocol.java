package dev.ergometer.groups;

import dev.ergometer.json.JsonWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The wire format of {@code erg agent}'s process-group socket, shared by the client ({@link ProcessGroups#openAgent})
 * and the agent: one JSON object per line each way, a request then its reply, in order, over a Unix stream socket.
 *
 * <p>Requests ({@code op} and its arguments):
 * <pre>
 * {"op":"machine"}                                  the machine's consumption since the agent started
 * {"op":"group","path":"system.slice/cron.service"} follow an existing cgroup
 * {"op":"group","path":"this","pid":1234}           the group this-1234 of process 1234 (made when needed)
 * {"op":"create","name":"build","pids":[1234,1240]} create ergometer.slice/build with these processes
 * {"op":"consumption","name":"ergometer.slice/build"}  a followed group's consumption and CPU time
 * {"op":"remove","name":"ergometer.slice/build"}    stop following; remove the group if this client created it
 * {"op":"forget","name":"system.slice/cron.service"} stop following, never removing
 * {"op":"list"}                                     the balance: machine, idle, unattributed, removed, every group
 * </pre>
 *
 * <p>Replies are {@code {"ok":true,...}} or {@code {"ok":false,"kind":K,"error":MESSAGE,"what":W,"reason":R,"fix":F}}
 * where {@code kind} is {@value #REFUSED} (a permission rule), {@value #CGROUP} (the cgroup operation failed),
 * {@value #ARGUMENT} (a bad name, path or pid) or {@value #STATE} (an unknown group, a closed agent, a bad request).
 * A consumption is {@code {"time_ns":..,"cpu_uj":..,"ram_uj":..,"gpu_uj":..,"estimated":..}}; a group is
 * {@code {"name":..,"created_by_ergometer":..,"created_here":..,"owner":..,"cgroups":[{"mount":..,"root":..,
 * "unified":..,"controllers":[..],"read_only":..,"path":..}],"skipped_pids":{"PID":"reason"}}}.
 */
public final class GroupsProtocol {

    public static final String MACHINE = "machine";
    public static final String GROUP = "group";
    public static final String CREATE = "create";
    public static final String CONSUMPTION = "consumption";
    public static final String REMOVE = "remove";
    public static final String FORGET = "forget";
    public static final String LIST = "list";

    /** A permission rule refused the request. */
    public static final String REFUSED = "refused";
    /** The cgroup operation itself failed. */
    public static final String CGROUP = "cgroup";
    /** A bad name, path or pid. */
    public static final String ARGUMENT = "argument";
    /** An unknown group, a closed agent, a malformed request. */
    public static final String STATE = "state";

    /** The longest line either side accepts, in bytes. */
    public static final int MAX_LINE_BYTES = 1 << 16;

    private GroupsProtocol() {
    }

    /** Writes a consumption as a JSON object (the next value of {@code json}). */
    public static JsonWriter write(JsonWriter json, Consumption c) {
        return json.beginObject().name("time_ns").value(c.timeNanos()).name("cpu_uj").value(c.cpuMicrojoules())
                .name("ram_uj").value(c.ramMicrojoules()).name("gpu_uj").value(c.gpuMicrojoules())
                .name("estimated").value(c.estimated()).endObject();
    }

    /** Reads a consumption written by {@link #write(JsonWriter, Consumption)}. */
    public static Consumption consumption(Object value) {
        Map<String, Object> m = object(value, "consumption");
        return new Consumption(number(m, "time_ns"), number(m, "cpu_uj"), number(m, "ram_uj"), number(m, "gpu_uj"),
                bool(m, "estimated"));
    }

    /**
     * Writes a group as a JSON object: its name, cgroups and skipped pids, whether this client created it, and the
     * user that created it through the agent ({@code null} for a group found, not created).
     */
    public static JsonWriter write(JsonWriter json, ProcessGroup group, boolean createdHere, String owner) {
        json.beginObject().name("name").value(group.name())
                .name("created_by_ergometer").value(group.createdByErgometer())
                .name("created_here").value(createdHere)
                .name("owner").value(owner)
                .name("cgroups").beginArray();
        for (Map.Entry<CgroupHierarchy, String> e : group.cgroupPaths().entrySet()) {
            CgroupHierarchy h = e.getKey();
            json.beginObject().name("mount").value(h.mountPoint().toString()).name("root").value(h.kernelRoot())
                    .name("unified").value(h.unified()).name("controllers").beginArray();
            h.controllers().stream().sorted().forEach(json::value);
            json.endArray().name("read_only").value(h.readOnly()).name("path").value(e.getValue()).endObject();
        }
        json.endArray().name("skipped_pids").beginObject();
        group.skippedPids().forEach((pid, reason) -> json.name(Long.toString(pid)).value(reason));
        return json.endObject().endObject();
    }

    /** Reads the cgroups of a group written by {@link #write(JsonWriter, ProcessGroup, boolean, String)}. */
    public static ProcessGroup processGroup(Object value) {
        Map<String, Object> m = object(value, "group");
        Map<CgroupHierarchy, String> paths = new LinkedHashMap<>();
        for (Object item : list(m, "cgroups")) {
            Map<String, Object> c = object(item, "cgroup");
            Set<String> controllers = new LinkedHashSet<>();
            for (Object controller : list(c, "controllers")) {
                controllers.add(String.valueOf(controller));
            }
            paths.put(new CgroupHierarchy(Path.of(string(c, "mount")), string(c, "root"), bool(c, "unified"),
                    controllers, bool(c, "read_only")), string(c, "path"));
        }
        Map<Long, String> skipped = new LinkedHashMap<>();
        object(m.get("skipped_pids"), "skipped_pids").forEach((pid, reason) ->
                skipped.put(Long.parseLong(pid), String.valueOf(reason)));
        return new ProcessGroup(string(m, "name"), paths, bool(m, "created_by_ergometer"), Map.of(), skipped);
    }

    /**
     * An error reply: what failed, why and how to fix it ({@code fix} may be empty), and the whole sentence as
     * {@link CgroupException} words it ({@code error}).
     */
    public static String error(String kind, String what, String reason, String fix) {
        String message = what + ": " + reason + (fix.isEmpty() ? "" : ". Fix: " + fix);
        return new JsonWriter(false).beginObject().name("ok").value(false).name("kind").value(kind)
                .name("error").value(message).name("what").value(what).name("reason").value(reason)
                .name("fix").value(fix).endObject().toString();
    }

    /** A value that must be a JSON object ({@code what} names it in the error). */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> object(Object value, String what) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new IllegalArgumentException("expected " + what + " as a JSON object, got " + value);
        }
        return (Map<String, Object>) map;
    }

    /** A whole number member. */
    public static long number(Map<String, Object> m, String key) {
        if (m.get(key) instanceof Long l) {
            return l;
        }
        throw new IllegalArgumentException("'" + key + "' must be a whole number, got " + m.get(key));
    }

    /** A string member. */
    public static String string(Map<String, Object> m, String key) {
        if (m.get(key) instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("'" + key + "' must be a string, got " + m.get(key));
    }

    /** A boolean member. */
    public static boolean bool(Map<String, Object> m, String key) {
        if (m.get(key) instanceof Boolean b) {
            return b;
        }
        throw new IllegalArgumentException("'" + key + "' must be true or false, got " + m.get(key));
    }

    /** An array member. */
    public static List<Object> list(Map<String, Object> m, String key) {
        if (m.get(key) instanceof List<?> l) {
            return new ArrayList<>(l);
        }
        throw new IllegalArgumentException("'" + key + "' must be an array, got " + m.get(key));
    }
}
