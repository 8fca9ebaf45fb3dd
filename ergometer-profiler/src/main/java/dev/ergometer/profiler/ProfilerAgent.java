package dev.ergometer.profiler;

import java.io.IOException;
import java.lang.instrument.Instrumentation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * The Java agent: {@code java -javaagent:ergometer-profiler.jar[=ARGS] ...} profiles that JVM from its start and
 * writes the reports when it exits. {@code erg profile -- java ...} adds exactly this option; use it by hand where a
 * launch script cannot be changed but its JVM options can ({@code JDK_JAVA_OPTIONS}, {@code JAVA_TOOL_OPTIONS}).
 *
 * <p>ARGS are {@code key=value} pairs separated by commas ({@link ProfileSettings#parseAgentArguments}):
 * {@code output=DIR,packages=com.example:org.acme,interval=1s,format=text:csv:collapsed:html,sampler=auto,
 * period=19ms,report=30s,source=model,domains=package_0:dram_0,sysfs=DIR,procfs=DIR}. Core's jar must sit next to
 * this one (the manifest's Class-Path names it), as in the distribution's {@code lib/}.
 *
 * <p>The profiler starts alongside the program, on a thread of its own (JFR and the energy source take about a second
 * to start), so the program's first second or so is not in the profile; with {@code from-start=true} it starts before
 * {@code main}, which waits for it. When the profiler cannot start (no energy source, bad arguments) the JVM runs on
 * unprofiled: the reason goes to standard error and, when the output folder is known, to {@code error.txt} in it.
 */
public final class ProfilerAgent {

    private static boolean started;
    private static boolean shuttingDown;
    private static JvmProfiler running;

    private ProfilerAgent() {
    }

    /** Called by the JVM before {@code main} for {@code -javaagent}. */
    public static void premain(String arguments, Instrumentation instrumentation) {
        start(arguments);
    }

    /** Called by the JVM when the agent is loaded into a running JVM (dynamic attach). */
    public static void agentmain(String arguments, Instrumentation instrumentation) {
        start(arguments);
    }

    private static synchronized void start(String arguments) {
        try {
            startOrThrow(arguments);
        } catch (Exception | LinkageError e) {
            // a premain that throws aborts the JVM: the program runs on unprofiled instead
            System.err.println("ergometer: cannot profile this JVM: " + e + (e instanceof LinkageError
                    ? " (ergometer-core's jar must sit next to ergometer-profiler's, as in the distribution's lib/)"
                    : ""));
        }
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
            synchronized (ProfilerAgent.class) {
                if (!shuttingDown) {
                    running = profiler;
                }
            }
        });
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("erg-profiler-exit").unstarted(() -> {
            JvmProfiler profiler;
            synchronized (ProfilerAgent.class) {
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
            return JvmProfiler.start(settings, System.err);
        } catch (Exception | LinkageError e) {
            synchronized (ProfilerAgent.class) {
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
