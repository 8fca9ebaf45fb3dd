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
 * period=19ms,report=10s,source=model,domains=package_0:dram_0,sysfs=DIR,procfs=DIR}. Core's jar must sit next to
 * this one (the manifest's Class-Path names it), as in the distribution's {@code lib/}.
 *
 * <p>When the profiler cannot start (no energy source, bad arguments) the JVM runs on unprofiled: the reason goes to
 * standard error and, when the output folder is known, to {@code error.txt} in it.
 */
public final class ProfilerAgent {

    private static JvmProfiler profiler;

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
        if (profiler != null) {
            System.err.println("ergometer: this JVM is already being profiled into " + profiler.folder());
            return;
        }
        ProfileSettings settings = null;
        try {
            settings = ProfileSettings.parseAgentArguments(arguments);
            JvmProfiler started = JvmProfiler.start(settings, System.err);
            profiler = started;
            Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("erg-profiler-exit").unstarted(
                    () -> started.stop(true)));
        } catch (Exception | LinkageError e) {
            String message = "ergometer: cannot profile this JVM: " + (e.getMessage() == null ? e.toString()
                    : e.getMessage());
            System.err.println(message);
            if (settings != null) {
                try {
                    Files.createDirectories(settings.outputDirectory());
                    Files.writeString(settings.outputDirectory().resolve("error.txt"), message + "\n",
                            StandardCharsets.UTF_8);
                } catch (IOException ignored) {
                    // the message is on standard error already
                }
            }
        }
    }
}
