package dev.ergometer.service.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The command line of a run, read as text: what is bound, what is limited, in which order. */
class BubblewrapSandboxCommandTest {

    private static final Path HARNESS = Path.of("/tmp/ergometer-sandbox-1");

    private static SandboxSettings settings(Path setpriv) {
        return new SandboxSettings(Path.of("/usr/bin/bwrap"), Path.of("/usr/bin/prlimit"), setpriv,
                Path.of("/usr/bin/taskset"), 65534, 65534, Path.of("/usr/bin/python3.11"), null,
                Path.of("/opt/jdk-25"), null, 64, 1 << 20, 1 << 20, 1 << 16, Duration.ofSeconds(30), 768L << 20,
                List.of(), Path.of("/tmp"));
    }

    @Test
    void theLauncherJoinsTheCgroupThenLimitsThenDropsRootThenPinsThenSandboxes() {
        List<String> command = BubblewrapCommand.of(settings(Path.of("/usr/bin/setpriv")), Language.PYTHON, HARNESS,
                List.of(Path.of("/sys/fs/cgroup/pids/ergometer.slice/sandbox-1/cgroup.procs")),
                new BubblewrapCommand.Limits(256L << 20, 256L << 20, 41, 0, 1));

        assertThat(command.subList(0, 2)).containsExactly("/bin/sh", "-c");
        assertThat(command).containsSubsequence("/sys/fs/cgroup/pids/ergometer.slice/sandbox-1/cgroup.procs", "--",
                "/usr/bin/prlimit", "--as=268435456:268435456", "--cpu=41:43", "--fsize=1048576:1048576",
                "--core=0:0", "--", "/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "--",
                "/usr/bin/taskset", "--cpu-list", "1", "/usr/bin/bwrap", "--", "/usr/bin/python3.11", "-I");
        assertThat(command).noneMatch(arg -> arg.startsWith("--nproc"));
        assertThat(command.getLast()).isEqualTo("/harness/python_harness.py");
    }

    @Test
    void withoutACgroupProcessesAreLimitedByRlimitNproc() {
        List<String> command = BubblewrapCommand.of(settings(null), Language.PYTHON, HARNESS, List.of(),
                new BubblewrapCommand.Limits(1L << 28, 1L << 28, 10, 64, -1));

        assertThat(command).contains("--nproc=64:64").doesNotContain("/usr/bin/setpriv", "/usr/bin/taskset");
    }

    @Test
    void bubblewrapUnsharesEverythingAndBindsOnlyWhatTheRuntimeNeedsReadOnly() {
        List<String> bwrap = BubblewrapCommand.bwrap(settings(null), HARNESS, Language.JAVA);

        assertThat(bwrap).contains("--unshare-user", "--unshare-pid", "--unshare-net", "--unshare-ipc",
                "--unshare-uts", "--disable-userns", "--die-with-parent", "--new-session", "--clearenv");
        assertThat(bwrap).containsSubsequence("--ro-bind", "/usr", "/usr");
        assertThat(bwrap).containsSubsequence("--ro-bind", "/opt/jdk-25", "/opt/jdk-25");
        assertThat(bwrap).containsSubsequence("--ro-bind", HARNESS.toString(), "/harness");
        assertThat(bwrap).containsSubsequence("--size", "1048576", "--tmpfs", "/tmp");
        assertThat(bwrap).containsSubsequence("--tmpfs", "/tmp", "--remount-ro", "/dev", "--remount-ro", "/");
        assertThat(Collections.indexOfSubList(bwrap, List.of("--remount-ro", "/")))
                .isGreaterThan(bwrap.lastIndexOf("--ro-bind"));
        assertThat(bwrap).doesNotContain("--bind", "--dev-bind", "--share-net", "/home", "/root", "/var", "/etc",
                "/run", "/work");
        for (int i = 0; i < bwrap.size(); i++) {
            if (bwrap.get(i).startsWith("--ro-bind")) {
                assertThat(bwrap.get(i + 1)).as("a bound host folder")
                        .matches("/usr|/opt/jdk-25|" + HARNESS + "|/etc/(ld\\.so\\..*|alternatives|localtime)");
            }
        }
    }

    @Test
    void javaRunsWithTheHeapAsItsMemoryLimitAndLogsToStderr() {
        List<String> command = BubblewrapCommand.of(settings(null), Language.JAVA, HARNESS, List.of(),
                new BubblewrapCommand.Limits((256L << 20) + (768L << 20), 256L << 20, 10, 0, -1));

        assertThat(command).contains("--as=1073741824:1073741824", "-Xmx268435456", "-Xlog:all=warning:stderr",
                "-XX:+DisplayVMOutputToStderr", "/opt/jdk-25/bin/java");
        assertThat(command.getLast()).isEqualTo("dev.ergometer.service.sandbox.JavaHarness");
    }

    @Test
    void aServiceFolderInsideABoundFolderIsRefusedAtBuildTime() {
        assertThatThrownBy(() -> BubblewrapSandbox.builder().hide(Path.of("/usr/local/share/ergometer-data"))
                .build())
                .isInstanceOf(IOException.class)
                .hasMessageContaining("/usr/local/share/ergometer-data would be visible in the sandbox")
                .hasMessageContaining("Fix:");
    }
}
