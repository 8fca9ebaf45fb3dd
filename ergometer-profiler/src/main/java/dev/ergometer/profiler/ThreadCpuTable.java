package dev.ergometer.profiler;

import dev.ergometer.source.EnergyReadException;
import dev.ergometer.source.NativeFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The CPU time of each thread of one process, from {@code <procfs>/PID/task/TID/}: {@code schedstat}'s first field
 * (nanoseconds on the CPU) where the kernel has it, else {@code stat}'s utime + stime (clock ticks). Each thread's
 * file is opened once, when the thread is first seen, and read with one {@code pread} per interval.
 *
 * <p>{@link #poll()} reads every thread's CPU time and adds what it used since the previous poll to the current
 * interval; {@link #advance()} polls once more and returns the interval's CPU time per thread, including the threads
 * that ended during it (their time up to the last poll that saw them; what they used after it is only in the
 * process's total). A thread first seen is taken to have started since the previous poll (its whole CPU time
 * counts), except at the first poll, which only sets the baseline. Polling more often than the interval makes the
 * part of ended threads that is lost smaller. Not thread-safe.
 */
final class ThreadCpuTable implements AutoCloseable {

    /**
     * One thread's CPU time over an interval.
     *
     * @param ended true when the thread ended during the interval
     */
    record ThreadCpu(int tid, String name, long cpuNanos, boolean ended) {
    }

    private final Path taskDirectory;
    private final long nanosPerTick;
    private final boolean schedstat;
    private final Map<Integer, Entry> threads = new HashMap<>();
    private final List<ThreadCpu> ended = new ArrayList<>();
    private boolean baselineTaken;

    private ThreadCpuTable(Path taskDirectory, long nanosPerTick, boolean schedstat) {
        this.taskDirectory = taskDirectory;
        this.nanosPerTick = nanosPerTick;
        this.schedstat = schedstat;
    }

    /**
     * Opens the table of the process whose task folder is {@code taskDirectory} ({@code <procfs>/PID/task}).
     *
     * @throws IOException when the folder cannot be listed
     */
    static ThreadCpuTable open(Path taskDirectory, long nanosPerTick) throws IOException {
        boolean schedstat = false;
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(taskDirectory)) {
            for (Path task : tasks) {
                schedstat = Files.isReadable(task.resolve("schedstat"));
                break;
            }
        } catch (NoSuchFileException e) {
            throw new IOException(taskDirectory + " does not exist: this is not Linux, or procfs is not mounted there"
                    + " (set --procfs or ERGOMETER_PROCFS)", e);
        }
        return new ThreadCpuTable(taskDirectory, nanosPerTick, schedstat);
    }

    /** True when times come from {@code schedstat} (nanoseconds), false for {@code stat} (clock ticks). */
    boolean nanosecondResolution() {
        return schedstat;
    }

    /** Reads every thread's CPU time and adds what each used since the previous poll to the current interval. */
    void poll() {
        for (Entry entry : threads.values()) {
            entry.seen = false;
        }
        try (DirectoryStream<Path> tasks = Files.newDirectoryStream(taskDirectory)) {
            for (Path task : tasks) {
                int tid;
                try {
                    tid = Integer.parseInt(task.getFileName().toString());
                } catch (NumberFormatException e) {
                    continue;
                }
                Entry entry = threads.get(tid);
                if (entry == null) {
                    entry = Entry.open(task, tid, schedstat);
                    if (entry == null) {
                        continue;
                    }
                    threads.put(tid, entry);
                    entry.lastNanos = baselineTaken ? 0 : -1;
                }
                long nanos;
                try {
                    nanos = schedstat ? entry.schedstatFile.readDecimal() : entry.statFile.cpuTicks() * nanosPerTick;
                } catch (EnergyReadException e) {
                    continue;
                }
                entry.seen = true;
                if (entry.lastNanos >= 0) {
                    // a lower value is another thread that got the same id: its whole time is new
                    entry.pendingNanos += nanos >= entry.lastNanos ? nanos - entry.lastNanos : nanos;
                    entry.active = true;
                }
                entry.lastNanos = nanos;
            }
        } catch (NoSuchFileException e) {
            // the process has exited: every thread has ended
        } catch (IOException e) {
            throw new EnergyReadException("cannot list the threads in " + taskDirectory + ": " + e.getMessage(), e);
        }
        for (Iterator<Map.Entry<Integer, Entry>> it = threads.entrySet().iterator(); it.hasNext();) {
            Map.Entry<Integer, Entry> e = it.next();
            Entry entry = e.getValue();
            if (!entry.seen) {
                if (entry.active && entry.pendingNanos > 0) {
                    ended.add(new ThreadCpu(e.getKey(), entry.name, entry.pendingNanos, true));
                }
                entry.close();
                it.remove();
            }
        }
        baselineTaken = true;
    }

    /**
     * Polls, then returns the CPU time over the interval since the previous call of each thread that used some (the
     * first call returns an empty list): the living threads', then those that ended during the interval.
     */
    List<ThreadCpu> advance() {
        poll();
        List<ThreadCpu> result = new ArrayList<>(threads.size() + ended.size());
        threads.forEach((tid, entry) -> {
            if (entry.active && entry.pendingNanos > 0) {
                result.add(new ThreadCpu(tid, entry.name, entry.pendingNanos, false));
                entry.pendingNanos = 0;
            }
        });
        result.addAll(ended);
        ended.clear();
        return result;
    }

    @Override
    public void close() {
        threads.values().forEach(Entry::close);
        threads.clear();
    }

    private static final class Entry {
        final String name;
        final NativeFile schedstatFile;
        final TaskStatFile statFile;
        long lastNanos;
        long pendingNanos;
        boolean active;
        boolean seen;

        private Entry(String name, NativeFile schedstatFile, TaskStatFile statFile) {
            this.name = name;
            this.schedstatFile = schedstatFile;
            this.statFile = statFile;
        }

        /** Opens a thread's files, or returns null when it ended meanwhile. */
        static Entry open(Path task, int tid, boolean schedstat) {
            String name;
            try {
                name = Files.readString(task.resolve("comm"), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                name = "thread " + tid;
            }
            try {
                return schedstat ? new Entry(name, NativeFile.open(task.resolve("schedstat")), null)
                        : new Entry(name, null, TaskStatFile.open(task.resolve("stat")));
            } catch (IOException e) {
                return null;
            }
        }

        void close() {
            if (schedstatFile != null) {
                schedstatFile.close();
            }
            if (statFile != null) {
                statFile.close();
            }
        }
    }
}
