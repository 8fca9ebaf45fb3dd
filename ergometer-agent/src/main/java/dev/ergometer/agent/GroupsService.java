package dev.ergometer.agent;

import dev.ergometer.agent.GroupPermissions.Peer;
import dev.ergometer.agent.GroupPermissions.Refusal;
import dev.ergometer.groups.CgroupException;
import dev.ergometer.groups.Consumption;
import dev.ergometer.groups.GroupsProtocol;
import dev.ergometer.groups.MeteredGroup;
import dev.ergometer.groups.ProcessGroups;
import dev.ergometer.json.JsonReader;
import dev.ergometer.json.JsonWriter;
import java.nio.file.attribute.UserPrincipal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's process groups: ONE in-process {@link ProcessGroups} over the agent's own sampler, shared by every
 * client of the socket, with who created and who follows each group. Answers {@link GroupsProtocol} requests for a
 * {@link Peer} at once from the accumulated state, applying {@link GroupPermissions}; a connection that ends (the
 * client closed its {@code ProcessGroups}, or died) loses its groups: those it created are removed, those it only
 * followed are forgotten once nobody follows them. Thread-safe.
 */
final class GroupsService implements AutoCloseable {

    /** How many groups one non-root connection may follow (each holds an open cgroup file in the agent). */
    static final int MAX_GROUPS_PER_CONNECTION = 256;

    private static final Logger LOG = LoggerFactory.getLogger(GroupsService.class);

    private final ProcessGroups engine;
    private final GroupPermissions permissions;
    private final Map<String, Followed> followed = new LinkedHashMap<>();
    private boolean closed;

    /** A group the engine follows: who created it through the agent (if anyone) and which connections follow it. */
    private static final class Followed {
        final MeteredGroup group;
        final UserPrincipal creator;
        final long creatorConnection;
        final Set<Long> followers = new LinkedHashSet<>();

        Followed(MeteredGroup group, UserPrincipal creator, long creatorConnection) {
            this.group = group;
            this.creator = creator;
            this.creatorConnection = creatorConnection;
        }
    }

    GroupsService(ProcessGroups engine, GroupPermissions permissions) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.permissions = Objects.requireNonNull(permissions, "permissions");
    }

    /** Answers one request line with one reply line (never throws for a bad request: the reply says what is wrong). */
    String handle(Peer peer, String line) {
        Map<String, Object> request;
        String op;
        try {
            request = JsonReader.object(line);
            op = GroupsProtocol.string(request, "op");
        } catch (IllegalArgumentException e) {
            return GroupsProtocol.error(GroupsProtocol.ARGUMENT, "malformed request", e.getMessage(), "send one JSON"
                    + " object per line with an \"op\" (see dev.ergometer.groups.GroupsProtocol)");
        }
        try {
            synchronized (this) {
                if (closed) {
                    return GroupsProtocol.error(GroupsProtocol.STATE, op + " refused", "the agent is stopping",
                            "open the ProcessGroups again once the agent runs");
                }
                return switch (op) {
                    case GroupsProtocol.MACHINE -> machine();
                    case GroupsProtocol.LIST -> list();
                    case GroupsProtocol.GROUP -> group(peer, request);
                    case GroupsProtocol.CREATE -> create(peer, request);
                    case GroupsProtocol.CONSUMPTION -> consumption(request);
                    case GroupsProtocol.REMOVE -> remove(peer, GroupsProtocol.string(request, "name"), false);
                    case GroupsProtocol.FORGET -> remove(peer, GroupsProtocol.string(request, "name"), true);
                    default -> GroupsProtocol.error(GroupsProtocol.ARGUMENT, "unknown op '" + op + "'",
                            "the agent knows machine, group, create, consumption, remove, forget and list",
                            "use one of them");
                };
            }
        } catch (Refusal e) {
            LOG.info("ergometer agent: refused {} for user {}: {}", op, peer.name(), e.reason);
            return GroupsProtocol.error(GroupsProtocol.REFUSED, e.what, e.reason, e.fix);
        } catch (CgroupException e) {
            String message = e.getMessage();
            String tail = ": " + e.reason() + (e.fix().isEmpty() ? "" : ". Fix: " + e.fix());
            String what = message.endsWith(tail) ? message.substring(0, message.length() - tail.length()) : op;
            return GroupsProtocol.error(GroupsProtocol.CGROUP, what, e.reason(), e.fix());
        } catch (IllegalArgumentException e) {
            return GroupsProtocol.error(GroupsProtocol.ARGUMENT, op + " refused", e.getMessage(), "");
        } catch (UnknownGroup e) {
            return GroupsProtocol.error(GroupsProtocol.STATE, op + " refused", e.getMessage(), "ask for the group"
                    + " with group or create first (it may have been removed by its creator)");
        } catch (RuntimeException e) {
            LOG.warn("ergometer agent: process-group request {} failed: {}", op, e.toString());
            return GroupsProtocol.error(GroupsProtocol.STATE, op + " failed", e.getMessage() == null ? e.toString()
                    : e.getMessage(), "");
        }
    }

    private String machine() {
        JsonWriter json = ok().name("source").value(engine.sourceName()).name("estimated").value(engine.estimated())
                .name("machine");
        return GroupsProtocol.write(json, engine.machine()).endObject().toString();
    }

    /** The balance and every group, as the socket's {@code list} and HTTP's {@code /api/v1/groups} show them. */
    synchronized String list() {
        ProcessGroups.Balance balance = engine.balance();
        JsonWriter json = ok().name("source").value(engine.sourceName()).name("estimated").value(engine.estimated());
        GroupsProtocol.write(json.name("machine"), balance.machine());
        GroupsProtocol.write(json.name("idle"), balance.idle());
        GroupsProtocol.write(json.name("unattributed"), balance.unattributed());
        GroupsProtocol.write(json.name("removed"), balance.removed());
        json.name("groups").beginArray();
        for (Map.Entry<String, Consumption> entry : balance.groups().entrySet()) {
            Followed f = followed.get(entry.getKey());
            json.beginObject().name("name").value(entry.getKey())
                    .name("created_through_agent").value(f != null && f.creator != null)
                    .name("owner").value(f == null || f.creator == null ? null : f.creator.getName())
                    .name("followers").value(f == null ? 0 : f.followers.size());
            GroupsProtocol.write(json.name("consumption"), entry.getValue()).endObject();
        }
        return json.endArray().endObject().toString();
    }

    private String group(Peer peer, Map<String, Object> request) throws Refusal, CgroupException {
        String path = GroupsProtocol.string(request, "path");
        String what = "cannot follow group " + path;
        permissions.checkGroupCount(peer, what, following(peer), MAX_GROUPS_PER_CONNECTION);
        MeteredGroup group;
        if (path.equals(ProcessGroups.THIS)) {
            long pid = GroupsProtocol.number(request, "pid");
            what = "cannot make the group this-" + pid;
            permissions.checkOwnProcesses(peer, what, List.of(pid));
            group = engine.thisGroup(pid);
        } else {
            group = engine.group(path);
        }
        return follow(peer, group);
    }

    private String create(Peer peer, Map<String, Object> request) throws Refusal, CgroupException {
        String name = GroupsProtocol.string(request, "name");
        String what = "cannot create process group ergometer.slice/" + name + " for user " + peer.name();
        permissions.checkGroupCount(peer, what, following(peer), MAX_GROUPS_PER_CONNECTION);
        List<Long> pids = new ArrayList<>();
        for (Object pid : GroupsProtocol.list(request, "pids")) {
            if (!(pid instanceof Long l)) {
                throw new IllegalArgumentException("pids must be whole numbers, got " + pid);
            }
            pids.add(l);
        }
        List<Long> allowed = permissions.checkOwnProcesses(peer, what, pids);
        MeteredGroup group = engine.createGroup(name, allowed.stream().mapToLong(Long::longValue).toArray());
        return follow(peer, group);
    }

    private String follow(Peer peer, MeteredGroup group) {
        Followed f = followed.get(group.name());
        if (f == null || f.group != group) {
            f = group.createdHere() ? new Followed(group, peer.user(), peer.connection())
                    : new Followed(group, null, -1);
            followed.put(group.name(), f);
        }
        f.followers.add(peer.connection());
        boolean createdHere = f.creator != null && f.creatorConnection == peer.connection();
        JsonWriter json = ok().name("group");
        GroupsProtocol.write(json, group.cgroup(), createdHere, f.creator == null ? null : f.creator.getName());
        return json.endObject().toString();
    }

    private String consumption(Map<String, Object> request) {
        Followed f = known(GroupsProtocol.string(request, "name"));
        JsonWriter json = ok().name("consumption");
        GroupsProtocol.write(json, f.group.consumption());
        return json.name("cpu_ns").value(f.group.cpuNanos()).endObject().toString();
    }

    /** Removes a group (its creator's user or root) or, for {@code forgetOnly} or a found group, stops following. */
    private String remove(Peer peer, String name, boolean forgetOnly) throws Refusal, CgroupException {
        Followed f = known(name);
        if (forgetOnly || f.creator == null) {
            f.followers.remove(peer.connection());
            if (f.followers.isEmpty() && f.creator == null) {
                followed.remove(name);
                engine.remove(f.group);
            }
            return ok().name("removed").value(false).endObject().toString();
        }
        permissions.checkMayRemove(peer, name, f.creator);
        followed.remove(name);
        engine.remove(f.group);
        LOG.info("ergometer agent: user {} removed process group {} (created by {})", peer.name(), name,
                f.creator.getName());
        return ok().name("removed").value(true).endObject().toString();
    }

    /**
     * Forgets a connection that ended: removes the groups it created and stops following the others (those nobody
     * follows any more are dropped). Failures are logged; the engine removes what is left when the agent stops.
     */
    synchronized void disconnected(Peer peer) {
        if (closed) {
            return;
        }
        for (Followed f : List.copyOf(followed.values())) {
            if (!f.followers.remove(peer.connection()) && f.creatorConnection != peer.connection()) {
                continue;
            }
            boolean createdByIt = f.creator != null && f.creatorConnection == peer.connection();
            if (createdByIt || (f.creator == null && f.followers.isEmpty())) {
                followed.remove(f.group.name());
                try {
                    engine.remove(f.group);
                    if (createdByIt) {
                        LOG.info("ergometer agent: removed process group {} of user {} (its connection ended)",
                                f.group.name(), peer.name());
                    }
                } catch (CgroupException | RuntimeException e) {
                    LOG.warn("ergometer agent: could not remove process group {} after its connection ended: {}",
                            f.group.name(), e.getMessage());
                }
            }
        }
    }

    private Followed known(String name) {
        Followed f = followed.get(name.replaceAll("^/+|/+$", ""));
        if (f == null) {
            throw new UnknownGroup("group " + name + " is not followed by the agent");
        }
        return f;
    }

    /** A request named a group the agent does not follow. */
    private static final class UnknownGroup extends RuntimeException {
        UnknownGroup(String message) {
            super(message);
        }
    }

    private int following(Peer peer) {
        return (int) followed.values().stream().filter(f -> f.followers.contains(peer.connection())).count();
    }

    private static JsonWriter ok() {
        return new JsonWriter(false).beginObject().name("ok").value(true);
    }

    /** Stops answering and closes the engine, which removes every group still created through the agent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            followed.clear();
        }
        try {
            engine.close();
        } catch (IllegalStateException e) {
            LOG.warn("ergometer agent: {}", e.getMessage());
        }
    }
}
