package dev.ergometer.agent;

import dev.ergometer.agent.GroupPermissions.Peer;
import dev.ergometer.groups.GroupsProtocol;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's Unix-domain socket for process groups: accepts connections, learns each client's user from the kernel
 * ({@code SO_PEERCRED}), and answers its {@link GroupsProtocol} lines with {@link GroupsService}, one thread per
 * connection. The socket file is mode 0660 with the group {@code AGENT_SOCKET_GROUP}, so root and that group's
 * members may connect; when that group does not exist it stays root-only (0600) and a warning says how to create it.
 */
final class GroupsSocket implements AutoCloseable {

    /** How many clients may be connected at once. */
    static final int MAX_CONNECTIONS = 128;

    private static final Logger LOG = LoggerFactory.getLogger(GroupsSocket.class);
    private static final int SOCKET_FILE_TYPE = 0140000;
    private static final int FILE_TYPE_MASK = 0170000;
    /** The kernel's limit on a socket path (sun_path), in bytes, with its terminating zero. */
    private static final int MAX_PATH_BYTES = 107;

    private final Path path;
    private final String access;
    private final ServerSocketChannel server;
    private final Object fileKey;
    private final GroupsService service;
    private final Map<Long, SocketChannel> connections = new ConcurrentHashMap<>();
    private final Map<Long, Thread> threads = new ConcurrentHashMap<>();
    private final AtomicLong nextConnection = new AtomicLong(1);
    private final Thread acceptor;
    private volatile boolean closing;

    private GroupsSocket(Path path, String access, ServerSocketChannel server, Object fileKey,
            GroupsService service) {
        this.path = path;
        this.access = access;
        this.server = server;
        this.fileKey = fileKey;
        this.service = service;
        this.acceptor = Thread.ofPlatform().daemon().name("ergometer-agent-socket").start(this::acceptLoop);
    }

    /**
     * Serves {@code service} at {@code path}: creates the folder (0755) if needed, replaces a stale socket file left
     * by an agent that stopped, binds under a temporary name, sets the mode and group, and moves it into place so
     * that no client ever sees it with looser rights.
     *
     * @throws IOException when another agent answers at {@code path}, {@code path} is something else than a socket,
     *     or the folder cannot be created (the message says what to do)
     */
    static GroupsSocket serve(Path path, String groupName, GroupsService service) throws IOException {
        Path socket = path.toAbsolutePath();
        if (socket.toString().getBytes(StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
            throw new IOException("AGENT_SOCKET " + socket + " is longer than the " + MAX_PATH_BYTES + " bytes a Unix"
                    + " socket path may have; choose a shorter path");
        }
        Path folder = socket.getParent();
        if (!Files.isDirectory(folder)) {
            try {
                Files.createDirectories(folder);
                Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
            } catch (IOException e) {
                throw new IOException("cannot create " + folder + " for the process-group socket: " + e
                        + "; run the agent as root, or set AGENT_SOCKET to a path in a writable folder", e);
            }
        }
        clearStale(socket);
        Path temporary = folder.resolve("." + socket.getFileName() + "." + ProcessHandle.current().pid() + ".tmp");
        Files.deleteIfExists(temporary);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(temporary), GroupsSocket.MAX_CONNECTIONS);
            String access = restrict(temporary, groupName);
            Files.move(temporary, socket, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            Object fileKey = Files.readAttributes(socket, java.nio.file.attribute.BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).fileKey();
            return new GroupsSocket(socket, access, server, fileKey, service);
        } catch (IOException | RuntimeException e) {
            server.close();
            Files.deleteIfExists(temporary);
            throw e;
        }
    }

    /** Deletes a socket file nobody answers at; refuses when an agent answers there or it is not a socket. */
    private static void clearStale(Path socket) throws IOException {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        int mode = (Integer) Files.getAttribute(socket, "unix:mode", LinkOption.NOFOLLOW_LINKS);
        if ((mode & FILE_TYPE_MASK) != SOCKET_FILE_TYPE) {
            throw new IOException(socket + " exists and is not a socket; remove it, or set AGENT_SOCKET to another"
                    + " path");
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            throw new IOException("another erg agent already serves process groups at " + socket + "; stop it, or"
                    + " set AGENT_SOCKET to another path for this one");
        } catch (java.net.ConnectException stale) {
            Files.delete(socket);
            LOG.info("ergometer agent: replaced the stale socket {} (left by an agent that stopped)", socket);
        }
    }

    /** Sets 0660 and the group, or 0600 when the group is missing or cannot be set; says which, for the log. */
    private static String restrict(Path socket, String groupName) throws IOException {
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-------"));
        GroupPrincipal group;
        try {
            group = FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByGroupName(groupName);
        } catch (UserPrincipalNotFoundException e) {
            LOG.warn("ergometer agent: the Unix group '{}' (AGENT_SOCKET_GROUP) does not exist, so the process-group"
                    + " socket is root-only. To let users create process groups through the agent: groupadd --system"
                    + " {}; usermod -aG {} USER (the user logs in again), then restart erg agent", groupName,
                    groupName, groupName);
            return "root-only (mode 0600): group " + groupName + " does not exist";
        }
        try {
            Files.getFileAttributeView(socket, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setGroup(group);
        } catch (IOException e) {
            LOG.warn("ergometer agent: cannot give the process-group socket to group '{}' ({}); it stays root-only."
                    + " Run the agent as root", groupName, e.toString());
            return "owner-only (mode 0600): cannot set group " + groupName;
        }
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        return "mode 0660, group " + groupName;
    }

    Path path() {
        return path;
    }

    /** Who may connect, for the log: {@code mode 0660, group ergometer} or why it is root-only. */
    String access() {
        return access;
    }

    private void acceptLoop() {
        while (!closing) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                if (!closing) {
                    LOG.warn("ergometer agent: accepting on {} failed: {}", path, e.toString());
                }
                return;
            }
            long id = nextConnection.getAndIncrement();
            if (connections.size() >= MAX_CONNECTIONS) {
                refuseBusy(client);
                continue;
            }
            connections.put(id, client);
            Thread thread = Thread.ofVirtual().name("ergometer-agent-client-" + id).unstarted(() -> serve(id, client));
            threads.put(id, thread);
            thread.start();
        }
    }

    private void refuseBusy(SocketChannel client) {
        try (client) {
            write(client, GroupsProtocol.error(GroupsProtocol.STATE, "connection refused", MAX_CONNECTIONS
                    + " clients are connected already", "close ProcessGroups you no longer use, and try again"));
        } catch (IOException ignored) {
            // the client went away already
        }
    }

    private void serve(long id, SocketChannel client) {
        Peer peer = null;
        try (client) {
            UnixDomainPrincipal principal = client.getOption(ExtendedSocketOptions.SO_PEERCRED);
            peer = GroupPermissions.Peer.of(id, principal.user());
            LOG.debug("ergometer agent: process-group client {} connected as user {}", id, peer.name());
            ByteBuffer in = ByteBuffer.allocate(8192);
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            while (client.read(in.clear()) >= 0) {
                in.flip();
                while (in.hasRemaining()) {
                    byte b = in.get();
                    if (b != '\n') {
                        if (line.size() >= GroupsProtocol.MAX_LINE_BYTES) {
                            write(client, GroupsProtocol.error(GroupsProtocol.ARGUMENT, "request refused", "a line"
                                    + " longer than " + GroupsProtocol.MAX_LINE_BYTES + " bytes arrived",
                                    "send one JSON object per line"));
                            return;
                        }
                        line.write(b);
                        continue;
                    }
                    String request = line.toString(StandardCharsets.UTF_8).strip();
                    line.reset();
                    if (!request.isEmpty()) {
                        write(client, service.handle(peer, request));
                    }
                }
            }
        } catch (IOException e) {
            if (!closing) {
                LOG.debug("ergometer agent: process-group client {} ended: {}", id, e.toString());
            }
        } finally {
            connections.remove(id);
            threads.remove(id);
            if (peer != null) {
                service.disconnected(peer);
            }
        }
    }

    private static void write(SocketChannel client, String line) throws IOException {
        ByteBuffer out = ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8));
        while (out.hasRemaining()) {
            client.write(out);
        }
    }

    /**
     * Stops accepting, deletes the socket file (when it is still this agent's), closes every connection and waits a
     * little for their threads to hand their groups back.
     */
    @Override
    public void close() {
        closing = true;
        try {
            server.close();
        } catch (IOException e) {
            LOG.debug("ergometer agent: closing {}: {}", path, e.toString());
        }
        try {
            Object current = Files.readAttributes(path, java.nio.file.attribute.BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS).fileKey();
            if (current != null && current.equals(fileKey)) {
                Files.delete(path);
            }
        } catch (IOException gone) {
            // removed by someone else already
        }
        for (SocketChannel client : connections.values()) {
            try {
                client.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
        try {
            acceptor.join(2_000);
            for (Thread thread : threads.values()) {
                thread.join(2_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
