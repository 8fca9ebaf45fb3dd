package dev.ergometer.groups;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One connected stream socket spoken in lines of UTF-8 text, with a deadline on every read and write (a hung peer
 * costs a timeout, never a hang). Not thread-safe: one caller at a time.
 */
final class LineChannel implements AutoCloseable {

    private final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    private final ByteBuffer in = ByteBuffer.allocate(8192);
    private final java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    private final int maxLineBytes;

    LineChannel(SocketChannel channel, int maxLineBytes) throws IOException {
        this.channel = channel;
        this.maxLineBytes = maxLineBytes;
        channel.configureBlocking(false);
        this.selector = Selector.open();
        this.key = channel.register(selector, 0);
        in.flip();
    }

    /** Writes one line (a newline is added). */
    void writeLine(String text, long timeoutNanos) throws IOException {
        ByteBuffer out = ByteBuffer.wrap((text + "\n").getBytes(StandardCharsets.UTF_8));
        long deadline = System.nanoTime() + timeoutNanos;
        while (out.hasRemaining()) {
            if (channel.write(out) == 0) {
                await(SelectionKey.OP_WRITE, deadline);
            }
        }
    }

    /** Reads one line (without its newline), or null at the end of the stream. */
    String readLine(long timeoutNanos) throws IOException {
        long deadline = System.nanoTime() + timeoutNanos;
        while (true) {
            while (in.hasRemaining()) {
                byte b = in.get();
                if (b == '\n') {
                    String text = line.toString(StandardCharsets.UTF_8);
                    line.reset();
                    return text;
                }
                if (line.size() >= maxLineBytes) {
                    throw new IOException("a line longer than " + maxLineBytes + " bytes arrived; the peer does not"
                            + " speak this protocol");
                }
                line.write(b);
            }
            in.clear();
            int read = channel.read(in);
            in.flip();
            if (read < 0) {
                return null;
            }
            if (read == 0) {
                await(SelectionKey.OP_READ, deadline);
            }
        }
    }

    private void await(int operation, long deadline) throws IOException {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new SocketTimeoutException("no answer within the time allowed");
        }
        key.interestOps(operation);
        selector.select(Math.max(1, left / 1_000_000));
        selector.selectedKeys().clear();
        key.interestOps(0);
    }

    @Override
    public void close() throws IOException {
        try {
            selector.close();
        } finally {
            channel.close();
        }
    }
}
