package dev.ergometer.sink.file;

import dev.ergometer.sink.SinkException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Arrays;
import java.util.Objects;

/**
 * An append-only file that moves itself aside by rename when it grows past a size or an age, keeping a fixed number
 * of old files ({@code <file>.1} oldest to {@code <file>.<keep>} oldest): the storage under the file sinks.
 *
 * <p>Each {@link #append} is one attempt that writes its bytes with one write (looping only over short writes), so a
 * reader sees a batch whole or not at all as far as the operating system allows; a failed write is cut back off the
 * file, so retrying it does not duplicate anything. A file that is empty when written to gets the header first, in
 * the same write. Rotation happens only just before an append and only to a file that holds more than its header:
 * nothing runs in the background. An existing file is appended to, after checking that it starts with the header
 * (and ending a last line left without its line break). Files that are not regular files (a FIFO, {@code /dev/stdout})
 * are written to but never rotated.
 */
final class RotatingFile implements AutoCloseable {

    private final String sinkName;
    private final FileSinkSettings settings;
    private final Path path;
    private final Path folder;
    private final byte[] header;
    private final InstantSource clock;

    private FileChannel channel;          // null before the first open, after a failed rotation and once closed
    private boolean rotatable;            // a regular file
    private long bytesSinceOpen;          // what this object wrote to the current file, for files without a size
    private Instant firstBytesAt;         // when the current file got its first bytes; null while it is empty
    private boolean lastLineUnfinished;   // the existing file ended without a line break
    private boolean closed;

    private RotatingFile(String sinkName, FileSinkSettings settings, byte[] header, InstantSource clock) {
        this.sinkName = Objects.requireNonNull(sinkName, "sinkName");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.path = settings.path();
        this.folder = path.toAbsolutePath().getParent();
        this.header = header.clone();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Opens (creating it and its folders when missing) the file of {@code settings} for appending.
     *
     * @param sinkName the name of the sink, which every error message starts with
     * @param header the bytes every file starts with (empty for none)
     * @throws IOException with a message that says what to do when the folder cannot be created, the path is a
     *     folder, the file or folder is not writable, or the file holds something that does not start with the header
     */
    static RotatingFile open(String sinkName, FileSinkSettings settings, byte[] header, InstantSource clock)
            throws IOException {
        RotatingFile file = new RotatingFile(sinkName, settings, header, clock);
        try {
            Files.createDirectories(file.folder);
        } catch (IOException e) {
            throw new IOException(sinkName + ": cannot create the folder " + file.folder + " for " + file.path + ": "
                    + describe(e) + "; create it and give the user running Ergometer (" + user()
                    + ") write access to it, or choose another path", e);
        }
        try {
            file.openCurrent();
        } catch (IOException e) {
            throw new IOException(file.explain("open", e, true).message, e);
        }
        return file;
    }

    Path path() {
        return path;
    }

    /** Writes {@code records} (whole lines) at the end of the file, rotating first when the file is due. */
    synchronized void append(byte[] records) throws SinkException {
        if (closed) {
            throw SinkException.permanent(sinkName + " is closed; it writes no more batches", null);
        }
        if (channel == null || !channel.isOpen()) {
            attempt("open", true, this::openCurrent);
        }
        long size = attempt("read the size of", false, this::currentSize);
        if (rotatable && dueForRotation(size, records.length)) {
            attempt("rotate", true, this::rotate);
            size = attempt("read the size of", false, this::currentSize);
        }
        write(size, records);
    }

    private boolean dueForRotation(long sizeBytes, int recordBytes) {
        if (sizeBytes <= header.length) {
            return false;
        }
        if (sizeBytes + recordBytes > settings.maxBytes()) {
            return true;
        }
        return firstBytesAt != null && settings.maxAge()
                .filter(maxAge -> Duration.between(firstBytesAt, clock.instant()).compareTo(maxAge) > 0)
                .isPresent();
    }

    private void rotate() throws IOException {
        closeChannel();
        int keep = settings.keep();
        if (Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            if (keep == 0) {
                Files.delete(path);
            } else {
                Files.deleteIfExists(settings.oldFile(keep));
                for (int index = keep + 1; Files.deleteIfExists(settings.oldFile(index)); index++) {
                    // old files left by an earlier run with a larger keep
                }
                int oldest = 0;
                while (oldest < keep - 1 && Files.exists(settings.oldFile(oldest + 1), LinkOption.NOFOLLOW_LINKS)) {
                    oldest++;
                }
                for (int index = oldest; index >= 1; index--) {
                    Files.move(settings.oldFile(index), settings.oldFile(index + 1), StandardCopyOption.ATOMIC_MOVE);
                }
                Files.move(path, settings.oldFile(1), StandardCopyOption.ATOMIC_MOVE);
            }
        }
        openCurrent();
    }

    private void write(long sizeBytes, byte[] records) throws SinkException {
        byte[] prefix = sizeBytes == 0 ? header : lastLineUnfinished ? new byte[] {'\n'} : new byte[0];
        ByteBuffer bytes = ByteBuffer.allocate(prefix.length + records.length).put(prefix).put(records).flip();
        try {
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            if (settings.fsync()) {
                channel.force(false);
            }
        } catch (IOException e) {
            if (rotatable) {
                try {
                    channel.truncate(sizeBytes);   // a batch is on the file whole or not at all
                } catch (IOException | RuntimeException cut) {
                    e.addSuppressed(cut);
                }
            }
            throw failure("write " + bytes.capacity() + " bytes to", e, false);
        }
        bytesSinceOpen += bytes.capacity();
        lastLineUnfinished = false;
        if (sizeBytes == 0) {
            firstBytesAt = clock.instant();
        }
    }

    private void openCurrent() throws IOException {
        FileChannel opened = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        try {
            boolean regular = Files.isRegularFile(path);
            long size = opened.size();
            boolean unfinished = false;
            Instant since = null;
            if (regular && size > 0) {
                unfinished = checkExistingContent(size);
                since = Files.readAttributes(path, BasicFileAttributes.class).creationTime().toInstant();
            }
            rotatable = regular;
            lastLineUnfinished = unfinished;
            firstBytesAt = since;
            bytesSinceOpen = 0;
            channel = opened;
        } catch (IOException | RuntimeException e) {
            opened.close();
            throw e;
        }
    }

    /** Checks that an existing file starts with the header; true when its last line has no line break. */
    private boolean checkExistingContent(long sizeBytes) throws IOException {
        try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
            if (header.length > 0) {
                ByteBuffer start = ByteBuffer.allocate((int) Math.min(sizeBytes, header.length));
                while (start.hasRemaining() && in.read(start, start.position()) >= 0) {
                    // read until the buffer is full
                }
                if (!Arrays.equals(start.array(), header)) {
                    throw new ForeignFileException(sinkName + ": " + path + " already holds other data: it starts "
                            + "with '" + firstLine(start.array()) + "' where this sink writes '" + firstLine(header)
                            + "'; move that file away or choose another path");
                }
            }
            ByteBuffer last = ByteBuffer.allocate(1);
            in.read(last, sizeBytes - 1);
            return last.get(0) != '\n';
        }
    }

    private long currentSize() throws IOException {
        return rotatable ? channel.size() : bytesSinceOpen;
    }

    /** Releases the file; every batch accepted before is already written (and forced, with fsync). */
    @Override
    public synchronized void close() {
        closed = true;
        closeChannel();
    }

    private void closeChannel() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                // Closing a file channel releases the descriptor only: the bytes were written by each append.
            }
            channel = null;
        }
    }

    @FunctionalInterface
    private interface FileAction<T> {
        T run() throws IOException;
    }

    @FunctionalInterface
    private interface VoidFileAction {
        void run() throws IOException;
    }

    private <T> T attempt(String action, boolean touchesFolder, FileAction<T> fileAction) throws SinkException {
        try {
            return fileAction.run();
        } catch (IOException e) {
            throw failure(action, e, touchesFolder);
        }
    }

    private void attempt(String action, boolean touchesFolder, VoidFileAction fileAction) throws SinkException {
        attempt(action, touchesFolder, () -> {
            fileAction.run();
            return null;
        });
    }

    private SinkException failure(String action, IOException e, boolean touchesFolder) {
        Explanation explanation = explain(action, e, touchesFolder);
        return explanation.permanent
                ? SinkException.permanent(explanation.message, e)
                : SinkException.retryable(explanation.message, e);
    }

    private record Explanation(String message, boolean permanent) {
    }

    /**
     * Why {@code e} happened and whether trying again can help: a folder at the path, a file that is not ours or a
     * file or folder the user may not write to will not change by itself; anything else (a full disk, an I/O error)
     * may.
     */
    private Explanation explain(String action, IOException e, boolean touchesFolder) {
        if (e instanceof ForeignFileException) {
            return new Explanation(e.getMessage(), true);
        }
        if (Files.isDirectory(path)) {
            return new Explanation(sinkName + ": cannot " + action + " " + path + ": it is a folder, not a file; "
                    + "give the path of a file (in that folder or elsewhere) instead", true);
        }
        boolean fileLocked = Files.exists(path) && !Files.isWritable(path);
        boolean folderLocked = touchesFolder && !Files.isWritable(folder);
        if (e instanceof AccessDeniedException || fileLocked || folderLocked) {
            Path target = fileLocked ? path : folder;
            return new Explanation(sinkName + ": cannot " + action + " " + path + ": permission denied ("
                    + describe(e) + "); give the user running Ergometer (" + user() + ") write access to " + target
                    + " (e.g. chown " + user() + " " + target + ", or chmod u+w " + target
                    + "; an immutable attribute shows in lsattr -d " + target + "), or choose another path", true);
        }
        return new Explanation(sinkName + ": cannot " + action + " " + path + ": " + describe(e)
                + "; if the disk is full, free space on it (the batch is tried again)", false);
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }

    private static String user() {
        return System.getProperty("user.name", "?");
    }

    private static String firstLine(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        return end < 0 ? text : text.substring(0, end);
    }

    /** A file at the path that holds something that does not start with the header. */
    private static final class ForeignFileException extends IOException {
        ForeignFileException(String message) {
            super(message);
        }
    }

    @Override
    public String toString() {
        return "RotatingFile[" + path + "]";
    }
}
