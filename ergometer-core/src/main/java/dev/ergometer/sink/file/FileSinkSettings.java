package dev.ergometer.sink.file;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a file sink writes and when it rotates: the settings of {@link CsvFileSink} and {@link JsonLinesFileSink},
 * validated when built.
 *
 * <pre>{@code
 * FileSinkSettings settings = FileSinkSettings.of(Path.of("/var/lib/ergometer/energy.csv"))
 *         .withMaxBytes(16 * 1024 * 1024)
 *         .withMaxAge(Duration.ofHours(1))
 *         .withKeep(24);
 * }</pre>
 *
 * @param path the file written to; its old files are {@code <path>.1} (newest) to {@code <path>.<keep>}
 * @param maxBytes the size a file may reach before the next batch goes to a fresh file ({@code > 0})
 * @param maxAge how old a file may get before the next batch goes to a fresh file; empty for no age limit
 * @param keep how many old files to keep ({@code 0} to {@value #MAX_KEEP}); older ones are deleted
 * @param fsync whether every batch is forced to the storage device ({@code fsync}) before {@code accept} returns;
 *     without it a batch is in the operating system's cache (visible to every reader, lost only if the machine
 *     itself goes down)
 */
public record FileSinkSettings(Path path, long maxBytes, Optional<Duration> maxAge, int keep, boolean fsync) {

    /** The default rotation size: 64 MiB. */
    public static final long DEFAULT_MAX_BYTES = 64L * 1024 * 1024;

    /** The default number of old files kept. */
    public static final int DEFAULT_KEEP = 5;

    /** The most old files a sink keeps; a longer history wants bigger files. */
    public static final int MAX_KEEP = 1000;

    public FileSinkSettings {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(maxAge, "maxAge (use Optional.empty() for no age limit)");
        if (path.getFileName() == null || path.getFileName().toString().isEmpty()) {
            throw new IllegalArgumentException("file sink path '" + path + "' names no file; give a file path such "
                    + "as /var/lib/ergometer/energy.csv");
        }
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("file sink " + path + ": maxBytes must be > 0, got " + maxBytes
                    + " (the default is " + DEFAULT_MAX_BYTES + ", 64 MiB)");
        }
        maxAge.ifPresent(age -> {
            if (age.isNegative() || age.isZero()) {
                throw new IllegalArgumentException("file sink " + path + ": maxAge must be > 0, got " + age
                        + " (leave it empty for no age limit)");
            }
        });
        if (keep < 0 || keep > MAX_KEEP) {
            throw new IllegalArgumentException("file sink " + path + ": keep must be between 0 and " + MAX_KEEP
                    + " old files, got " + keep + " (the default is " + DEFAULT_KEEP + ")");
        }
    }

    /** Settings for {@code path} with the defaults: 64 MiB files, no age limit, 5 old files kept, no fsync. */
    public static FileSinkSettings of(Path path) {
        return new FileSinkSettings(path, DEFAULT_MAX_BYTES, Optional.empty(), DEFAULT_KEEP, false);
    }

    public FileSinkSettings withMaxBytes(long newMaxBytes) {
        return new FileSinkSettings(path, newMaxBytes, maxAge, keep, fsync);
    }

    public FileSinkSettings withMaxAge(Duration newMaxAge) {
        return new FileSinkSettings(path, maxBytes, Optional.of(Objects.requireNonNull(newMaxAge, "maxAge")), keep,
                fsync);
    }

    public FileSinkSettings withoutMaxAge() {
        return new FileSinkSettings(path, maxBytes, Optional.empty(), keep, fsync);
    }

    public FileSinkSettings withKeep(int newKeep) {
        return new FileSinkSettings(path, maxBytes, maxAge, newKeep, fsync);
    }

    public FileSinkSettings withFsync(boolean newFsync) {
        return new FileSinkSettings(path, maxBytes, maxAge, keep, newFsync);
    }

    /** The name of old file number {@code index}: {@code <path>.<index>}, 1 being the newest. */
    Path oldFile(int index) {
        return path.resolveSibling(path.getFileName() + "." + index);
    }
}
