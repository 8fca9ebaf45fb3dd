package dev.ergometer.service.sandbox;

import dev.ergometer.groups.CgroupException;
import dev.ergometer.groups.CgroupFs;
import dev.ergometer.groups.CgroupHierarchy;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/**
 * The transient cgroup of one sandbox run, made under {@value CgroupFs#SLICE} next to the process groups of
 * {@link CgroupFs} (whose discovery of the mounted hierarchies it reuses), and removed when the run ends.
 *
 * <p>It is made in the cgroup2 tree, for {@code cgroup.kill} (one write ends every process of the run, however many
 * it forked) and, where cgroup2 delegates them to {@value CgroupFs#SLICE}, for {@code pids.max} and
 * {@code memory.max}; and in the cgroup v1 {@code pids} tree when the pids controller lives there (hybrid and legacy
 * machines). It never touches the v1 {@code memory} tree, where the machine's own processes live. The launcher joins
 * it before anything of the run starts (see {@link #procsFiles()}), so every process of the run is inside it.
 */
final class SandboxCgroup implements AutoCloseable {

    private static final long REMOVE_RETRY_NANOS = 3_000_000_000L;

    private final List<Path> directories;
    private final List<Path> procsFiles;
    private final Path killFile;
    private final Path pidsDirectory;
    private final Path memoryDirectory;

    private SandboxCgroup(List<Path> directories, List<Path> procsFiles, Path killFile, Path pidsDirectory,
            Path memoryDirectory) {
        this.directories = List.copyOf(directories);
        this.procsFiles = List.copyOf(procsFiles);
        this.killFile = killFile;
        this.pidsDirectory = pidsDirectory;
        this.memoryDirectory = memoryDirectory;
    }

    /**
     * Makes the cgroup {@code ergometer.slice/NAME} wherever it is useful and sets its limits.
     *
     * @param processLimit the value of {@code pids.max}: processes and threads together
     * @param memoryBytes the value of cgroup2's {@code memory.max}, where cgroup2 delegates the memory controller
     * @throws CgroupException when a directory or limit cannot be written (not root, read-only tree), or when no
     *     hierarchy offers a pids limit
     */
    static SandboxCgroup create(CgroupFs cgroups, String name, int processLimit, long memoryBytes)
            throws CgroupException {
        String what = "cannot create the sandbox cgroup " + CgroupFs.SLICE + "/" + name;
        List<Path> made = new ArrayList<>();
        List<Path> procs = new ArrayList<>();
        Path kill = null;
        Path pids = null;
        Path memory = null;
        try {
            for (CgroupHierarchy h : cgroups.discovered()) {
                boolean useful = h.unified() || h.has("pids");
                if (!useful || h.readOnly()) {
                    continue;
                }
                Path slice = h.directory(h.cgroupPath(CgroupFs.SLICE));
                Path group = slice.resolve(name);
                makeGroup(slice, group, what);
                made.add(group);
                procs.add(group.resolve("cgroup.procs"));
                if (h.unified()) {
                    if (Files.exists(group.resolve("cgroup.kill"))) {
                        kill = group.resolve("cgroup.kill");
                    }
                    Set<String> delegated = Set.copyOf(words(slice.resolve("cgroup.controllers")));
                    if (delegated.contains("pids") && enable(slice, "pids")) {
                        write(group.resolve("pids.max"), Integer.toString(processLimit), what);
                        pids = group;
                    }
                    if (delegated.contains("memory") && enable(slice, "memory")) {
                        write(group.resolve("memory.max"), Long.toString(memoryBytes), what);
                        if (Files.exists(group.resolve("memory.swap.max"))) {
                            write(group.resolve("memory.swap.max"), "0", what);
                        }
                        if (Files.exists(group.resolve("memory.oom.group"))) {
                            write(group.resolve("memory.oom.group"), "1", what);
                        }
                        memory = group;
                    }
                } else if (pids == null) {
                    write(group.resolve("pids.max"), Integer.toString(processLimit), what);
                    pids = group;
                }
            }
            if (pids == null) {
                throw new CgroupException(what, "no writable cgroup hierarchy offers the pids controller (neither"
                        + " cgroup2 delegating it to " + CgroupFs.SLICE + " nor a cgroup v1 pids tree)",
                        "mount the pids controller, or enable it in the cgroup2 root's cgroup.subtree_control");
            }
        } catch (CgroupException | RuntimeException e) {
            removeAll(made);
            throw e;
        }
        return new SandboxCgroup(made, procs, kill, pids, memory);
    }

    /** The {@code cgroup.procs} files the launcher writes its pid to before it starts the sandbox. */
    List<Path> procsFiles() {
        return procsFiles;
    }

    /** True when cgroup2's {@code memory.max} limits the run (otherwise only RLIMIT_AS does). */
    boolean limitsMemory() {
        return memoryDirectory != null;
    }

    /** True when the run tried to make more processes or threads than {@code pids.max} allows. */
    boolean processLimitHit() {
        if (pidsDirectory == null) {
            return false;
        }
        for (String line : lines(pidsDirectory.resolve("pids.events"))) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 2 && fields[0].equals("max") && !fields[1].equals("0")) {
                return true;
            }
        }
        return false;
    }

    /** True when the kernel's OOM killer ended a process of the run for crossing {@code memory.max}. */
    boolean memoryLimitHit() {
        if (memoryDirectory == null) {
            return false;
        }
        for (String line : lines(memoryDirectory.resolve("memory.events"))) {
            String[] fields = line.trim().split("\\s+");
            if (fields.length == 2 && (fields[0].equals("oom_kill") || fields[0].equals("max"))
                    && !fields[1].equals("0")) {
                return true;
            }
        }
        return false;
    }

    /** Kills every process in the cgroup: one write to {@code cgroup.kill}, else SIGKILL to each listed pid. */
    void killAll() {
        if (killFile != null) {
            try {
                Files.writeString(killFile, "1");
                return;
            } catch (IOException e) {
                // fall back to killing each process
            }
        }
        for (Path procs : procsFiles) {
            for (String pid : words(procs)) {
                ProcessHandle.of(Long.parseLong(pid)).ifPresent(ProcessHandle::destroyForcibly);
            }
        }
    }

    /**
     * Kills what is left and removes the cgroup's directories (retrying while the kernel still counts dying
     * processes), and {@value CgroupFs#SLICE} when it is left empty.
     *
     * @throws IllegalStateException when a directory could not be removed within 3 s
     */
    @Override
    public void close() {
        long deadline = System.nanoTime() + REMOVE_RETRY_NANOS;
        List<String> failures = new ArrayList<>();
        for (Path group : directories) {
            while (true) {
                try {
                    Files.deleteIfExists(group);
                    break;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        failures.add(group + ": " + e.getMessage());
                        break;
                    }
                    killAll();
                    sleepBriefly();
                }
            }
            try {
                Files.deleteIfExists(group.getParent());
            } catch (IOException stillUsed) {
                // another run or process group is in the slice
            }
        }
        if (!failures.isEmpty()) {
            throw new IllegalStateException("cannot remove the sandbox cgroup: " + String.join("; ", failures)
                    + ". Fix: kill the processes listed in its cgroup.procs, then rmdir it");
        }
    }

    private static void makeGroup(Path slice, Path group, String what) throws CgroupException {
        for (int attempt = 0; ; attempt++) {
            try {
                Files.createDirectories(slice);
                Files.createDirectory(group);
                return;
            } catch (FileAlreadyExistsException e) {
                throw new CgroupException(what, group + " already exists", "remove the stale group (rmdir "
                        + group + ") or pick another name");
            } catch (NoSuchFileException e) {
                if (attempt < 5) {
                    continue; // another run removed the empty slice between our two mkdirs
                }
                throw new CgroupException(what, "cannot make " + group + ": " + e, "");
            } catch (IOException e) {
                throw new CgroupException(what, "cannot make " + group + ": " + e, CgroupException.NEEDS_WRITE_ACCESS);
            }
        }
    }

    /** Enables a controller for the children of the slice; false when the kernel refuses. */
    private static boolean enable(Path slice, String controller) {
        if (words(slice.resolve("cgroup.subtree_control")).contains(controller)) {
            return true;
        }
        try {
            Files.writeString(slice.resolve("cgroup.subtree_control"), "+" + controller);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static void write(Path file, String value, String what) throws CgroupException {
        try {
            Files.writeString(file, value);
        } catch (IOException e) {
            throw new CgroupException(what, "cannot write " + value + " to " + file + ": " + e,
                    CgroupException.NEEDS_WRITE_ACCESS);
        }
    }

    private static void removeAll(List<Path> groups) {
        for (Path group : groups) {
            try {
                Files.deleteIfExists(group);
            } catch (IOException e) {
                // best effort while failing anyway
            }
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.readAllLines(file);
        } catch (IOException e) {
            return List.of();
        }
    }

    private static List<String> words(Path file) {
        List<String> words = new ArrayList<>();
        for (String line : lines(file)) {
            for (String word : line.trim().split("\\s+")) {
                if (!word.isEmpty()) {
                    words.add(word);
                }
            }
        }
        return Collections.unmodifiableList(words);
    }

    private static void sleepBriefly() {
        try {
            Thread.sleep(10);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
