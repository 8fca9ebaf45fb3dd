package dev.ergometer.agent;

import dev.ergometer.groups.CgroupException;
import dev.ergometer.groups.GroupsProtocol;
import dev.ergometer.groups.ProcessGroups;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's process groups as the rest of the agent sees them: the shared {@link GroupsService} and its
 * {@link GroupsSocket}, or why they are unavailable (no usable cgroup tree, the socket's folder not writable, another
 * agent serving the socket). Never stops the agent from starting: what cannot be served is logged once.
 */
final class GroupsEndpoint implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(GroupsEndpoint.class);

    private final GroupsService service;
    private final GroupsSocket socket;
    private final String unavailable;

    private GroupsEndpoint(GroupsService service, GroupsSocket socket, String unavailable) {
        this.service = service;
        this.socket = socket;
        this.unavailable = unavailable;
    }

    /** Opens the shared process groups over the agent's sampler and serves them on {@code AGENT_SOCKET}. */
    static GroupsEndpoint start(AgentConfig config, Sampler sampler, SystemPaths paths) {
        GroupsService service;
        try {
            ProcessGroups engine = ProcessGroups.openLocal(paths, sampler, config.attributionInterval().toNanos());
            service = new GroupsService(engine, new GroupPermissions(paths));
        } catch (CgroupException | IOException | RuntimeException e) {
            String reason = "process groups are unavailable in this agent: " + e.getMessage();
            LOG.warn("ergometer agent: {}", reason);
            return new GroupsEndpoint(null, null, reason);
        }
        if (config.agentSocket().isEmpty()) {
            return new GroupsEndpoint(service, null, null);
        }
        try {
            GroupsSocket socket = GroupsSocket.serve(config.agentSocket().get(), config.agentSocketGroup(), service);
            LOG.info("ergometer agent: process groups on unix socket {} ({})", socket.path(), socket.access());
            return new GroupsEndpoint(service, socket, null);
        } catch (IOException | RuntimeException e) {
            LOG.warn("ergometer agent: process groups not served on a socket: {}", e.getMessage());
            return new GroupsEndpoint(service, null, null);
        }
    }

    /** The socket clients connect to, when one is served. */
    Optional<GroupsSocket> socket() {
        return Optional.ofNullable(socket);
    }

    /** The shared groups, when available. */
    Optional<GroupsService> service() {
        return Optional.ofNullable(service);
    }

    /** The JSON of {@code GET /api/v1/groups}: the balance and every group, or an error object saying why not. */
    String listJson() {
        if (service == null) {
            return GroupsProtocol.error(GroupsProtocol.STATE, "no process groups", unavailable,
                    "see the agent's log; creating groups needs a mounted cgroup tree");
        }
        return service.list();
    }

    boolean available() {
        return service != null;
    }

    /** Closes the socket first (its connections hand their groups back), then the shared groups. */
    @Override
    public void close() {
        if (socket != null) {
            socket.close();
        }
        if (service != null) {
            service.close();
        }
    }
}
