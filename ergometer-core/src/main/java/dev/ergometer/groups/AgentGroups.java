package dev.ergometer.groups;

import dev.ergometer.json.JsonReader;
import dev.ergometer.json.JsonWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The process-group API answered by a running {@code erg agent} over its Unix socket ({@link GroupsProtocol}): one
 * connection, one request at a time. The agent keeps the attribution state and does the cgroup writes; the groups
 * this connection creates belong to its user and are removed on {@link #close()} (and by the agent when the
 * connection drops).
 */
final class AgentGroups implements GroupsBackend {

    /** How long {@link #connect} waits for the agent's first answer. */
    static final long PROBE_TIMEOUT_NANOS = 5_000_000_000L;
    /** How long a request may take: removing a busy group retries for seconds in each hierarchy. */
    static final long REQUEST_TIMEOUT_NANOS = 30_000_000_000L;

    private static final String JOIN_FIX = "the socket is open to root and to the members of its group (ls -l shows"
            + " which; `ergometer` unless AGENT_SOCKET_GROUP says otherwise): sudo usermod -aG ergometer $USER, then"
            + " log in again; or run as root (see docs/attribution.md)";

    private final Path socket;
    private final LineChannel channel;
    private final String sourceName;
    private final boolean estimated;
    private final Map<String, MeteredGroup> groups = new LinkedHashMap<>();
    private boolean closed;

    private AgentGroups(Path socket, LineChannel channel, String sourceName, boolean estimated) {
        this.socket = socket;
        this.channel = channel;
        this.sourceName = sourceName;
        this.estimated = estimated;
    }

    /** Connects and asks for the machine's consumption once, to know the agent answers and which source it reads. */
    static AgentGroups connect(Path socket) throws IOException {
        SocketChannel raw = SocketChannel.open(StandardProtocolFamily.UNIX);
        LineChannel channel;
        try {
            raw.connect(UnixDomainSocketAddress.of(socket));
            channel = new LineChannel(raw, GroupsProtocol.MAX_LINE_BYTES);
        } catch (IOException e) {
            raw.close();
            throw connectFailure(socket, e);
        }
        try {
            channel.writeLine(request(GroupsProtocol.MACHINE).endObject().toString(), PROBE_TIMEOUT_NANOS);
            String line = channel.readLine(PROBE_TIMEOUT_NANOS);
            if (line == null) {
                throw new IOException("erg agent at " + socket + " closed the connection without answering; see the"
                        + " agent's log");
            }
            Map<String, Object> reply = JsonReader.object(line);
            if (!Boolean.TRUE.equals(reply.get("ok"))) {
                throw new IOException("erg agent at " + socket + " refused: " + reply.get("error"));
            }
            return new AgentGroups(socket, channel, GroupsProtocol.string(reply, "source"),
                    GroupsProtocol.bool(reply, "estimated"));
        } catch (SocketTimeoutException e) {
            channel.close();
            throw new IOException("erg agent at " + socket + " accepted the connection but did not answer within "
                    + PROBE_TIMEOUT_NANOS / 1_000_000_000L + " s; see its log, or restart it", e);
        } catch (IOException e) {
            channel.close();
            throw e;
        } catch (RuntimeException e) {
            channel.close();
            throw new IOException("the process listening at " + socket + " did not answer as erg agent does ("
                    + e.getMessage() + "); is it an erg agent of the same version?", e);
        }
    }

    private static IOException connectFailure(Path socket, IOException e) {
        String message = String.valueOf(e.getMessage());
        String what = "cannot connect to erg agent at " + socket + ": ";
        if (message.contains("Permission denied")) {
            return new IOException(what + "permission denied. Fix: " + JOIN_FIX, e);
        }
        if (e instanceof ConnectException || message.contains("Connection refused")) {
            return new IOException(what + "connection refused: no agent listens there (the file is left from an"
                    + " agent that stopped, or is not a socket). Fix: start `erg agent`, or use"
                    + " ProcessGroups.openLocal()", e);
        }
        if (message.contains("No such file")) {
            return new IOException(what + "no such socket. Fix: start `erg agent` (AGENT_SOCKET sets where it"
                    + " listens), or point " + ProcessGroups.AGENT_SOCKET_VARIABLE + " at its socket", e);
        }
        return new IOException(what + message, e);
    }

    private static JsonWriter request(String op) {
        return new JsonWriter(false).beginObject().name("op").value(op);
    }

    /** A refusal or failure the agent answered. */
    private static final class AgentError extends Exception {
        final String kind;
        final String what;
        final String reason;
        final String fix;

        AgentError(Map<String, Object> reply) {
            super(String.valueOf(reply.get("error")));
            this.kind = String.valueOf(reply.get("kind"));
            this.what = String.valueOf(reply.get("what"));
            this.reason = String.valueOf(reply.get("reason"));
            this.fix = reply.get("fix") == null ? "" : String.valueOf(reply.get("fix"));
        }

        CgroupException asCgroupException() {
            return new CgroupException(what, reason, fix);
        }

        RuntimeException asUnchecked() {
            return kind.equals(GroupsProtocol.ARGUMENT) ? new IllegalArgumentException(getMessage())
                    : new IllegalStateException(getMessage());
        }
    }

    /** Sends one request and returns its successful reply. */
    private synchronized Map<String, Object> call(JsonWriter request) throws AgentError {
        if (closed) {
            throw new IllegalStateException("this ProcessGroups is closed; open a new one");
        }
        try {
            channel.writeLine(request.endObject().toString(), REQUEST_TIMEOUT_NANOS);
            String line = channel.readLine(REQUEST_TIMEOUT_NANOS);
            if (line == null) {
                throw new IOException("the agent closed the connection (it stopped or restarted; the groups created"
                        + " through this connection were removed with it)");
            }
            Map<String, Object> reply = JsonReader.object(line);
            if (!Boolean.TRUE.equals(reply.get("ok"))) {
                throw new AgentError(reply);
            }
            return reply;
        } catch (IOException e) {
            throw new UncheckedIOException("lost erg agent at " + socket + ": " + e.getMessage()
                    + "; open the ProcessGroups again once the agent runs", e);
        }
    }

    private Map<String, Object> callUnchecked(JsonWriter request) {
        try {
            return call(request);
        } catch (AgentError e) {
            throw e.asUnchecked();
        }
    }

    private Map<String, Object> callCgroup(JsonWriter request) throws CgroupException {
        try {
            return call(request);
        } catch (AgentError e) {
            if (e.kind.equals(GroupsProtocol.ARGUMENT)) {
                throw new IllegalArgumentException(e.getMessage());
            }
            if (e.kind.equals(GroupsProtocol.STATE)) {
                throw new IllegalStateException(e.getMessage());
            }
            throw e.asCgroupException();
        }
    }

    @Override
    public ProcessGroups.Backend kind() {
        return ProcessGroups.Backend.AGENT;
    }

    @Override
    public String describe() {
        return "agent at " + socket + ", source " + sourceName + (estimated ? " (estimated)" : "");
    }

    @Override
    public String sourceName() {
        return sourceName;
    }

    @Override
    public boolean estimated() {
        return estimated;
    }

    @Override
    public Consumption machine() {
        return GroupsProtocol.consumption(callUnchecked(request(GroupsProtocol.MACHINE)).get("machine"));
    }

    @Override
    public Consumption idle() {
        return balance().idle();
    }

    @Override
    public Consumption unattributed() {
        return balance().unattributed();
    }

    @Override
    public ProcessGroups.Balance balance() {
        Map<String, Object> reply = callUnchecked(request(GroupsProtocol.LIST));
        Map<String, Consumption> byGroup = new LinkedHashMap<>();
        for (Object item : GroupsProtocol.list(reply, "groups")) {
            Map<String, Object> group = GroupsProtocol.object(item, "group");
            byGroup.put(GroupsProtocol.string(group, "name"), GroupsProtocol.consumption(group.get("consumption")));
        }
        return new ProcessGroups.Balance(GroupsProtocol.consumption(reply.get("machine")),
                GroupsProtocol.consumption(reply.get("idle")), GroupsProtocol.consumption(reply.get("unattributed")),
                byGroup, GroupsProtocol.consumption(reply.get("removed")));
    }

    @Override
    public MeteredGroup find(String relativePath) throws CgroupException {
        String relative = relativePath.replaceAll("^/+|/+$", "");
        synchronized (this) {
            MeteredGroup known = groups.get(relative);
            if (known != null) {
                return known;
            }
        }
        return remember(callCgroup(request(GroupsProtocol.GROUP).name("path").value(relative)));
    }

    @Override
    public MeteredGroup thisGroup(long pid) throws CgroupException {
        synchronized (this) {
            MeteredGroup known = groups.get(CgroupFs.SLICE + "/" + ProcessGroups.THIS + "-" + pid);
            if (known != null) {
                return known;
            }
        }
        return remember(callCgroup(request(GroupsProtocol.GROUP).name("path").value(ProcessGroups.THIS)
                .name("pid").value(pid)));
    }

    @Override
    public MeteredGroup create(String name, long[] pids) throws CgroupException {
        new GroupName(name);
        JsonWriter request = request(GroupsProtocol.CREATE).name("name").value(name).name("pids").beginArray();
        for (long pid : pids) {
            request.value(pid);
        }
        return remember(callCgroup(request.endArray()));
    }

    private synchronized MeteredGroup remember(Map<String, Object> reply) {
        Map<String, Object> group = GroupsProtocol.object(reply.get("group"), "group");
        MeteredGroup metered = new MeteredGroup(this, GroupsProtocol.processGroup(group),
                GroupsProtocol.bool(group, "created_here"));
        MeteredGroup known = groups.putIfAbsent(metered.name(), metered);
        return known != null ? known : metered;
    }

    @Override
    public void remove(MeteredGroup group) throws CgroupException {
        synchronized (this) {
            if (groups.get(group.name()) != group) {
                throw new IllegalArgumentException(group + " is not followed by this ProcessGroups (removed already,"
                        + " or from another one)");
            }
            groups.remove(group.name());
        }
        callCgroup(request(group.createdHere() ? GroupsProtocol.REMOVE : GroupsProtocol.FORGET)
                .name("name").value(group.name()));
    }

    @Override
    public synchronized List<MeteredGroup> groups() {
        return List.copyOf(groups.values());
    }

    @Override
    public Consumption consumption(MeteredGroup group) {
        return GroupsProtocol.consumption(consumptionReply(group).get("consumption"));
    }

    @Override
    public long cpuNanos(MeteredGroup group) {
        return GroupsProtocol.number(consumptionReply(group), "cpu_ns");
    }

    private Map<String, Object> consumptionReply(MeteredGroup group) {
        synchronized (this) {
            if (groups.get(group.name()) != group) {
                throw new IllegalStateException(group + " is no longer followed: it was removed; ask for the group"
                        + " again");
            }
        }
        return callUnchecked(request(GroupsProtocol.CONSUMPTION).name("name").value(group.name()));
    }

    /**
     * Removes the groups this connection created (the agent reports any failure), then closes the connection; the
     * agent stops following the rest.
     */
    @Override
    public void close() {
        List<String> failures = new ArrayList<>();
        List<MeteredGroup> created;
        synchronized (this) {
            if (closed) {
                return;
            }
            created = groups.values().stream().filter(MeteredGroup::createdHere).toList();
        }
        for (MeteredGroup group : created) {
            try {
                call(request(GroupsProtocol.REMOVE).name("name").value(group.name()));
            } catch (AgentError e) {
                failures.add(e.getMessage());
            } catch (UncheckedIOException e) {
                failures.add(e.getMessage() + " (the agent removes a dropped connection's groups itself)");
                break;
            }
        }
        synchronized (this) {
            closed = true;
            groups.clear();
            try {
                channel.close();
            } catch (IOException e) {
                // nothing left to tell the agent: closing its end drops what remains
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("could not remove every group this ProcessGroups created: "
                    + String.join("; ", failures));
        }
    }
}
