package dev.ergometer.attribution;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Every process of a procfs, followed from one scan to the next: the CPU time each used in between, including
 * processes that started or ended in between.
 *
 * <p><b>Ended processes.</b> A process that ends between two scans used some CPU time after it was last seen; that
 * time is gone with its {@code /proc/PID/stat}, but when its parent waits for it the kernel adds its whole time
 * (user, system and its own waited-for children's) to the parent's {@code cutime + cstime} (fields 16 and 17). So
 * for each living process {@code A}, over the interval:
 * <pre>
 *   unseen(A) = max(0, increase of A's cutime+cstime
 *                      - sum over ended processes D whose nearest living ancestor is A
 *                          of D's utime+stime+cutime+cstime when last seen)
 * </pre>
 * is exactly the time those ended descendants used since they were last seen, plus the time of children that began
 * and ended within the interval, never seen. It is shared equally among the ended descendants (the rounding rest to
 * the last); when none was tracked, it goes to {@code A} itself, which started the short-lived children. A process
 * whose parent did not wait for it (reparented to init or a subreaper) makes {@code unseen} smaller, never larger:
 * the error is under-attribution, which ends up unattributed. A pid seen again with another start time (field 22) is
 * a new process; the old one is handled as ended.
 *
 * <p>Not thread-safe.
 */
final class ProcessTable implements AutoCloseable {

    private static final byte[] STAT = "stat".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CGROUP = "cgroup".getBytes(StandardCharsets.US_ASCII);

    private final Path procfs;
    private final ProcFileReader reader;
    private final ProcessStat stat = new ProcessStat();
    private final long nanosPerTick;
    private Map<Integer, Entry> entries = new HashMap<>();
    private Map<Integer, Entry> next = new HashMap<>();
    private boolean first = true;

    /** One followed process. */
    private static final class Entry {
        final Consumer.Process consumer;
        final String cgroupPath;
        int ppid;
        long cpuTicks;
        long childrenTicks;
        long previousChildrenTicks;
        long deltaTicks;

        Entry(Consumer.Process consumer, String cgroupPath) {
            this.consumer = consumer;
            this.cgroupPath = cgroupPath;
        }
    }

    ProcessTable(Path procfs, long clockTicksPerSecond) {
        this.procfs = procfs;
        this.reader = new ProcFileReader(procfs);
        this.nanosPerTick = 1_000_000_000L / clockTicksPerSecond;
    }

    /** The number of processes followed after the last scan. */
    int size() {
        return entries.size();
    }

    /**
     * Reads every process and returns the CPU time each used since the previous scan (0 for all on the first scan,
     * which only sets the baseline). Ended processes are in the result with their unseen last share.
     */
    ConsumerCpu scan() {
        for (int pid : listPids()) {
            int n = reader.read(pid, STAT);
            if (n < 0) {
                continue; // ended between the listing and the read: handled as ended below
            }
            stat.parse(reader, n, procfs + "/" + pid + "/stat");
            Entry entry = entries.remove(pid);
            if (entry != null && entry.consumer.startTimeTicks() != stat.startTimeTicks) {
                entries.put(-pid, entry); // the pid was reused: the old process ended
                entry = null;
            }
            if (entry == null) {
                entry = newEntry(pid);
                if (entry == null) {
                    continue;
                }
                entry.deltaTicks = first ? 0 : entry.cpuTicks;
                entry.previousChildrenTicks = stat.childrenTicks();
            } else {
                entry.deltaTicks = Math.max(0, stat.cpuTicks() - entry.cpuTicks);
                entry.previousChildrenTicks = entry.childrenTicks;
                entry.cpuTicks = stat.cpuTicks();
            }
            entry.childrenTicks = stat.childrenTicks();
            entry.ppid = stat.ppid;
            next.put(pid, entry);
        }
        // what is left in entries has ended
        Map<Integer, Entry> ended = entries;
        List<Consumer> consumers = new ArrayList<>(next.size() + ended.size());
        List<String> paths = new ArrayList<>(next.size() + ended.size());
        long[] deltas = new long[next.size() + ended.size()];
        int i = 0;
        Map<Entry, List<Entry>> endedByAncestor = first ? Map.of() : endedByLivingAncestor(ended);
        for (Entry entry : next.values()) {
            long delta = entry.deltaTicks;
            List<Entry> gone = endedByAncestor.get(entry);
            if (gone != null) {
                long unseen = entry.childrenTicks - entry.previousChildrenTicks;
                for (Entry d : gone) {
                    unseen -= d.cpuTicks + d.childrenTicks;
                }
                unseen = Math.max(0, unseen);
                long each = unseen / gone.size();
                for (int k = 0; k < gone.size(); k++) {
                    gone.get(k).deltaTicks = k == gone.size() - 1 ? unseen - each * (gone.size() - 1) : each;
                }
            } else if (!first) {
                long unseen = entry.childrenTicks - entry.previousChildrenTicks;
                delta += Math.max(0, unseen);
            }
            consumers.add(entry.consumer);
            paths.add(entry.cgroupPath);
            deltas[i++] = delta * nanosPerTick;
        }
        for (Entry entry : ended.values()) {
            consumers.add(entry.consumer);
            paths.add(entry.cgroupPath);
            deltas[i++] = entry.deltaTicks * nanosPerTick;
        }
        entries = next;
        ended.clear();
        next = ended;
        first = false;
        return new ConsumerCpu(consumers, deltas, paths);
    }

    /** Ended processes grouped by their nearest living ancestor (those without one are left out). */
    private Map<Entry, List<Entry>> endedByLivingAncestor(Map<Integer, Entry> ended) {
        Map<Entry, List<Entry>> byAncestor = new HashMap<>();
        Map<Integer, Entry> endedByPid = new HashMap<>();
        for (Map.Entry<Integer, Entry> e : ended.entrySet()) {
            e.getValue().deltaTicks = 0;
            endedByPid.put(e.getValue().consumer.pid(), e.getValue());
        }
        for (Entry d : ended.values()) {
            int ppid = d.ppid;
            for (int hops = 0; hops < 4096 && ppid > 0; hops++) {
                Entry living = next.get(ppid);
                if (living != null) {
                    byAncestor.computeIfAbsent(living, k -> new ArrayList<>()).add(d);
                    break;
                }
                Entry parent = endedByPid.get(ppid);
                if (parent == null) {
                    break;
                }
                ppid = parent.ppid;
            }
        }
        return byAncestor;
    }

    private Entry newEntry(int pid) {
        Consumer.Process consumer = new Consumer.Process(pid, stat.startTimeTicks,
                reader.string(stat.commFrom, stat.commTo));
        long cpu = stat.cpuTicks();
        int ppid = stat.ppid;
        int n = reader.read(pid, CGROUP);
        if (n < 0) {
            return null;
        }
        Entry entry = new Entry(consumer, ProcessCgroup.parse(reader, n));
        entry.cpuTicks = cpu;
        entry.ppid = ppid;
        return entry;
    }

    private List<Integer> listPids() {
        List<Integer> pids = new ArrayList<>(entries.size() + 64);
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(procfs)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                int pid = parsePid(name);
                if (pid > 0) {
                    pids.add(pid);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the processes in " + procfs + ": " + e.getMessage(), e);
        }
        return pids;
    }

    private static int parsePid(String name) {
        if (name.isEmpty() || name.length() > 9) {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    @Override
    public void close() {
        reader.close();
    }
}
