package dev.ergometer.service.sandbox;

import dev.ergometer.json.JsonReader;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The worker's side of the harness protocol for one run: sends the request, collects the validation outputs, then
 * answers each trial marker after calling the {@link TrialListener}, with a deadline on every wait; and turns
 * whatever went wrong into a {@link SandboxResult} with an error type.
 *
 * <p>The harness speaks first: {@code ready} (the runtime started), {@code loaded} (the submission compiled and its
 * entry point was found), one {@code output} per test case, {@code validated}, then {@code trial-start} /
 * {@code trial-end} pairs for the warmups, then (when trials are asked for) {@code calibrate}, then
 * {@code trial-start} / {@code trial-end} pairs for the trials, then {@code done}; or {@code error} at any point. The
 * worker answers {@code validated}, {@code trial-start} and {@code trial-end} with {@code go} or {@code stop}, and
 * the harness waits for that answer, so the listener runs exactly between two phases of the submission. It answers
 * {@code calibrate} with {@code time P} (the harness runs P passes over the test cases, answers {@code calibrated}
 * with their time, and waits again) as often as the listener times passes, then {@code go P}: each trial runs P
 * passes (or {@code stop}).
 */
final class TrialDriver {

    private static final int SIGXCPU = 24;
    private static final int STDERR_TAIL_CHARS = 2000;
    /** How much longer than the worker's own view a harness's timing of a calibration round may be (clock steps). */
    private static final long CLOCK_SLACK_NANOS = 1_000_000L;

    private final HarnessProcess process;
    private final SandboxCgroup cgroup;
    private final SandboxRequest request;
    private final TrialListener listener;
    private final Duration startup;
    private final long startedNanos;
    private final List<Object> outputs = new ArrayList<>();
    private int trialsRun;
    /** What the submission was doing, for messages. */
    private String phase = "loading the submission";
    /** The result of the failure {@link #expect} met, when it returned null. */
    private SandboxResult failure;
    /** Whether the worker's thread was interrupted during a calibration round. */
    private boolean interrupted;

    TrialDriver(HarnessProcess process, SandboxCgroup cgroup, SandboxRequest request, TrialListener listener,
            Duration startup, long startedNanos) {
        this.process = process;
        this.cgroup = cgroup;
        this.request = request;
        this.listener = listener;
        this.startup = startup;
        this.startedNanos = startedNanos;
    }

    /** Runs the protocol to its end. */
    SandboxResult drive(String requestLine) throws IOException, InterruptedException {
        HarnessProcess.Next first = process.next(startup);
        if (!(first instanceof HarnessProcess.Line line) || !"ready".equals(event(line))) {
            throw notStarted(first);
        }
        if (!process.send(requestLine)) {
            return died("starting");
        }
        Map<String, Object> loaded = expect(process.next(startup));
        if (loaded == null) {
            return failure;
        }
        if (!"loaded".equals(loaded.get("event"))) {
            return unexpected(loaded);
        }

        long deadline = System.nanoTime() + request.timeout().toNanos();
        while (true) {
            Map<String, Object> message = expect(process.next(remaining(deadline, "validation")));
            if (message == null) {
                return failure;
            }
            if ("validated".equals(message.get("event")) && outputs.size() == request.inputs().size()) {
                break;
            }
            if (!"output".equals(message.get("event")) || !Long.valueOf(outputs.size()).equals(message.get("case"))) {
                return unexpected(message);
            }
            outputs.add(message.get("value"));
        }
        boolean measure = listener.validated(List.copyOf(outputs));
        process.send(measure ? "go" : "stop");
        if (!measure) {
            return ok();
        }

        for (int expected = -request.warmups(); ; expected++) {
            if (expected == 0 && request.trials() > 0) {
                Map<String, Object> calibrate = expect(process.next(request.timeout()));
                if (calibrate == null) {
                    return failure;
                }
                if ("done".equals(calibrate.get("event"))) {
                    return ok();
                }
                if (!"calibrate".equals(calibrate.get("event"))) {
                    return unexpected(calibrate);
                }
                phase = "the calibration";
                int passes = listener.passesPerTrial(this::time);
                if (interrupted) {
                    throw new InterruptedException("interrupted during the calibration");
                }
                if (failure != null) {
                    return failure;
                }
                process.send(passes > 0 ? "go " + passes : "stop");
                phase = "the trials";
            }
            Map<String, Object> start = expect(process.next(request.timeout()));
            if (start == null) {
                return failure;
            }
            if ("done".equals(start.get("event"))) {
                return ok();
            }
            if (!"trial-start".equals(start.get("event")) || !Long.valueOf(expected).equals(start.get("trial"))) {
                return unexpected(start);
            }
            listener.trialStarted(expected);
            process.send("go");
            phase = expected < 0 ? "warmup " + (request.warmups() + expected + 1) : "trial " + expected;
            Map<String, Object> end = expect(process.next(request.timeout()));
            if (end == null) {
                return failure;
            }
            if (!"trial-end".equals(end.get("event")) || !Long.valueOf(expected).equals(end.get("trial"))) {
                return unexpected(end);
            }
            boolean more = listener.trialEnded(expected);
            if (expected >= 0) {
                trialsRun++;
            }
            process.send(more ? "go" : "stop");
            phase = "the trials";
        }
    }

    /**
     * One calibration round: asks the harness to time {@code passes} passes and checks its answer, which must name
     * those passes and a time no longer than the worker itself saw pass. Empty, with {@link #failure} set, when the
     * submission failed or broke the protocol.
     */
    private Optional<PassTimer.Round> time(int passes) {
        if (failure != null) {
            return Optional.empty();
        }
        if (passes < 1) {
            throw new IllegalArgumentException("a calibration round runs at least one pass, got " + passes);
        }
        long sentNanos = System.nanoTime();
        process.send("time " + passes); // a harness that is gone shows as the end of its output below
        Map<String, Object> reply;
        try {
            reply = expect(process.next(request.timeout()));
        } catch (InterruptedException e) {
            interrupted = true; // drive() throws it once the listener returns
            failure = failed("CRASH", "the worker was interrupted during " + phase);
            return Optional.empty();
        }
        long seenNanos = System.nanoTime() - sentNanos;
        if (reply == null) {
            return Optional.empty();
        }
        if (!"calibrated".equals(reply.get("event")) || !Long.valueOf(passes).equals(reply.get("passes"))
                || !(reply.get("nanos") instanceof Long nanos) || nanos < 0
                || nanos > seenNanos + CLOCK_SLACK_NANOS
                || !(reply.get("argumentBytes") instanceof Long bytes) || bytes < -1
                || !(reply.get("argumentNanos") instanceof Long argumentNanos) || argumentNanos < 0) {
            failure = unexpected(reply);
            return Optional.empty();
        }
        return Optional.of(new PassTimer.Round(passes, nanos, bytes, argumentNanos));
    }

    // ---- reading messages

    /** The next message as a map, or null with {@link #failure} set when there is none or it reports an error. */
    private Map<String, Object> expect(HarnessProcess.Next next) throws InterruptedException {
        switch (next) {
            case HarnessProcess.Line line -> {
                Map<String, Object> message;
                try {
                    message = JsonReader.object(line.text());
                } catch (IllegalArgumentException e) {
                    failure = protocolBroken(line.text());
                    return null;
                }
                if ("error".equals(message.get("event"))) {
                    failure = failed(String.valueOf(message.get("type")), String.valueOf(message.get("message")));
                    return null;
                }
                return message;
            }
            case HarnessProcess.Ended ended -> {
                failure = died(phase);
                return null;
            }
            case HarnessProcess.TooLong tooLong -> {
                failure = failed("RUNTIME", "a test case's output is larger than the limit of "
                        + tooLong.limitBytes() + " bytes as JSON");
                return null;
            }
            case HarnessProcess.TimedOut timedOut -> {
                failure = failed("TIMEOUT", phase.equals("loading the submission")
                        ? "loading the submission took longer than " + seconds(startup)
                        : phase + " took longer than the time limit of " + seconds(request.timeout())
                                + " for running all test cases once (and for one trial or calibration round)");
                return null;
            }
        }
    }

    private Duration remaining(long deadlineNanos, String name) {
        phase = name;
        return Duration.ofNanos(Math.max(1, deadlineNanos - System.nanoTime()));
    }

    private static String event(HarnessProcess.Line line) {
        try {
            return String.valueOf(JsonReader.object(line.text()).get("event"));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    // ---- results

    private SandboxResult ok() {
        return new SandboxResult(SandboxResult.Outcome.OK, null, null, outputs, trialsRun, elapsed());
    }

    private SandboxResult failed(String type, String message) {
        return new SandboxResult(SandboxResult.Outcome.FAILED, type, message, outputs, trialsRun, elapsed());
    }

    private SandboxResult unexpected(Map<String, Object> message) {
        return protocolBroken(String.valueOf(message));
    }

    private SandboxResult protocolBroken(String line) {
        process.kill();
        String head = line.length() > 200 ? line.substring(0, 200) + "..." : line;
        return failed("SECURITY", "the harness protocol was broken during " + phase + " (did the submission write"
                + " to the harness's own channel?): unexpected " + head);
    }

    /** The harness's process ended without saying why: tells a memory, CPU-time or process limit from a crash. */
    private SandboxResult died(String during) throws InterruptedException {
        if (!process.awaitExit(Duration.ofSeconds(2))) {
            process.kill();
        }
        int status = process.exitStatus();
        String stderr = process.stderr();
        String tail = stderr.isBlank() ? "" : "\nIts output ended with:\n" + tail(stderr);
        if (cgroup != null && cgroup.memoryLimitHit()) {
            return failed("MEMORY", "ran out of memory during " + during + ": the limit is " + request.memoryBytes()
                    + " bytes (the kernel ended the process)" + tail);
        }
        if (status == 128 + SIGXCPU) {
            return failed("TIMEOUT", "used up its CPU time during " + during + " (RLIMIT_CPU: the time limit for"
                    + " every run of the test cases together)" + tail);
        }
        if (stderr.contains("MemoryError") || stderr.contains("OutOfMemoryError")
                || stderr.contains("Cannot allocate memory") || stderr.contains("insufficient memory")) {
            return failed("MEMORY", "ran out of memory during " + during + ": the limit is " + request.memoryBytes()
                    + " bytes" + tail);
        }
        if (cgroup != null && cgroup.processLimitHit()) {
            return failed("SECURITY", "the process ended during " + during + " after reaching the sandbox's process"
                    + " limit (a fork or thread bomb?); " + describeStatus(status) + tail);
        }
        return failed("CRASH", "the submission's process ended unexpectedly during " + during + ": "
                + describeStatus(status) + tail);
    }

    private IOException notStarted(HarnessProcess.Next first) throws InterruptedException {
        String why = switch (first) {
            case HarnessProcess.TimedOut t -> "it did not start within " + seconds(t.waited());
            case HarnessProcess.Line line -> "its first line was not the harness's: " + line.text();
            default -> "it ended with " + describeStatus(waitStatus());
        };
        String stderr = process.stderr();
        String fix = stderr.contains("setting up uid map") || stderr.contains("No permissions to create new namespace")
                || stderr.contains("Operation not permitted")
                ? ". Fix: enable unprivileged user namespaces (sysctl user.max_user_namespaces=15000; on Ubuntu"
                        + " also sysctl kernel.apparmor_restrict_unprivileged_userns=0)"
                : stderr.contains("cgroup.procs")
                        ? ". Fix: run the service as root so it can make the run's cgroup"
                        : "";
        return new IOException("the sandbox did not start (" + why + ")" + (stderr.isBlank() ? ""
                : "; it said: " + tail(stderr)) + fix);
    }

    private int waitStatus() throws InterruptedException {
        if (!process.awaitExit(Duration.ofSeconds(2))) {
            process.kill();
        }
        return process.exitStatus();
    }

    private static String describeStatus(int status) {
        if (status > 128 && status < 128 + 65) {
            int signal = status - 128;
            String name = switch (signal) {
                case 6 -> "SIGABRT";
                case 9 -> "SIGKILL";
                case 11 -> "SIGSEGV";
                case 15 -> "SIGTERM";
                case 24 -> "SIGXCPU";
                case 25 -> "SIGXFSZ";
                default -> "signal " + signal;
            };
            return "killed by " + name;
        }
        return "exit status " + status;
    }

    private static String tail(String text) {
        String trimmed = text.strip();
        return trimmed.length() <= STDERR_TAIL_CHARS ? trimmed
                : "..." + trimmed.substring(trimmed.length() - STDERR_TAIL_CHARS);
    }

    private static String seconds(Duration duration) {
        return duration.toMillis() / 1000.0 + " s";
    }

    private Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startedNanos);
    }
}
