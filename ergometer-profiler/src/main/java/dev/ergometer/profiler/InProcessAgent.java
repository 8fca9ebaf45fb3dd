package dev.ergometer.profiler;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * The {@code -javaagent} form's profiler inside the profiled JVM ({@link ProfilerAgent} without {@code record}):
 * parses the agent's arguments, starts a {@link JvmProfiler} in this JVM (alongside the program, or before
 * {@code main} with {@code from-start=true}) and ends it from a shutdown hook, which writes the reports. When the
 * profiler cannot start (no energy source, bad arguments) the JVM runs on unprofiled: the reason goes to standard
 * error and, when the output folder is known, to {@code error.txt} in it.
 */
final class InProcessAgent {

    private static boolean started;
    private static boolean shuttingDown;
    private static JvmProfiler running;

    private InProcessAgent() {
    }

    /** Starts profiling this JVM as {@code arguments} ({@link ProfileSettings#parseAgentArguments}) say. */
    static synchronized void start(String arguments) {
        startOrThrow(arguments);
    }

    private static void startOrThrow(String arguments) {
        if (started) {
            System.err.println("ergometer: this JVM is already being profiled");
            return;
        }
        started = true;
        ProfileSettings settings;
        try {
            settings = ProfileSettings.parseAgentArguments(arguments);
        } catch (IllegalArgumentException e) {
            System.err.println("ergometer: cannot profile this JVM: " + e.getMessage());
            return;
        }
        if (settings.fromStart()) {
            JvmProfiler profiler = startProfiler(settings);
            if (profiler != null) {
                Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("erg-profiler-exit").unstarted(
                        () -> profiler.stop(true)));
            }
            return;
        }
        // JFR and the energy source take about a second to start: alongside the program rather than before it
        Thread starter = Thread.ofPlatform().daemon().name("erg-profiler-start").unstarted(() -> {
            JvmProfiler profiler = startProfiler(settings);
            synchronized (InProcessAgent.class) {
                if (!shuttingDown) {
                    running = profiler;
                }
            }
        });
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("erg-profiler-exit").unstarted(() -> {
            JvmProfiler profiler;
            synchronized (InProcessAgent.class) {
                shuttingDown = true;
                profiler = running;
            }
            if (profiler != null) {
                profiler.stop(true);
            } else if (starter.isAlive()) {
                fail(settings, "the program ended before profiling started (JFR and the energy source take about a"
                        + " second to start alongside it). Fix: profile it from its start with erg profile"
                        + " --from-start (agent argument from-start=true)");
            }
        }));
        starter.start();
    }

    /** Starts the profiler, or says why it cannot and returns null. */
    private static JvmProfiler startProfiler(ProfileSettings settings) {
        try {
            return JvmProfiler.start(settings, new PrintWriter(System.err, true));
        } catch (Exception | LinkageError e) {
            synchronized (InProcessAgent.class) {
                if (shuttingDown) {
                    return null; // the shutdown hook says why
                }
            }
            fail(settings, e.getMessage() == null ? e.toString() : e.getMessage());
            return null;
        }
    }

    /** Says why this JVM is not profiled: on standard error and in {@code error.txt} of the output folder. */
    private static void fail(ProfileSettings settings, String reason) {
        String message = "ergometer: cannot profile this JVM: " + reason;
        System.err.println(message);
        try {
            Files.createDirectories(settings.outputDirectory());
            Files.writeString(settings.outputDirectory().resolve("error.txt"), message + "\n", StandardCharsets.UTF_8);
        } catch (IOException ignored) {
            // the message is on standard error already
        }
    }
}
