package dev.ergometer.service.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of one sandbox run, outermost first:
 * <ol>
 *   <li>{@code sh -c}: writes its own pid to each {@code cgroup.procs} of the run's cgroup, then execs the rest, so
 *       every process of the run starts inside the cgroup;</li>
 *   <li>{@code prlimit}: RLIMIT_AS (memory), RLIMIT_CPU (CPU time), RLIMIT_FSIZE, RLIMIT_CORE 0, RLIMIT_NOFILE, and
 *       RLIMIT_NPROC when there is no pids cgroup;</li>
 *   <li>{@code setpriv}: when the service is root, drops to the sandbox user (nobody), with no supplementary groups;</li>
 *   <li>{@code taskset}: pins to the requested core;</li>
 *   <li>{@code bwrap}: new user, pid, network, IPC, UTS and cgroup namespaces, no further user namespaces, dies with
 *       the worker, a new session; a root of read-only binds of only /usr (and the /bin, /lib... links into it), the
 *       dynamic linker's files from /etc, the runtime when it lives outside /usr, and the harness folder; a fresh
 *       /proc and minimal /dev; private size-limited tmpfs at /tmp and /dev/shm; everything else read-only; an empty
 *       environment but for PATH, HOME, TMPDIR and LANG.</li>
 * </ol>
 * Each step execs the next, so bubblewrap keeps the pid the worker started and {@code --die-with-parent} watches
 * the worker itself.
 */
final class BubblewrapCommand {

    /** Where the harness folder appears inside the sandbox. */
    static final String HARNESS_MOUNT = "/harness";

    /** The class the Java harness runs, copied into the harness folder. */
    static final String JAVA_HARNESS_CLASS = "dev.ergometer.service.sandbox.JavaHarness";

    /** The Python harness's file name in the harness folder. */
    static final String PYTHON_HARNESS_FILE = "python_harness.py";

    private static final List<String> ROOT_LINKS = List.of("bin", "sbin", "lib", "lib32", "lib64", "libx32");
    private static final List<String> ETC_FILES = List.of("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d",
            "/etc/alternatives", "/etc/localtime");
    private static final String JOIN_CGROUP = "while [ \"$1\" != -- ]; do echo $$ > \"$1\" || exit 125; shift; done;"
            + " shift; exec \"$@\"";

    /** The exit status of the launcher when it cannot join the cgroup. */
    static final int JOIN_FAILED = 125;

    /**
     * The limits of one run that the kernel enforces on each process.
     *
     * @param addressSpaceBytes RLIMIT_AS
     * @param heapBytes the JVM's -Xmx (Java only)
     * @param cpuSeconds RLIMIT_CPU, soft; the hard limit (SIGKILL) is 2 s more
     * @param processLimit RLIMIT_NPROC, or 0 when the cgroup's pids.max limits processes instead
     * @param cpu the core to pin to, -1 for none
     */
    record Limits(long addressSpaceBytes, long heapBytes, long cpuSeconds, int processLimit, int cpu) {
    }

    private BubblewrapCommand() {
    }

    /** The whole command line of a run. */
    static List<String> of(SandboxSettings settings, Language language, Path harnessFolder, List<Path> procsFiles,
            Limits limits) {
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", JOIN_CGROUP, "ergometer-sandbox"));
        procsFiles.forEach(file -> command.add(file.toString()));
        command.add("--");

        command.add(settings.prlimit().toString());
        command.add("--as=" + limits.addressSpaceBytes() + ":" + limits.addressSpaceBytes());
        command.add("--cpu=" + limits.cpuSeconds() + ":" + (limits.cpuSeconds() + 2));
        command.add("--fsize=" + settings.tmpBytes() + ":" + settings.tmpBytes());
        command.add("--core=0:0");
        command.add("--nofile=1024:1024");
        if (limits.processLimit() > 0) {
            command.add("--nproc=" + limits.processLimit() + ":" + limits.processLimit());
        }
        command.add("--");

        if (settings.setpriv() != null) {
            command.addAll(List.of(settings.setpriv().toString(), "--reuid=" + settings.sandboxUid(),
                    "--regid=" + settings.sandboxGid(), "--clear-groups", "--"));
        }
        if (limits.cpu() >= 0) {
            command.addAll(List.of(settings.taskset().toString(), "--cpu-list", Integer.toString(limits.cpu())));
        }
        command.addAll(bwrap(settings, harnessFolder, language));
        command.add("--");
        command.addAll(runtime(settings, language, limits));
        return List.copyOf(command);
    }

    /** The bubblewrap part: namespaces, binds, tmpfs and environment. */
    static List<String> bwrap(SandboxSettings settings, Path harnessFolder, Language language) {
        List<String> args = new ArrayList<>(List.of(settings.bwrap().toString(),
                "--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts",
                "--unshare-cgroup-try", "--disable-userns", "--die-with-parent", "--new-session",
                "--hostname", "ergometer-sandbox",
                "--ro-bind", "/usr", "/usr"));
        for (String name : ROOT_LINKS) {
            Path host = Path.of("/", name);
            if (Files.isSymbolicLink(host)) {
                try {
                    args.addAll(List.of("--symlink", Files.readSymbolicLink(host).toString(), host.toString()));
                } catch (IOException e) {
                    // an unreadable link is left out
                }
            } else if (Files.isDirectory(host)) {
                args.addAll(List.of("--ro-bind", host.toString(), host.toString()));
            }
        }
        for (String file : ETC_FILES) {
            args.addAll(List.of("--ro-bind-try", file, file));
        }
        for (Path runtimeFolder : runtimeFolders(settings, language)) {
            args.addAll(List.of("--ro-bind", runtimeFolder.toString(), runtimeFolder.toString()));
        }
        args.addAll(List.of(
                "--ro-bind", harnessFolder.toString(), HARNESS_MOUNT,
                "--proc", "/proc",
                "--dev", "/dev",
                "--size", Long.toString(settings.tmpBytes()), "--tmpfs", "/dev/shm",
                "--size", Long.toString(settings.tmpBytes()), "--tmpfs", "/tmp",
                "--remount-ro", "/dev",
                "--remount-ro", "/",
                "--clearenv",
                "--setenv", "PATH", "/usr/bin:/bin",
                "--setenv", "HOME", "/tmp",
                "--setenv", "TMPDIR", "/tmp",
                "--setenv", "LANG", "C.UTF-8"));
        if (language == Language.JAVA) {
            args.addAll(List.of("--setenv", "MALLOC_ARENA_MAX", "2"));
        }
        args.addAll(List.of("--chdir", "/tmp"));
        return args;
    }

    /** The folders outside /usr that the language's runtime needs bound. */
    static List<Path> runtimeFolders(SandboxSettings settings, Language language) {
        Path folder = language == Language.JAVA ? settings.javaHome() : settings.pythonPrefix();
        return folder == null || folder.startsWith("/usr") ? List.of() : List.of(folder);
    }

    /** Every host folder a run may see (read-only): checked against the service's own folders. */
    static List<Path> boundFolders(SandboxSettings settings) {
        List<Path> folders = new ArrayList<>(List.of(Path.of("/usr")));
        for (String name : ROOT_LINKS) {
            Path host = Path.of("/", name);
            if (!Files.isSymbolicLink(host) && Files.isDirectory(host)) {
                folders.add(host);
            }
        }
        ETC_FILES.forEach(file -> folders.add(Path.of(file)));
        for (Language language : Language.values()) {
            folders.addAll(runtimeFolders(settings, language));
        }
        return folders;
    }

    private static List<String> runtime(SandboxSettings settings, Language language, Limits limits) {
        if (language == Language.PYTHON) {
            return List.of(settings.python().toString(), "-I", "-B", "-X", "utf8",
                    HARNESS_MOUNT + "/" + PYTHON_HARNESS_FILE);
        }
        return List.of(settings.javaHome().resolve("bin/java").toString(),
                "-Xmx" + limits.heapBytes(), "-Xms16m",
                "-XX:+UseSerialGC",
                "-XX:ReservedCodeCacheSize=64m", "-XX:CompressedClassSpaceSize=64m", "-XX:MaxMetaspaceSize=192m",
                "-XX:-UsePerfData", "-XX:+DisplayVMOutputToStderr", "-Xlog:disable", "-Xlog:all=warning:stderr", "-XX:ErrorFile=/tmp/hs_err_pid%p.log",
                "-Xshare:auto", "-Djava.io.tmpdir=/tmp", "-Duser.home=/tmp",
                "-cp", HARNESS_MOUNT, JAVA_HARNESS_CLASS);
    }
}
