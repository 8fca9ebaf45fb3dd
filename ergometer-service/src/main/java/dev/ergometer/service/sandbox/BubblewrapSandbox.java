package dev.ergometer.service.sandbox;

import dev.ergometer.groups.CgroupException;
import dev.ergometer.groups.CgroupFs;
import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * A {@link Sandbox} that runs every submission in bubblewrap: no network, a read-only system of only what the
 * language runtime needs, a private size-limited /tmp, no view of the service's files or processes, as an
 * unprivileged user, under memory, CPU-time, process-count, file-size and wall-clock limits. A harness inside (Python,
 * or Java compiling the submission itself) runs the test cases, times passes over them for the calibration, and runs
 * the trial loops, stopping at each trial's start and end until the worker answers, so the {@link TrialListener}
 * reads energy counters at exactly those moments.
 *
 * <pre>{@code
 * Sandbox sandbox = BubblewrapSandbox.builder().hide(dataFolder).build();
 * SandboxResult result = sandbox.run(new SandboxRequest(Language.PYTHON, "def solve(a, b):\n    return a + b\n",
 *         "solve", List.of(List.of(1, 2)), 1, 5, Duration.ofSeconds(10), 256L << 20, -1), listener);
 * }</pre>
 *
 * <p>What each limit is and how each hostile submission is stopped: docs/service-sandbox.md.
 */
public final class BubblewrapSandbox implements Sandbox {

    private static final AtomicLong RUNS = new AtomicLong();

    private final SandboxSettings settings;
    private final String processLimitMechanism;

    private BubblewrapSandbox(SandboxSettings settings, String processLimitMechanism) {
        this.settings = settings;
        this.processLimitMechanism = processLimitMechanism;
    }

    /** A builder with the defaults: bwrap from PATH, /usr/bin/python3, this JVM's JDK, user nobody, 64 processes. */
    public static Builder builder() {
        return new Builder();
    }

    /** How this sandbox isolates and limits runs, for logs and health pages. */
    public String describe() {
        return "bubblewrap " + settings.bwrap() + (settings.setpriv() != null ? " as uid " + settings.sandboxUid()
                : " as this user") + "; no network; read-only /usr; private /tmp of " + settings.tmpBytes()
                + " bytes; memory by RLIMIT_AS (and cgroup2 memory.max where delegated); CPU time by RLIMIT_CPU;"
                + " processes by " + processLimitMechanism + "; wall clock by the worker killing the run";
    }

    @Override
    public SandboxResult run(SandboxRequest request, TrialListener listener) throws IOException {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        long startedNanos = System.nanoTime();
        checkRuntime(request.language());
        String requestLine = requestLine(request);
        Path harness = harnessFolder(request.language());
        SandboxCgroup cgroup = null;
        try {
            if (settings.cgroups() != null) {
                cgroup = SandboxCgroup.create(settings.cgroups(), "sandbox-" + ProcessHandle.current().pid() + "-"
                        + RUNS.incrementAndGet(), settings.processLimit(), addressSpaceBytes(request));
            }
            List<String> command = BubblewrapCommand.of(settings, request.language(), harness,
                    cgroup == null ? List.of() : cgroup.procsFiles(), limits(request, cgroup));
            try (HarnessProcess process = HarnessProcess.start(command, cgroup, settings.outputLineBytes(),
                    settings.stderrBytes())) {
                return new TrialDriver(process, cgroup, request, listener, settings.startup(), startedNanos)
                        .drive(requestLine);
            }
        } catch (CgroupException e) {
            throw new IOException(e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while running a submission in the sandbox");
        } finally {
            try {
                if (cgroup != null) {
                    cgroup.close();
                }
            } finally {
                deleteTree(harness);
            }
        }
    }

    private BubblewrapCommand.Limits limits(SandboxRequest request, SandboxCgroup cgroup) {
        int cores = request.cpu() >= 0 ? 1 : Runtime.getRuntime().availableProcessors();
        int calibration = request.trials() > 0 ? 1 : 0; // its rounds add up to well under one timeout
        long budgetSeconds = settings.startup().toSeconds()
                + request.timeout().toSeconds() * (1L + request.warmups() + calibration + request.trials()) + 1;
        return new BubblewrapCommand.Limits(addressSpaceBytes(request), request.memoryBytes(), budgetSeconds * cores,
                cgroup == null ? settings.processLimit() : 0, request.cpu());
    }

    /** RLIMIT_AS: the memory limit for Python; the heap plus what a JVM reserves beyond it for Java. */
    private long addressSpaceBytes(SandboxRequest request) {
        return request.language() == Language.JAVA ? request.memoryBytes() + settings.javaOverheadBytes()
                : request.memoryBytes();
    }

    private String requestLine(SandboxRequest request) {
        return "{\"entryPoint\":" + SandboxJson.write(request.entryPoint())
                + ",\"code\":" + SandboxJson.write(request.code())
                + ",\"inputs\":" + SandboxJson.write(request.inputs())
                + ",\"warmups\":" + request.warmups()
                + ",\"trials\":" + request.trials()
                + ",\"memoryBytes\":" + request.memoryBytes()
                + ",\"tmpBytes\":" + settings.tmpBytes() + "}";
    }

    private void checkRuntime(Language language) throws IOException {
        if (language == Language.PYTHON && !Files.isExecutable(settings.python())) {
            throw new IOException("cannot run Python submissions: " + settings.python() + " is not an executable."
                    + " Fix: install python3 (apt-get install python3), or point the sandbox at it with"
                    + " BubblewrapSandbox.builder().python(path)");
        }
        if (language == Language.JAVA && !Files.isExecutable(settings.javaHome().resolve("bin/javac"))) {
            throw new IOException("cannot run Java submissions: " + settings.javaHome() + " has no bin/javac (a JRE,"
                    + " or no JDK at all). Fix: install a JDK 25 and point the sandbox at it with"
                    + " BubblewrapSandbox.builder().javaHome(path)");
        }
    }

    /** A fresh folder, readable by the sandbox user, holding only the harness of the language. */
    private Path harnessFolder(Language language) throws IOException {
        Path folder = Files.createTempDirectory(settings.workDirectory(), "ergometer-sandbox-");
        try {
            Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
            if (language == Language.PYTHON) {
                copyResource(BubblewrapCommand.PYTHON_HARNESS_FILE, folder.resolve(BubblewrapCommand.PYTHON_HARNESS_FILE));
            } else {
                Path classFolder = folder;
                for (String part : JavaHarness.class.getPackageName().split("\\.")) {
                    classFolder = classFolder.resolve(part);
                    Files.createDirectory(classFolder);
                    Files.setPosixFilePermissions(classFolder, PosixFilePermissions.fromString("rwxr-xr-x"));
                }
                copyResource("JavaHarness.class", classFolder.resolve("JavaHarness.class"));
            }
            return folder;
        } catch (IOException | RuntimeException e) {
            deleteTree(folder);
            throw e;
        }
    }

    private static void copyResource(String name, Path target) throws IOException {
        try (InputStream in = BubblewrapSandbox.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IOException("the harness resource " + name + " is missing from the class path next to "
                        + BubblewrapSandbox.class.getName() + ". Fix: rebuild ergometer-service");
            }
            Files.copy(in, target);
        }
        Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rw-r--r--"));
    }

    private static void deleteTree(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // a leftover folder of harness files is harmless
        }
    }

    /** Builds a {@link BubblewrapSandbox}, checking that bubblewrap can start a sandbox on this machine. */
    public static final class Builder {

        private Path bwrap;
        private Path python = Path.of("/usr/bin/python3");
        private Path javaHome = Path.of(System.getProperty("java.home"));
        private int sandboxUid = 65534;
        private int sandboxGid = 65534;
        private int processLimit = 64;
        private long tmpBytes = 64L << 20;
        private int outputLineBytes = 4 << 20;
        private int stderrBytes = 64 << 10;
        private Duration startup = Duration.ofSeconds(30);
        private long javaOverheadBytes = 768L << 20;
        private final List<Path> hidden = new ArrayList<>(defaultHidden());
        private Path workDirectory = Path.of(System.getProperty("java.io.tmpdir"));
        private boolean useCgroups = true;
        private CgroupFs cgroups;

        private Builder() {
        }

        /** The bubblewrap executable; by default {@code bwrap} found on PATH. */
        public Builder bwrap(Path executable) {
            this.bwrap = Objects.requireNonNull(executable, "executable");
            return this;
        }

        /** The python3 that runs Python submissions (default /usr/bin/python3); its prefix is bound if outside /usr. */
        public Builder python(Path executable) {
            this.python = Objects.requireNonNull(executable, "executable");
            return this;
        }

        /** The JDK that compiles and runs Java submissions (default: the one running the service). */
        public Builder javaHome(Path jdk) {
            this.javaHome = Objects.requireNonNull(jdk, "jdk");
            return this;
        }

        /** The user and group that run submissions when the service is root (default 65534, nobody). */
        public Builder sandboxUser(int uid, int gid) {
            if (uid <= 0 || gid <= 0) {
                throw new IllegalArgumentException("submissions must not run as root: uid and gid must be positive,"
                        + " got " + uid + ":" + gid);
            }
            this.sandboxUid = uid;
            this.sandboxGid = gid;
            return this;
        }

        /** The most processes and threads one run may have at once (default 64; a JVM needs about 20). */
        public Builder processLimit(int processes) {
            if (processes < 4) {
                throw new IllegalArgumentException("the process limit must leave room for the launcher, bubblewrap"
                        + " and the runtime: at least 4, got " + processes);
            }
            this.processLimit = processes;
            return this;
        }

        /** The size of the private /tmp and /dev/shm, and the largest file a run may write (default 64 MiB). */
        public Builder tmpBytes(long bytes) {
            this.tmpBytes = positive(bytes, "tmpBytes");
            return this;
        }

        /** The largest output of one test case, as JSON (default 4 MiB). */
        public Builder outputLineBytes(int bytes) {
            this.outputLineBytes = (int) positive(bytes, "outputLineBytes");
            return this;
        }

        /** How much of the submission's own printing is kept for error messages (default 64 KiB). */
        public Builder stderrBytes(int bytes) {
            this.stderrBytes = (int) positive(bytes, "stderrBytes");
            return this;
        }

        /** The time to start the runtime and load or compile the submission (default 30 s). */
        public Builder startup(Duration allowed) {
            if (allowed.isNegative() || allowed.isZero()) {
                throw new IllegalArgumentException("the startup time must be positive, got " + allowed);
            }
            this.startup = allowed;
            return this;
        }

        /** The address space a JVM needs beyond its heap (default 768 MiB); RLIMIT_AS is heap plus this. */
        public Builder javaOverheadBytes(long bytes) {
            this.javaOverheadBytes = positive(bytes, "javaOverheadBytes");
            return this;
        }

        /**
         * Folders of the service (its data folder; its home is always included) that must stay invisible: build()
         * fails if a bind of the sandbox would show one.
         */
        public Builder hide(Path... folders) {
            for (Path folder : folders) {
                hidden.add(folder.toAbsolutePath().normalize());
            }
            return this;
        }

        /** Where each run's harness folder is made (default java.io.tmpdir); the sandbox user must read it. */
        public Builder workDirectory(Path folder) {
            this.workDirectory = Objects.requireNonNull(folder, "folder");
            return this;
        }

        /** The cgroups to make each run's cgroup in (default: discovered from /proc/self/mountinfo). */
        public Builder cgroups(CgroupFs machine) {
            this.cgroups = Objects.requireNonNull(machine, "machine");
            this.useCgroups = true;
            return this;
        }

        /** Makes no cgroups: processes are then limited by RLIMIT_NPROC of the sandbox user (less precise). */
        public Builder withoutCgroups() {
            this.useCgroups = false;
            this.cgroups = null;
            return this;
        }

        /**
         * Checks the tools and starts one empty sandbox to prove that bubblewrap works here.
         *
         * @throws IOException when bubblewrap or util-linux is missing, a bind would show a hidden folder, or
         *     bubblewrap cannot make its namespaces; the message says how to fix it
         */
        public BubblewrapSandbox build() throws IOException {
            boolean root = isRoot();
            Path bwrapPath = bwrap != null ? bwrap : onPath("bwrap", "bubblewrap is not installed: apt-get install"
                    + " bubblewrap (Debian, Ubuntu), dnf install bubblewrap (Fedora), apk add bubblewrap (Alpine)");
            if (!Files.isExecutable(bwrapPath)) {
                throw new IOException(bwrapPath + " is not an executable. Fix: install bubblewrap (apt-get install"
                        + " bubblewrap) or pass its path to bwrap(...)");
            }
            String utilLinux = "is part of util-linux: apt-get install util-linux";
            Path prlimit = onPath("prlimit", "prlimit " + utilLinux);
            Path taskset = onPath("taskset", "taskset " + utilLinux);
            Path setpriv = root ? onPath("setpriv", "setpriv " + utilLinux) : null;
            Path realPython = Files.exists(python) ? python.toRealPath() : python;
            Path pythonPrefix = realPython.startsWith("/usr") || realPython.getParent() == null
                    || realPython.getParent().getParent() == null ? null : realPython.getParent().getParent();
            CgroupFs machine = null;
            String mechanism = "RLIMIT_NPROC (no cgroup: it counts every process of "
                    + (root ? "uid " + sandboxUid : "this user") + ")";
            if (useCgroups) {
                try {
                    machine = cgroups != null ? cgroups : CgroupFs.discover(SystemPaths.real());
                    try (SandboxCgroup probe = SandboxCgroup.create(machine, "sandbox-probe-"
                            + ProcessHandle.current().pid() + "-" + RUNS.incrementAndGet(), processLimit, 1L << 30)) {
                        mechanism = "the pids.max of a cgroup per run";
                    }
                } catch (CgroupException e) {
                    if (root) {
                        throw new IOException("the sandbox cannot make its cgroup: " + e.getMessage()
                                + " (or build the sandbox withoutCgroups(), which limits processes less precisely)",
                                e);
                    }
                    machine = null;
                }
            }
            SandboxSettings settings = new SandboxSettings(bwrapPath, prlimit, setpriv, taskset, sandboxUid,
                    sandboxGid, realPython, pythonPrefix, javaHome.toAbsolutePath().normalize(), machine,
                    processLimit, tmpBytes, outputLineBytes, stderrBytes, startup, javaOverheadBytes, hidden,
                    workDirectory);
            checkHidden(settings);
            probe(settings);
            return new BubblewrapSandbox(settings, mechanism);
        }

        private static void checkHidden(SandboxSettings settings) throws IOException {
            for (Path folder : settings.hidden()) {
                for (Path bound : BubblewrapCommand.boundFolders(settings)) {
                    if (folder.startsWith(bound) || bound.startsWith(folder)) {
                        throw new IOException("the service's folder " + folder + " would be visible in the sandbox,"
                                + " which binds " + bound + " read-only. Fix: keep the service's data and home out"
                                + " of /usr and of the language runtimes' folders");
                    }
                }
            }
        }

        /** Starts an empty sandbox running {@code true}: user namespaces, binds and the user drop all work. */
        private static void probe(SandboxSettings settings) throws IOException {
            Path folder = Files.createTempDirectory(settings.workDirectory(), "ergometer-sandbox-probe-");
            try {
                Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxr-xr-x"));
                List<String> command = new ArrayList<>();
                if (settings.setpriv() != null) {
                    command.addAll(List.of(settings.setpriv().toString(), "--reuid=" + settings.sandboxUid(),
                            "--regid=" + settings.sandboxGid(), "--clear-groups", "--"));
                }
                command.addAll(BubblewrapCommand.bwrap(settings, folder, Language.PYTHON));
                command.addAll(List.of("--", "/usr/bin/test", "-r", BubblewrapCommand.HARNESS_MOUNT));
                ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
                builder.environment().clear();
                Process process = builder.start();
                String output = new String(process.getInputStream().readAllBytes()).strip();
                int status = process.waitFor();
                if (status != 0) {
                    throw new IOException("bubblewrap cannot start a sandbox here (exit status " + status + ")"
                            + (output.isEmpty() ? "" : ": " + output) + ". Fix: "
                            + (output.contains("uid map") || output.contains("namespace")
                                    ? "enable unprivileged user namespaces (sysctl user.max_user_namespaces=15000;"
                                            + " on Ubuntu also kernel.apparmor_restrict_unprivileged_userns=0)"
                                    : "make " + settings.workDirectory() + " readable by uid "
                                            + settings.sandboxUid() + ", or choose another workDirectory(...)"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while probing bubblewrap");
            } finally {
                deleteTree(folder);
            }
        }

        /** The service's home folder, always kept out of the sandbox (unless it is the root folder). */
        private static List<Path> defaultHidden() {
            Path home = Path.of(System.getProperty("user.home", "/")).toAbsolutePath().normalize();
            return home.getParent() == null ? List.of() : List.of(home);
        }

        private static Path onPath(String program, String fix) throws IOException {
            String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/bin:/usr/sbin:/sbin";
            for (String folder : path.split(":")) {
                if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, program))) {
                    return Path.of(folder, program);
                }
            }
            throw new IOException(program + " was not found on PATH. Fix: " + fix);
        }

        private static boolean isRoot() throws IOException {
            return ((Integer) Files.getAttribute(SystemPaths.real().proc("self"), "unix:uid")) == 0;
        }

        private static long positive(long value, String name) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive, got " + value);
            }
            return value;
        }
    }
}
