package dev.ergometer.service.sandbox;

import dev.ergometer.groups.CgroupFs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How a {@link BubblewrapSandbox} runs submissions: the programs it starts, the user it drops to, the runtimes, and
 * the limits that do not come with each request.
 *
 * @param bwrap the bubblewrap executable
 * @param prlimit util-linux prlimit, which sets the resource limits before the sandbox starts
 * @param setpriv util-linux setpriv, which drops root to {@code sandboxUid}; null when the service is not root
 * @param taskset util-linux taskset, for pinning to a core
 * @param sandboxUid the user (outside the sandbox) that runs submissions when the service is root
 * @param sandboxGid its group
 * @param python the python3 executable inside the sandbox
 * @param pythonPrefix a directory bound read-only for a python3 outside /usr (null when python3 is under /usr)
 * @param javaHome the JDK (with javac) the Java harness runs on
 * @param cgroups the machine's cgroups, for the run's cgroup; null for none (RLIMIT_NPROC then limits processes)
 * @param processLimit the most processes and threads of one run (pids.max, or RLIMIT_NPROC without cgroups)
 * @param tmpBytes the size of the private /tmp (and of /dev/shm), and the largest file the run may write
 * @param outputLineBytes the largest protocol line (one test case's output as JSON)
 * @param stderrBytes how much of the submission's own output (stdout and stderr) is kept for the error message
 * @param startup the time allowed to start the runtime and load (for Java: compile) the submission
 * @param javaOverheadBytes the address space a JVM needs beyond its heap (code cache, metaspace, thread stacks)
 * @param hidden folders of the service (data, home) checked at build time to stay outside every bound folder
 * @param workDirectory where each run's harness folder is made (it must be readable by {@code sandboxUid})
 */
record SandboxSettings(Path bwrap, Path prlimit, Path setpriv, Path taskset, int sandboxUid, int sandboxGid,
        Path python, Path pythonPrefix, Path javaHome, CgroupFs cgroups, int processLimit, long tmpBytes,
        int outputLineBytes, int stderrBytes, Duration startup, long javaOverheadBytes, List<Path> hidden,
        Path workDirectory) {

    SandboxSettings {
        Objects.requireNonNull(bwrap, "bwrap");
        Objects.requireNonNull(prlimit, "prlimit");
        Objects.requireNonNull(taskset, "taskset");
        Objects.requireNonNull(python, "python");
        Objects.requireNonNull(javaHome, "javaHome");
        Objects.requireNonNull(startup, "startup");
        Objects.requireNonNull(workDirectory, "workDirectory");
        hidden = List.copyOf(hidden);
    }
}
