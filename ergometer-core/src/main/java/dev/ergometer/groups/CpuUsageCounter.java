package dev.ergometer.groups;

import dev.ergometer.source.EnergyReadException;
import dev.ergometer.source.NativeFile;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/**
 * The cumulative CPU time of one cgroup, in nanoseconds: {@code usage_usec} of cgroup2's {@code cpu.stat} times
 * 1,000, or cgroup v1's {@code cpuacct.usage}. The file is opened once; each {@link #cpuNanos()} is one
 * {@code pread(2)} and does not allocate.
 *
 * <p>The one reader of cgroup CPU time in Ergometer: {@link CgroupFs#openCpuUsage} opens it for a process group,
 * and the attribution engine ({@code dev.ergometer.attribution.CgroupCpuUsage}) for a cgroup given by its path.
 *
 * <p>Not thread-safe: one reader at a time.
 */
public final class CpuUsageCounter implements AutoCloseable {

    private static final byte[] USAGE_KEY = "usage_usec ".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private static final int STAT_BYTES = 1024;

    private final NativeFile file;
    private final boolean unified;
    private final Arena arena;
    private final MemorySegment buffer;

    private CpuUsageCounter(NativeFile file, boolean unified, Arena arena, MemorySegment buffer) {
        this.file = file;
        this.unified = unified;
        this.arena = arena;
        this.buffer = buffer;
    }

    /**
     * Opens {@code cpu.stat} of a cgroup2 directory ({@code unified} true), or {@code cpuacct.usage} of a v1
     * cpuacct directory.
     *
     * @throws IOException when the file is absent ({@link java.nio.file.NoSuchFileException}) or cannot be opened
     */
    public static CpuUsageCounter open(Path cgroupDirectory, boolean unified) throws IOException {
        NativeFile file = NativeFile.open(cgroupDirectory.resolve(unified ? "cpu.stat" : "cpuacct.usage"));
        if (!unified) {
            return new CpuUsageCounter(file, false, null, null);
        }
        Arena arena = Arena.ofShared();
        return new CpuUsageCounter(file, true, arena, arena.allocate(STAT_BYTES));
    }

    /** The file read. */
    public Path path() {
        return file.path();
    }

    /**
     * The cgroup's cumulative CPU time (user + system) in nanoseconds.
     *
     * @throws EnergyReadException when the file cannot be read or holds no usage
     */
    public long cpuNanos() {
        if (!unified) {
            return file.readDecimal();
        }
        int n = file.readInto(buffer);
        int lineStart = 0;
        while (lineStart < n) {
            if (startsWithKey(lineStart, n)) {
                return parseDigits(lineStart + USAGE_KEY.length, n) * 1_000L;
            }
            int i = lineStart;
            while (i < n && buffer.get(ValueLayout.JAVA_BYTE, i) != '\n') {
                i++;
            }
            lineStart = i + 1;
        }
        throw new EnergyReadException(file.path() + " has no usage_usec line in its first " + STAT_BYTES
                + " bytes: not a cgroup2 cpu.stat");
    }

    private boolean startsWithKey(int at, int n) {
        if (at + USAGE_KEY.length > n) {
            return false;
        }
        for (int k = 0; k < USAGE_KEY.length; k++) {
            if (buffer.get(ValueLayout.JAVA_BYTE, at + k) != USAGE_KEY[k]) {
                return false;
            }
        }
        return true;
    }

    private long parseDigits(int at, int n) {
        long value = 0;
        int digits = 0;
        for (int i = at; i < n; i++) {
            byte b = buffer.get(ValueLayout.JAVA_BYTE, i);
            if (b < '0' || b > '9') {
                break;
            }
            value = value * 10 + (b - '0');
            digits++;
        }
        if (digits == 0) {
            throw new EnergyReadException(file.path() + ": usage_usec is not followed by a number");
        }
        return value;
    }

    @Override
    public void close() {
        file.close();
        if (arena != null) {
            arena.close();
        }
    }
}
