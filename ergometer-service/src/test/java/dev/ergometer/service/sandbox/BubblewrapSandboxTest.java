package dev.ergometer.service.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runs well-behaved submissions in the real bubblewrap sandbox with the real python3 and JDK: argument mapping,
 * output encoding, the trial protocol and its listener. Needs bwrap and python3 (and root, as CI runs): without them
 * every test fails saying what to install, never skips.
 */
class BubblewrapSandboxTest {

    static final long MEMORY_BYTES = 256L << 20;

    static BubblewrapSandbox sandbox;

    @BeforeAll
    static void buildTheSandbox() throws IOException {
        sandbox = buildRealSandbox();
    }

    /** The sandbox every test class uses; fails with the fix when a tool is missing. */
    static BubblewrapSandbox buildRealSandbox() throws IOException {
        assertThat(Path.of("/usr/bin/python3")).as("python3 must be installed at /usr/bin/python3 for the sandbox"
                + " tests: apt-get install python3").isExecutable();
        assertThat(onPath("bwrap")).as("bubblewrap must be installed for the sandbox tests: apt-get install"
                + " bubblewrap").isTrue();
        return BubblewrapSandbox.builder().startup(Duration.ofSeconds(60)).build();
    }

    static SandboxRequest python(String code, List<Object> inputs) {
        return new SandboxRequest(Language.PYTHON, code, "solve", inputs, 0, 0, Duration.ofSeconds(10), MEMORY_BYTES,
                -1);
    }

    static SandboxRequest java(String code, String entryPoint, List<Object> inputs) {
        return new SandboxRequest(Language.JAVA, code, entryPoint, inputs, 0, 0, Duration.ofSeconds(10), MEMORY_BYTES,
                -1);
    }

    @Test
    void pythonObjectsAreNamedArgumentsListsArePositionalAndAnythingElseIsOneArgument() throws IOException {
        SandboxResult result = sandbox.run(python("def solve(a, b=100):\n    return [a, b]\n",
                List.of(Map.of("b", 2, "a", 1), List.of(3, 4), 5, "six")), TrialListener.NONE);

        assertThat(result.outcome()).as(String.valueOf(result.errorMessage())).isEqualTo(SandboxResult.Outcome.OK);
        assertThat(result.outputs()).containsExactly(List.of(1L, 2L), List.of(3L, 4L), List.of(5L, 100L),
                List.of("six", 100L));
        assertThat(result.trialsRun()).isZero();
    }

    @Test
    void pythonTuplesNonFiniteFloatsAndHugeIntegersAreEncodedDistinctly() throws IOException {
        SandboxResult result = sandbox.run(python("def solve(x):\n"
                + "    return (x, 2.0, float('nan'), float('inf'), -float('inf'), 10 ** 30, {1, 2})\n",
                List.of(Map.of("__tuple__", List.of(1, 2)))), TrialListener.NONE);

        assertThat(result.outcome()).as(String.valueOf(result.errorMessage())).isEqualTo(SandboxResult.Outcome.OK);
        assertThat(result.outputs()).containsExactly(Map.of("__tuple__", List.of(
                Map.of("__tuple__", List.of(1L, 2L)), 2.0, Map.of("__float__", "NaN"),
                Map.of("__float__", "Infinity"), Map.of("__float__", "-Infinity"),
                Map.of("__int__", "1000000000000000000000000000000"), Map.of("__set__", List.of(1L, 2L)))));
    }

    @Test
    void pythonClassEntryPointIsCalledOnAFreshInstance() throws IOException {
        SandboxRequest request = new SandboxRequest(Language.PYTHON, "class Solution:\n"
                + "    def twice(self, s):\n        return s * 2\n", "Solution.twice", List.of("ab"), 0, 0,
                Duration.ofSeconds(10), MEMORY_BYTES, -1);

        assertThat(sandbox.run(request, TrialListener.NONE).outputs()).containsExactly("abab");
    }

    @Test
    void javaStaticMethodGetsPositionalNamedAndArrayArguments() throws IOException {
        String code = """
                import java.util.List;
                public class Solution {
                    public static long sum(int[] values, long offset) {
                        long total = offset;
                        for (int v : values) total += v;
                        return total;
                    }
                }
                """;
        SandboxResult result = sandbox.run(java(code, "sum", List.of(List.of(List.of(1, 2, 3), 10),
                Map.of("offset", 1, "values", List.of(5)))), TrialListener.NONE);

        assertThat(result.outcome()).as(String.valueOf(result.errorMessage())).isEqualTo(SandboxResult.Outcome.OK);
        assertThat(result.outputs()).containsExactly(16L, 6L);
    }

    @Test
    void javaResultsOfListsMapsNonFiniteDoublesAndRecordsAreJson() throws IOException {
        String code = """
                import java.util.*;
                class Shapes {
                    record Point(int x, int y) {}
                    static Object shapes(String name) {
                        Map<String, Object> m = new LinkedHashMap<>();
                        m.put("name", name);
                        m.put("values", List.of(1.5, Double.NaN, Double.NEGATIVE_INFINITY));
                        m.put("point", new Point(1, 2));
                        m.put("chars", name.toCharArray());
                        return m;
                    }
                }
                """;
        SandboxResult result = sandbox.run(java(code, "Shapes.shapes", List.of("ab")), TrialListener.NONE);

        assertThat(result.outcome()).as(String.valueOf(result.errorMessage())).isEqualTo(SandboxResult.Outcome.OK);
        assertThat(result.outputs()).containsExactly(Map.of("name", "ab",
                "values", List.of(1.5, Map.of("__float__", "NaN"), Map.of("__float__", "-Infinity")),
                "point", Map.of("x", 1L, "y", 2L), "chars", List.of("a", "b")));
    }

    @Test
    void trialsCallTheListenerInOrderAndStopWhenItSaysSo() throws IOException {
        List<String> heard = new ArrayList<>();
        TrialListener listener = new TrialListener() {
            @Override
            public boolean validated(List<Object> outputs) {
                heard.add("validated " + outputs);
                return true;
            }

            @Override
            public void trialStarted(int trial) {
                heard.add("start " + trial);
            }

            @Override
            public boolean trialEnded(int trial) {
                heard.add("end " + trial);
                return trial < 2;
            }
        };
        SandboxRequest request = new SandboxRequest(Language.PYTHON, "def solve(n):\n    return sum(range(n))\n",
                "solve", List.of(10, 100), 2, 50, Duration.ofSeconds(10), MEMORY_BYTES, 0);

        SandboxResult result = sandbox.run(request, listener);

        assertThat(result.outcome()).as(String.valueOf(result.errorMessage())).isEqualTo(SandboxResult.Outcome.OK);
        assertThat(heard).containsExactly("validated [45, 4950]", "start -2", "end -2", "start -1", "end -1",
                "start 0", "end 0", "start 1", "end 1", "start 2", "end 2");
        assertThat(result.trialsRun()).isEqualTo(3);
    }

    @Test
    void theSubmissionWaitsForTheListenerAtEachTrialStart() throws IOException {
        // each test case sleeps 100 ms; trialStarted itself takes 150 ms. Were the harness not waiting for the
        // answer, the test case would run during trialStarted and the window from its return to trialEnded would
        // be near zero; waiting, the whole 100 ms falls inside the window
        List<long[]> windows = new ArrayList<>();
        TrialListener listener = new TrialListener() {
            @Override
            public void trialStarted(int trial) {
                sleep(150);
                windows.add(new long[] {System.nanoTime(), 0});
            }

            @Override
            public boolean trialEnded(int trial) {
                windows.getLast()[1] = System.nanoTime();
                return true;
            }
        };
        SandboxRequest request = new SandboxRequest(Language.PYTHON,
                "import time\ndef solve(x):\n    time.sleep(0.1)\n    return x\n", "solve", List.of(1), 1, 2,
                Duration.ofSeconds(10), MEMORY_BYTES, -1);

        SandboxResult result = sandbox.run(request, listener);

        assertThat(result.outcome()).as(String.valueOf(result.errorMessage())).isEqualTo(SandboxResult.Outcome.OK);
        assertThat(windows).hasSize(3).allSatisfy(w -> assertThat(w[1] - w[0])
                .isBetween(Duration.ofMillis(100).toNanos(), Duration.ofMillis(140).toNanos()));
    }

    @Test
    void falseFromValidatedEndsTheRunBeforeAnyWarmup() throws IOException {
        List<Integer> started = new ArrayList<>();
        TrialListener wrongOutputs = new TrialListener() {
            @Override
            public boolean validated(List<Object> outputs) {
                return false;
            }

            @Override
            public void trialStarted(int trial) {
                started.add(trial);
            }

            @Override
            public boolean trialEnded(int trial) {
                return true;
            }
        };
        SandboxRequest request = new SandboxRequest(Language.PYTHON, "def solve(x):\n    return x\n", "solve",
                List.of(1), 3, 3, Duration.ofSeconds(10), MEMORY_BYTES, -1);

        SandboxResult result = sandbox.run(request, wrongOutputs);

        assertThat(result.outcome()).isEqualTo(SandboxResult.Outcome.OK);
        assertThat(started).isEmpty();
        assertThat(result.trialsRun()).isZero();
    }

    @Test
    void javaTrialsRunEveryTestCaseAndCountOnlyMeasuredTrials() throws IOException {
        List<Integer> ended = new ArrayList<>();
        TrialListener listener = new TrialListener() {
            @Override
            public void trialStarted(int trial) {
            }

            @Override
            public boolean trialEnded(int trial) {
                ended.add(trial);
                return true;
            }
        };
        SandboxRequest request = new SandboxRequest(Language.JAVA,
                "class Fib { static long fib(int n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); } }", "fib",
                List.of(20, 25), 1, 3, Duration.ofSeconds(10), MEMORY_BYTES, -1);

        SandboxResult result = sandbox.run(request, listener);

        assertThat(result.outcome()).as(String.valueOf(result.errorMessage())).isEqualTo(SandboxResult.Outcome.OK);
        assertThat(result.outputs()).containsExactly(6765L, 75025L);
        assertThat(ended).containsExactly(-1, 0, 1, 2);
        assertThat(result.trialsRun()).isEqualTo(3);
    }

    @Test
    void compileErrorsAndExceptionsAreFailuresWithTheirMessage() throws IOException {
        SandboxResult python = sandbox.run(python("def solve(x)\n    return x\n", List.of(1)), TrialListener.NONE);
        SandboxResult java = sandbox.run(java("class A { static int f(int x) { return x } }", "f", List.of(1)),
                TrialListener.NONE);
        SandboxResult missing = sandbox.run(python("def other(x):\n    return x\n", List.of(1)), TrialListener.NONE);
        SandboxResult raised = sandbox.run(python("def solve(x):\n    return 1 // x\n", List.of(1, 0)),
                TrialListener.NONE);

        assertThat(python.errorType()).isEqualTo("COMPILE");
        assertThat(python.errorMessage()).contains("SyntaxError");
        assertThat(java.errorType()).isEqualTo("COMPILE");
        assertThat(java.errorMessage()).contains("A.java:1", "';' expected");
        assertThat(missing.errorType()).isEqualTo("COMPILE");
        assertThat(missing.errorMessage()).contains("defines no 'solve'");
        assertThat(raised.outcome()).isEqualTo(SandboxResult.Outcome.FAILED);
        assertThat(raised.errorType()).isEqualTo("RUNTIME");
        assertThat(raised.errorMessage()).contains("test case 1", "ZeroDivisionError", "line 2");
        assertThat(raised.outputs()).containsExactly(1L);
    }

    @Test
    void theHarnessFolderIsRemovedAfterEachRun() throws IOException {
        Path work = Files.createTempDirectory("sandbox-work");
        try {
            Files.setPosixFilePermissions(work, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            BubblewrapSandbox own = BubblewrapSandbox.builder().workDirectory(work).build();
            own.run(python("def solve(x):\n    return x\n", List.of(1)), TrialListener.NONE);
            try (var left = Files.list(work)) {
                assertThat(left).isEmpty();
            }
        } finally {
            Files.deleteIfExists(work);
        }
    }

    @Test
    void theKernelLimitsAndTheRunsCgroupAreInForceWhileTheSubmissionRuns() throws Exception {
        List<String> cgroupSeen = new ArrayList<>();
        TrialListener inspector = new TrialListener() {
            @Override
            public void trialStarted(int trial) {
                try {
                    for (var h : dev.ergometer.groups.CgroupFs.discover(dev.ergometer.source.SystemPaths.real())
                            .discovered()) {
                        Path slice = h.directory(h.cgroupPath(dev.ergometer.groups.CgroupFs.SLICE));
                        if (Files.isDirectory(slice)) {
                            try (var groups = Files.list(slice)) {
                                for (Path group : groups.filter(g -> Files.exists(g.resolve("pids.max"))).toList()) {
                                    cgroupSeen.add(Files.readString(group.resolve("pids.max")).strip() + " "
                                            + Files.readString(group.resolve("cgroup.procs")).lines().count());
                                }
                            }
                        }
                    }
                } catch (Exception e) {
                    cgroupSeen.add(e.toString());
                }
            }

            @Override
            public boolean trialEnded(int trial) {
                return true;
            }
        };
        SandboxRequest request = new SandboxRequest(Language.PYTHON, """
                import os, resource
                def solve(x):
                    return [resource.getrlimit(resource.RLIMIT_AS)[0], resource.getrlimit(resource.RLIMIT_CPU)[0],
                            resource.getrlimit(resource.RLIMIT_FSIZE)[0], resource.getrlimit(resource.RLIMIT_CORE)[0],
                            sorted(os.sched_getaffinity(0)), os.getuid()]
                """, "solve", List.of(1), 0, 1, Duration.ofSeconds(10), MEMORY_BYTES, 1);

        SandboxResult result = sandbox.run(request, inspector);

        assertThat(result.outcome()).as(String.valueOf(result.errorMessage())).isEqualTo(SandboxResult.Outcome.OK);
        long cpuSeconds = 60 + 10 * 3 + 1; // startup + timeout x (validation + calibration + 1 trial) + 1, one core
        assertThat(result.outputs()).containsExactly(List.of(MEMORY_BYTES, cpuSeconds, 64L << 20, 0L, List.of(1L),
                65534L));
        assertThat(cgroupSeen).as("the run's cgroup: its pids.max and how many processes it holds")
                .singleElement().asString().startsWith("64 ").isNotEqualTo("64 0");
        assertThat(sandbox.describe()).contains("pids.max of a cgroup per run", "RLIMIT_AS", "RLIMIT_CPU");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Whether a program is on PATH. */
    static boolean onPath(String program) {
        for (String folder : (System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/bin").split(":")) {
            if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, program))) {
                return true;
            }
        }
        return false;
    }
}
