package dev.ergometer.attribution;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A Docker Engine API served by a test on a Unix socket: a thread that accepts connections, reads one HTTP/1.1
 * request from each, records its target and writes the raw reply the test scripted for it (in several writes, so that
 * the client must put it together), then closes the connection. A null reply closes the connection without a word.
 */
final class FakeDockerEngine implements AutoCloseable {

    private final ServerSocketChannel server;
    private final Thread thread;
    private final Function<String, List<byte[]>> replies;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    private FakeDockerEngine(ServerSocketChannel server, Function<String, List<byte[]>> replies) {
        this.server = server;
        this.replies = replies;
        this.thread = Thread.ofPlatform().daemon().name("fake-docker-engine").start(this::serve);
    }

    /**
     * Serves at {@code socket}; {@code replies} gives, for a request target ({@code /_ping}), the reply's pieces in
     * the order they are written, or null to close without answering.
     */
    static FakeDockerEngine serve(Path socket, Function<String, List<byte[]>> replies) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        return new FakeDockerEngine(server, replies);
    }

    /** The request targets received so far, in order. */
    List<String> requests() {
        return List.copyOf(requests);
    }

    /** A reply with a {@code Content-Length}, written in two pieces (headers with part of the body, then the rest). */
    static List<byte[]> withLength(int status, String extraHeaders, String body) {
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        byte[] all = concat(head(status, extraHeaders + "Content-Type: application/json\r\nContent-Length: "
                + bodyBytes.length + "\r\n"), bodyBytes);
        int cut = all.length - bodyBytes.length / 2;
        return List.of(slice(all, 0, cut), slice(all, cut, all.length));
    }

    /** A chunked reply ({@code Transfer-Encoding: chunked}), one write per chunk of {@code chunkBytes} bytes. */
    static List<byte[]> chunked(int status, String body, int chunkBytes) {
        byte[] bodyBytes = body.getBytes(StandardCharsets.UTF_8);
        List<byte[]> pieces = new ArrayList<>();
        pieces.add(head(status, "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"));
        for (int at = 0; at < bodyBytes.length; at += chunkBytes) {
            int n = Math.min(chunkBytes, bodyBytes.length - at);
            // a chunk extension, which a client must ignore
            pieces.add(concat(ascii(Integer.toHexString(n) + ";ext=1\r\n"), slice(bodyBytes, at, at + n), ascii("\r\n")));
        }
        pieces.add(ascii("0\r\nX-Trailer: done\r\n\r\n"));
        return pieces;
    }

    /** A reply whose body ends when the connection is closed (no length, not chunked). */
    static List<byte[]> untilClose(int status, String body) {
        return List.of(head(status, "Content-Type: application/json\r\n"), body.getBytes(StandardCharsets.UTF_8));
    }

    /** The reply of {@code GET /_ping} of a daemon speaking API {@code version}, as Docker and Podman send it. */
    static List<byte[]> ping(String version) {
        return withLength(200, "Api-Version: " + version + "\r\nOstype: linux\r\n", "OK");
    }

    private static byte[] head(int status, String headers) {
        return ascii("HTTP/1.1 " + status + " " + (status == 200 ? "OK" : "Status") + "\r\nServer: Docker/fake\r\n"
                + headers + "\r\n");
    }

    private void serve() {
        while (server.isOpen()) {
            try (SocketChannel client = server.accept()) {
                String target = readRequestTarget(client);
                if (target == null) {
                    continue;
                }
                requests.add(target);
                List<byte[]> reply = replies.apply(target);
                if (reply == null) {
                    continue;
                }
                for (byte[] piece : reply) {
                    ByteBuffer buffer = ByteBuffer.wrap(piece);
                    while (buffer.hasRemaining()) {
                        client.write(buffer);
                    }
                    Thread.sleep(2); // separate writes, separate reads
                }
            } catch (IOException e) {
                if (!server.isOpen()) {
                    return;
                }
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    private static String readRequestTarget(SocketChannel client) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(8192);
        while (true) {
            if (!buffer.hasRemaining() || client.read(buffer) < 0) {
                return null;
            }
            String text = new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1);
            if (text.contains("\r\n\r\n")) {
                String[] requestLine = text.substring(0, text.indexOf("\r\n")).split(" ");
                return requestLine[0].equals("GET") ? requestLine[1] : "(" + requestLine[0] + ")";
            }
        }
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    private static byte[] slice(byte[] bytes, int from, int to) {
        return Arrays.copyOfRange(bytes, from, to);
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }

    @Override
    public void close() throws IOException {
        server.close();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
