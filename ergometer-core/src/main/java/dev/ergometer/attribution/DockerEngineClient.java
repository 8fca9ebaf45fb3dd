package dev.ergometer.attribution;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * A minimal HTTP/1.1 client of the Docker Engine API over its Unix socket, JDK only: one {@code GET} per connection
 * ({@code Connection: close}), replies with a {@code Content-Length}, chunked or ended by the close, each step bounded
 * by a timeout so that a daemon that hangs cannot stall attribution.
 *
 * <pre>{@code
 * DockerEngineClient.Reply reply = new DockerEngineClient(Path.of("/var/run/docker.sock"), 2_000_000_000L).get("/_ping");
 * }</pre>
 */
final class DockerEngineClient {

    /** The largest reply read: a listing of tens of thousands of containers. */
    static final int MAX_REPLY_BYTES = 32 << 20;

    /** One HTTP reply: status, headers (names in lower case) and body as UTF-8 text. */
    record Reply(int status, Map<String, String> headers, String body) {
        Reply {
            headers = Map.copyOf(headers);
        }

        /** A header's value, by its name in any case. */
        String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    private final Path socket;
    private final long timeoutNanos;

    DockerEngineClient(Path socket, long timeoutNanos) {
        this.socket = Objects.requireNonNull(socket, "socket");
        if (timeoutNanos <= 0) {
            throw new IllegalArgumentException("a timeout is > 0 ns, got " + timeoutNanos);
        }
        this.timeoutNanos = timeoutNanos;
    }

    Path socket() {
        return socket;
    }

    /**
     * Sends {@code GET target} and reads the whole reply.
     *
     * @throws IOException when the socket cannot be connected to (its message is the system's: "No such file or
     *     directory", "Permission denied", "Connection refused"), the daemon does not answer in time, closes early
     *     or answers something that is not HTTP/1.x
     */
    Reply get(String target) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            channel.configureBlocking(false);
            try (Selector selector = Selector.open()) {
                ByteBuffer request = ByteBuffer.wrap(("GET " + target + " HTTP/1.1\r\nHost: docker\r\n"
                        + "User-Agent: ergometer\r\nAccept: application/json\r\nConnection: close\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                SelectionKey key = channel.register(selector, SelectionKey.OP_WRITE);
                while (request.hasRemaining()) {
                    await(selector, deadline, target);
                    channel.write(request);
                }
                key.interestOps(SelectionKey.OP_READ);
                byte[] bytes = new byte[16 << 10];
                int length = 0;
                ByteBuffer chunk = ByteBuffer.allocate(16 << 10);
                while (true) {
                    Reply reply = parse(bytes, length, false);
                    if (reply != null) {
                        return reply;
                    }
                    await(selector, deadline, target);
                    chunk.clear();
                    int n = channel.read(chunk);
                    if (n < 0) {
                        reply = parse(bytes, length, true);
                        if (reply == null) {
                            throw new IOException(length == 0
                                    ? "the daemon closed the connection without answering GET " + target
                                    : "the daemon closed the connection in the middle of its reply to GET " + target);
                        }
                        return reply;
                    }
                    if (length + n > MAX_REPLY_BYTES) {
                        throw new IOException("the reply to GET " + target + " is over " + MAX_REPLY_BYTES + " bytes");
                    }
                    if (length + n > bytes.length) {
                        bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, length + n));
                    }
                    chunk.flip();
                    chunk.get(bytes, length, n);
                    length += n;
                }
            }
        }
    }

    private void await(Selector selector, long deadline, String target) throws IOException {
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new IOException("no answer to GET " + target + " within " + timeoutNanos / 1_000_000 + " ms");
            }
            int ready = selector.select(Math.max(1, left / 1_000_000));
            if (ready > 0) {
                selector.selectedKeys().clear();
                return;
            }
        }
    }

    /**
     * The reply in the first {@code length} bytes, or null when more bytes are needed.
     *
     * @param closed whether the peer closed the connection (a body without length then ends here)
     * @throws IOException when the bytes are not an HTTP/1.x reply
     */
    static Reply parse(byte[] bytes, int length, boolean closed) throws IOException {
        int headerEnd = indexOf(bytes, length, 0, "\r\n\r\n");
        if (headerEnd < 0) {
            if (length > 64 << 10) {
                throw new IOException("no end of the HTTP headers in the first 64 KiB of the reply");
            }
            if (closed && length > 0) {
                throw new IOException("the reply ended inside its headers: '" + printable(bytes, length) + "'");
            }
            return null;
        }
        String[] lines = new String(bytes, 0, headerEnd, StandardCharsets.ISO_8859_1).split("\r\n");
        String[] status = lines[0].split(" ", 3);
        if (status.length < 2 || !status[0].startsWith("HTTP/1.") || !status[1].matches("[0-9]{3}")) {
            throw new IOException("not an HTTP/1.x reply: '" + printable(bytes, Math.min(length, 80)) + "'");
        }
        Map<String, String> headers = new HashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0) {
                headers.merge(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                        lines[i].substring(colon + 1).trim(), (a, b) -> a + ", " + b);
            }
        }
        int code = Integer.parseInt(status[1]);
        int bodyStart = headerEnd + 4;
        String encoding = headers.getOrDefault("transfer-encoding", "");
        byte[] body;
        if (encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            body = dechunk(bytes, bodyStart, length);
            if (body == null) {
                if (closed) {
                    throw new IOException("the chunked reply ended before its last chunk");
                }
                return null;
            }
        } else if (headers.containsKey("content-length")) {
            long expected;
            try {
                expected = Long.parseLong(headers.get("content-length"));
            } catch (NumberFormatException e) {
                throw new IOException("malformed Content-Length '" + headers.get("content-length") + "'");
            }
            if (expected < 0 || expected > MAX_REPLY_BYTES) {
                throw new IOException("unusable Content-Length " + expected);
            }
            if (length - bodyStart < expected) {
                if (closed) {
                    throw new IOException("the reply ended after " + (length - bodyStart) + " of its " + expected
                            + " bytes");
                }
                return null;
            }
            body = Arrays.copyOfRange(bytes, bodyStart, bodyStart + (int) expected);
        } else if (code == 204 || code == 304 || code / 100 == 1) {
            body = new byte[0];
        } else {
            if (!closed) {
                return null; // the body ends when the daemon closes the connection
            }
            body = Arrays.copyOfRange(bytes, bodyStart, length);
        }
        return new Reply(code, headers, new String(body, StandardCharsets.UTF_8));
    }

    /** The body of a chunked reply starting at {@code from}, or null when it is not complete yet. */
    private static byte[] dechunk(byte[] bytes, int from, int length) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int at = from;
        while (true) {
            int lineEnd = indexOf(bytes, length, at, "\r\n");
            if (lineEnd < 0) {
                return null;
            }
            String sizeLine = new String(bytes, at, lineEnd - at, StandardCharsets.ISO_8859_1);
            int semicolon = sizeLine.indexOf(';');
            String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
            int size;
            try {
                size = Integer.parseInt(hex, 16);
            } catch (NumberFormatException e) {
                throw new IOException("malformed chunk size '" + sizeLine + "'");
            }
            if (size < 0 || size > MAX_REPLY_BYTES) {
                throw new IOException("unusable chunk size " + size);
            }
            at = lineEnd + 2;
            if (size == 0) {
                // trailers, then an empty line
                while (true) {
                    int end = indexOf(bytes, length, at, "\r\n");
                    if (end < 0) {
                        return null;
                    }
                    if (end == at) {
                        return body.toByteArray();
                    }
                    at = end + 2;
                }
            }
            if (length - at < size + 2) {
                return null;
            }
            if (bytes[at + size] != '\r' || bytes[at + size + 1] != '\n') {
                throw new IOException("a chunk of " + size + " bytes is not followed by CRLF");
            }
            body.write(bytes, at, size);
            at += size + 2;
        }
    }

    private static int indexOf(byte[] bytes, int length, int from, String pattern) {
        byte[] p = pattern.getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = from; i <= length - p.length; i++) {
            for (int j = 0; j < p.length; j++) {
                if (bytes[i + j] != p[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String printable(byte[] bytes, int length) {
        return new String(bytes, 0, length, StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e]", "?");
    }
}
