package dev.ergometer.service.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One started sandbox: the process (bubblewrap, once the launcher has exec'd into it), its protocol lines read from
 * stdout on a thread of their own (so the worker waits for a line with a deadline), its stderr drained into a capped
 * buffer (the submission's own output; beyond the cap it is counted and dropped), and its stdin for the worker's
 * answers.
 */
final class HarnessProcess implements AutoCloseable {

    /** What {@link #next} returns: a protocol line, or why there is none. */
    sealed interface Next permits Line, Ended, TooLong, TimedOut {
    }

    /** A line the harness wrote. */
    record Line(String text) implements Next {
    }

    /** Stdout ended: the sandbox's process is gone or closed it. */
    record Ended() implements Next {
    }

    /** A line longer than the limit; the process was killed. */
    record TooLong(long limitBytes) implements Next {
    }

    /** No line within the time given; the process was killed. */
    record TimedOut(Duration waited) implements Next {
    }

    private static final Next ENDED = new Ended();

    private final Process process;
    private final SandboxCgroup cgroup;
    private final BlockingQueue<Next> lines = new LinkedBlockingQueue<>();
    private final CappedOutput stderr;
    private final OutputStream stdin;
    private final Thread stdoutReader;
    private final Thread stderrReader;

    private HarnessProcess(Process process, SandboxCgroup cgroup, int lineLimitBytes, int stderrLimitBytes) {
        this.process = process;
        this.cgroup = cgroup;
        this.stdin = process.getOutputStream();
        this.stderr = new CappedOutput(stderrLimitBytes);
        this.stdoutReader = Thread.ofPlatform().daemon().name("sandbox-stdout-" + process.pid())
                .start(() -> readLines(process.getInputStream(), lineLimitBytes));
        this.stderrReader = Thread.ofPlatform().daemon().name("sandbox-stderr-" + process.pid())
                .start(() -> stderr.drain(process.getErrorStream()));
    }

    /**
     * Starts the command with an environment of PATH alone.
     *
     * @param cgroup the run's cgroup, killed with the process; null when there is none
     */
    static HarnessProcess start(List<String> command, SandboxCgroup cgroup, int lineLimitBytes, int stderrLimitBytes)
            throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().clear();
        builder.environment().put("PATH", "/usr/bin:/bin:/usr/sbin:/sbin");
        return new HarnessProcess(builder.start(), cgroup, lineLimitBytes, stderrLimitBytes);
    }

    /** Writes one line to the harness; false when it can no longer read (it ended). */
    boolean send(String line) {
        try {
            stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
            stdin.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The next protocol line, waiting at most {@code timeout}; on a timeout or an overlong line the run is killed. */
    Next next(Duration timeout) throws InterruptedException {
        Next next = lines.poll(timeout.toNanos(), TimeUnit.NANOSECONDS);
        if (next == null) {
            kill();
            return new TimedOut(timeout);
        }
        if (next instanceof Ended) {
            lines.add(ENDED); // stays ended
        }
        if (next instanceof TooLong) {
            kill();
        }
        return next;
    }

    /**
     * Kills everything of the run. First the sandbox's init (bubblewrap's child, pid 1 of the run's pid namespace):
     * its death makes the kernel kill every process of the namespace, and bubblewrap reaps it and exits, so nothing
     * is left as a zombie for the machine's init. Then, should anything still run after a second, every process of
     * the run's cgroup and bubblewrap itself.
     */
    void kill() {
        process.toHandle().children().forEach(ProcessHandle::destroyForcibly);
        try {
            if (process.waitFor(1, TimeUnit.SECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (cgroup != null) {
            cgroup.killAll();
        }
        process.destroyForcibly();
    }

    /** Waits up to {@code timeout} for the process to end by itself; true when it did. */
    boolean awaitExit(Duration timeout) throws InterruptedException {
        return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The exit status of the ended process: bubblewrap passes on the harness's, 128 + N for a death by signal N. */
    int exitStatus() throws InterruptedException {
        return process.waitFor();
    }

    /** What the sandbox wrote on stderr (the submission's prints, the runtime's complaints), capped. */
    String stderr() throws InterruptedException {
        stderrReader.join(Duration.ofSeconds(2));
        return stderr.text();
    }

    /** Gives the harness a moment to end by itself (it does after "done" or an error), then kills the run. */
    @Override
    public void close() throws InterruptedException {
        if (!process.waitFor(1, TimeUnit.SECONDS)) {
            kill();
        }
        process.waitFor(5, TimeUnit.SECONDS);
        stdoutReader.join(Duration.ofSeconds(2));
    }

    private void readLines(InputStream in, int limitBytes) {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        byte[] buffer = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buffer)) > 0) {
                for (int i = 0; i < n; i++) {
                    if (buffer[i] == '\n') {
                        lines.add(new Line(line.toString(StandardCharsets.UTF_8)));
                        line.reset();
                    } else if (line.size() >= limitBytes) {
                        lines.add(new TooLong(limitBytes));
                        return;
                    } else {
                        line.write(buffer[i]);
                    }
                }
            }
        } catch (IOException e) {
            // the process ended
        } finally {
            lines.add(ENDED);
        }
    }

    /** A byte sink that keeps the first {@code limitBytes} and counts the rest. */
    static final class CappedOutput {

        private final int limitBytes;
        private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
        private long dropped;

        CappedOutput(int limitBytes) {
            this.limitBytes = limitBytes;
        }

        void drain(InputStream in) {
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    synchronized (this) {
                        int keep = Math.max(0, Math.min(n, limitBytes - kept.size()));
                        kept.write(buffer, 0, keep);
                        dropped += n - keep;
                    }
                }
            } catch (IOException e) {
                // the process ended
            }
        }

        synchronized String text() {
            String text = kept.toString(StandardCharsets.UTF_8);
            return dropped == 0 ? text : text + "\n[... " + dropped + " more bytes dropped: the output limit is "
                    + limitBytes + " bytes]";
        }
    }
}
