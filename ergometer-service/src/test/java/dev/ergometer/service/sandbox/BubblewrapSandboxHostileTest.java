package dev.ergometer.service.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.ergometer.groups.CgroupFs;
import dev.ergometer.groups.CgroupHierarchy;
import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile submissions in the real sandbox: each is contained, comes back as a clear failure, leaves no process or
 * cgroup behind, and the next normal submission still runs. Needs bwrap, python3 and root (as CI runs); fails, never
 * skips, without them.
 */
class BubblewrapSandboxHostileTest {

    private static final long MEMORY_BYTES = 256L << 20;
    private static BubblewrapSandbox sandbox;

    @BeforeAll
    static void buildTheSandbox() throws IOException {
        sandbox = BubblewrapSandboxTest.buildRealSandbox();
    }

    @AfterEach
    void theServiceKeepsServingAndNothingIsLeftBehind() throws Exception {
        SandboxResult normal = sandbox.run(python("def solve(a, b):\n    return a + b\n", List.of(List.of(1, 2))),
                TrialListener.NONE);
        assertThat(normal.outcome()).as("a normal submission after the hostile one: %s", normal.errorMessage())
                .isEqualTo(SandboxResult.Outcome.OK);
        assertThat(normal.outputs()).containsExactly(3L);
        assertThat(sandboxUserProcesses()).as("live processes of the sandbox user left running")
                .extracting(BubblewrapSandboxHostileTest::describe).isEmpty();
        assertThat(sandboxCgroups()).as("sandbox cgroups left behind").isEmpty();
    }

    @Test
    void connectingToTheNetworkIsRefused() throws IOException {
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            server.setSoTimeout(300);
            String code = "import socket\ndef solve(host, port):\n"
                    + "    socket.create_connection((host, port), timeout=3)\n    return 'connected'\n";

            SandboxResult loopback = sandbox.run(python(code, List.of(List.of("127.0.0.1", server.getLocalPort()))),
                    TrialListener.NONE);
            SandboxResult internet = sandbox.run(python(code, List.of(List.of("1.1.1.1", 80))), TrialListener.NONE);
            SandboxResult lookup = sandbox.run(python(code, List.of(List.of("example.com", 80))),
                    TrialListener.NONE);

            assertThat(List.of(loopback, internet, lookup)).allSatisfy(result -> {
                assertThat(result.errorType()).as(result.errorMessage()).isEqualTo("SECURITY");
                assertThat(result.errorMessage()).contains("no network");
            });
            try {
                server.accept().close();
                throw new AssertionError("the sandbox reached the test's server on the host's loopback");
            } catch (SocketTimeoutException expected) {
                // nothing connected
            }
        }
    }

    @Test
    void writingOutsideTmpIsRefused(@TempDir Path serviceData) throws IOException {
        String code = "def solve(path):\n    open(path, 'w').write('owned')\n    return path\n";
        for (String path : List.of("/usr/owned", "/owned", "/harness/owned", "/etc/owned", "/dev/owned")) {
            SandboxResult result = sandbox.run(python(code, List.of(path)), TrialListener.NONE);
            assertThat(result.errorType()).as(path + ": " + result.errorMessage()).isEqualTo("SECURITY");
            assertThat(result.errorMessage()).contains("read-only");
        }
        SandboxResult hostPath = sandbox.run(python(code, List.of(serviceData.resolve("owned").toString())),
                TrialListener.NONE);
        SandboxResult tmp = sandbox.run(python(code, List.of("/tmp/fine")), TrialListener.NONE);

        assertThat(hostPath.errorType()).isEqualTo("RUNTIME");
        assertThat(hostPath.errorMessage()).contains("No such file or directory");
        assertThat(serviceData.resolve("owned")).doesNotExist();
        assertThat(Path.of("/usr/owned")).doesNotExist();
        assertThat(tmp.outcome()).isEqualTo(SandboxResult.Outcome.OK);
    }

    @Test
    @SuppressWarnings("unchecked")
    void theServicesFilesProcessesAndEnvironmentAreInvisible(@TempDir Path serviceData) throws IOException {
        Path secret = Files.writeString(serviceData.resolve("results.db"), "s3cr3t-energy-results");
        SandboxResult read = sandbox.run(python("def solve(path):\n    return open(path).read()\n",
                List.of(secret.toString())), TrialListener.NONE);
        SandboxResult looked = sandbox.run(python("""
                import os
                def solve(jvm):
                    try:
                        os.kill(jvm, 0)
                        seen = True
                    except ProcessLookupError:
                        seen = False
                    return {'root': sorted(os.listdir('/')), 'etc': sorted(os.listdir('/etc')),
                            'pids': sorted(int(p) for p in os.listdir('/proc') if p.isdigit()),
                            'env': sorted(os.environ), 'jvm_visible': seen, 'uid': os.getuid()}
                """, List.of(ProcessHandle.current().pid())), TrialListener.NONE);

        assertThat(read.errorType()).isEqualTo("RUNTIME");
        assertThat(read.errorMessage()).contains("No such file or directory").doesNotContain("s3cr3t");
        assertThat(looked.outcome()).as(looked.errorMessage()).isEqualTo(SandboxResult.Outcome.OK);
        Map<String, Object> view = (Map<String, Object>) looked.outputs().getFirst();
        assertThat((List<Object>) view.get("root")).doesNotContain("root", "home", "work", "var", "opt", "srv", "mnt",
                "run").contains("usr", "tmp", "proc", "dev", "harness");
        assertThat((List<Object>) view.get("etc")).doesNotContain("passwd", "shadow", "hosts", "resolv.conf");
        assertThat((List<Object>) view.get("pids")).as("only the sandbox's own processes").hasSizeLessThan(5);
        assertThat(view.get("jvm_visible")).isEqualTo(false);
        assertThat((List<Object>) view.get("env")).isSubsetOf("PATH", "HOME", "TMPDIR", "LANG", "LC_CTYPE", "PWD");
        assertThat(view.get("uid")).isEqualTo(65534L);
    }

    @Test
    void aForkBombStopsAtTheProcessLimit() throws IOException {
        SandboxResult result = sandbox.run(python("import os\ndef solve(x):\n    while True:\n        os.fork()\n",
                List.of(1)), TrialListener.NONE);

        assertThat(result.errorType()).as(result.errorMessage()).isEqualTo("SECURITY");
        assertThat(result.errorMessage()).contains("process limit");
        assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void aJavaThreadBombStopsAtTheProcessLimit() throws IOException {
        SandboxResult result = sandbox.run(java("""
                class Bomb {
                    static int bomb(int x) throws Exception {
                        while (true) {
                            new Thread(() -> { try { Thread.sleep(60_000); } catch (InterruptedException e) { } })
                                    .start();
                        }
                    }
                }
                """, "bomb", List.of(1)), TrialListener.NONE);

        assertThat(result.errorType()).as(result.errorMessage()).isEqualTo("SECURITY");
        assertThat(result.errorMessage()).contains("process limit");
    }

    @Test
    void memoryBombsStopAtTheMemoryLimit() throws IOException {
        SandboxResult atOnce = sandbox.run(python("def solve(x):\n    return len(bytearray(1 << 34))\n", List.of(1)),
                TrialListener.NONE);
        SandboxResult growing = sandbox.run(python("""
                def solve(x):
                    hoard = []
                    while True:
                        hoard.append(bytearray(1 << 20))
                """, List.of(1)), TrialListener.NONE);
        SandboxResult javaHeap = sandbox.run(java("""
                import java.util.*;
                class Hoard {
                    static int hoard(int x) {
                        List<long[]> hoard = new ArrayList<>();
                        while (true) hoard.add(new long[1 << 20]);
                    }
                }
                """, "hoard", List.of(1)), TrialListener.NONE);

        assertThat(List.of(atOnce, growing, javaHeap)).allSatisfy(result -> {
            assertThat(result.errorType()).as(result.errorMessage()).isEqualTo("MEMORY");
            assertThat(result.errorMessage()).contains("the limit is " + MEMORY_BYTES + " bytes");
        });
    }

    @Test
    void endlessLoopsTimeOutAndAreKilled() throws IOException {
        SandboxRequest python = new SandboxRequest(Language.PYTHON, "def solve(x):\n    while True:\n        pass\n",
                "solve", List.of(1), 0, 0, Duration.ofSeconds(1), MEMORY_BYTES, -1);
        SandboxRequest inTrial = new SandboxRequest(Language.PYTHON, """
                calls = 0
                def solve(x):
                    global calls
                    calls += 1
                    while calls > 2:
                        pass
                    return x
                """, "solve", List.of(1), 1, 5, Duration.ofSeconds(1), MEMORY_BYTES, -1);
        SandboxRequest java = new SandboxRequest(Language.JAVA,
                "class Spin { static int spin(int x) { while (true) { } } }", "spin", List.of(1), 0, 0,
                Duration.ofSeconds(1), MEMORY_BYTES, -1);

        SandboxResult pythonResult = sandbox.run(python, TrialListener.NONE);
        SandboxResult trialResult = sandbox.run(inTrial, TrialListener.NONE);
        SandboxResult javaResult = sandbox.run(java, TrialListener.NONE);

        assertThat(List.of(pythonResult, trialResult, javaResult)).allSatisfy(result -> {
            assertThat(result.errorType()).as(result.errorMessage()).isEqualTo("TIMEOUT");
            assertThat(result.errorMessage()).contains("time limit of 1.0 s");
        });
        assertThat(pythonResult.elapsed()).isLessThan(Duration.ofSeconds(4));
        assertThat(trialResult.errorMessage()).startsWith("trial 0");
        assertThat(trialResult.outputs()).containsExactly(1L);
    }

    @Test
    void anEndlessLoopWhileLoadingTimesOutAfterTheStartupTime() throws IOException {
        BubblewrapSandbox quick = BubblewrapSandbox.builder().startup(Duration.ofSeconds(2)).build();
        SandboxResult result = quick.run(python("while True:\n    pass\n", List.of(1)), TrialListener.NONE);

        assertThat(result.errorType()).isEqualTo("TIMEOUT");
        assertThat(result.errorMessage()).contains("loading the submission took longer than 2.0 s");
    }

    @Test
    void processesLeftRunningByTheSubmissionAreKilledWhenTheRunEnds() throws IOException {
        SandboxResult result = sandbox.run(python("""
                import os
                def solve(x):
                    if os.fork() == 0:
                        os.setsid()
                        while True:
                            pass
                    return x
                """, List.of(7)), TrialListener.NONE);

        assertThat(result.outcome()).as(result.errorMessage()).isEqualTo(SandboxResult.Outcome.OK);
        assertThat(result.outputs()).containsExactly(7L);
        // the @AfterEach finds no process of the sandbox user
    }

    @Test
    void killingTheParentOrEveryProcessReachesNothingOutsideTheSandbox() throws Exception {
        Process bystander = new ProcessBuilder("sleep", "60").start();
        try {
            SandboxResult parent = sandbox.run(python("import os\ndef solve(x):\n    os.kill(os.getppid(), 9)\n"
                    + "    return 'alive'\n", List.of(1)), TrialListener.NONE);
            SandboxResult everyone = sandbox.run(python("import os\ndef solve(x):\n    os.system('kill -9 -1')\n"
                    + "    return 'alive'\n", List.of(1)), TrialListener.NONE);
            SandboxResult theJvm = sandbox.run(python("import os\ndef solve(pid):\n    os.kill(pid, 9)\n",
                    List.of(ProcessHandle.current().pid())), TrialListener.NONE);
            SandboxResult exit = sandbox.run(java("class Quit { static int quit(int x) { System.exit(3); return x; } }",
                    "quit", List.of(1)), TrialListener.NONE);

            assertThat(parent.outcome()).as("the sandbox's init ignores the kill: %s", parent.errorMessage())
                    .isEqualTo(SandboxResult.Outcome.OK);
            assertThat(parent.outputs()).containsExactly("alive");
            assertThat(everyone.errorType()).isEqualTo("CRASH");
            assertThat(everyone.errorMessage()).contains("killed by SIGKILL");
            assertThat(theJvm.errorType()).isEqualTo("RUNTIME");
            assertThat(theJvm.errorMessage()).contains("ProcessLookupError");
            assertThat(exit.errorType()).isEqualTo("RUNTIME");
            assertThat(exit.errorMessage()).contains("System.exit");
            assertThat(bystander.isAlive()).as("a process of the host outside the sandbox").isTrue();
        } finally {
            bystander.destroyForcibly();
        }
    }

    @Test
    void printingCannotForgeTheProtocolAndFloodsAreCapped() throws IOException {
        SandboxResult forged = sandbox.run(python("""
                import sys
                def solve(x):
                    print('{"event":"error","type":"TIMEOUT","message":"forged"}')
                    sys.stdout.flush()
                    return x
                """, List.of(5)), TrialListener.NONE);
        SandboxRequest flood = new SandboxRequest(Language.PYTHON,
                "def solve(x):\n    while True:\n        print('x' * 10000)\n", "solve", List.of(1), 0, 0,
                Duration.ofSeconds(1), MEMORY_BYTES, -1);

        SandboxResult flooded = sandbox.run(flood, TrialListener.NONE);

        assertThat(forged.outcome()).isEqualTo(SandboxResult.Outcome.OK);
        assertThat(forged.outputs()).containsExactly(5L);
        assertThat(flooded.errorType()).isEqualTo("TIMEOUT");
    }

    @Test
    void fillingTmpFailsWithoutTouchingTheHost() throws IOException {
        SandboxResult result = sandbox.run(python("""
                def solve(x):
                    with open('/tmp/fill', 'wb') as f:
                        while True:
                            f.write(b'x' * (1 << 20))
                """, List.of(1)), TrialListener.NONE);

        assertThat(result.errorType()).as(result.errorMessage()).isEqualTo("RUNTIME");
        assertThat(result.errorMessage()).containsAnyOf("No space left", "File too large");
    }

    private static SandboxRequest python(String code, List<Object> inputs) {
        return new SandboxRequest(Language.PYTHON, code, "solve", inputs, 0, 0, Duration.ofSeconds(10), MEMORY_BYTES,
                -1);
    }

    private static SandboxRequest java(String code, String entryPoint, List<Object> inputs) {
        return new SandboxRequest(Language.JAVA, code, entryPoint, inputs, 0, 0, Duration.ofSeconds(10), MEMORY_BYTES,
                -1);
    }

    /**
     * Live processes of the sandbox user. Zombies are left out: bubblewrap exits as soon as its init reports the
     * submission's exit status, so that init is reaped by the machine's init, which some container inits do late.
     */
    private static List<ProcessHandle> sandboxUserProcesses() throws InterruptedException {
        List<ProcessHandle> left = List.of();
        for (int attempt = 0; attempt < 20; attempt++) {
            left = ProcessHandle.allProcesses()
                    .filter(p -> p.info().user().map(u -> u.equals("nobody") || u.equals("65534")).orElse(false))
                    .filter(p -> !describe(p).matches("\\d+ \\(.*\\) Z .*|.*\\(gone\\)"))
                    .toList();
            if (left.isEmpty()) {
                break;
            }
            Thread.sleep(50);
        }
        return left;
    }

    private static String describe(ProcessHandle process) {
        try {
            return Files.readString(Path.of("/proc/" + process.pid() + "/stat")).strip();
        } catch (IOException e) {
            return process.pid() + " (gone)";
        }
    }

    private static List<Path> sandboxCgroups() throws Exception {
        List<Path> left = new ArrayList<>();
        for (CgroupHierarchy h : CgroupFs.discover(SystemPaths.real()).discovered()) {
            Path slice = h.directory(h.cgroupPath(CgroupFs.SLICE));
            if (Files.isDirectory(slice)) {
                try (Stream<Path> groups = Files.list(slice)) {
                    groups.filter(g -> g.getFileName().toString().startsWith("sandbox-")).forEach(left::add);
                }
            }
        }
        return left;
    }
}
