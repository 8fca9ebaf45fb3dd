package dev.ergometer.profiler;

import java.lang.instrument.Instrumentation;

/**
 * The Java agent: {@code java -javaagent:ergometer-profiler.jar[=ARGS] ...} profiles that JVM from its start and
 * writes the reports when it exits, all inside the JVM. Use it where {@code erg profile} cannot start the program but
 * its JVM options can be set ({@code JDK_JAVA_OPTIONS}, {@code JAVA_TOOL_OPTIONS}, a service's unit file).
 *
 * <p>{@code erg profile -- java ...} uses the same jar with the argument {@code record} (and the sampler's
 * settings): then the agent only starts a JFR recording ({@link JfrRecorder}) and {@code erg profile} does the rest
 * from its own process, which costs the program less (docs/PERFORMANCE.md, section 7).
 *
 * <p>ARGS are {@code key=value} pairs separated by commas ({@link ProfileSettings#parseAgentArguments}):
 * {@code output=DIR,packages=com.example:org.acme,interval=1s,format=text:csv:collapsed:html,sampler=auto,
 * period=19ms,report=30s,source=model,domains=package_0:dram_0,sysfs=DIR,procfs=DIR}. Core's jar must sit next to
 * this one (the manifest's Class-Path names it), as in the distribution's {@code lib/}.
 *
 * <p>The profiler starts alongside the program, on a thread of its own (JFR and the energy source take about a second
 * to start), so the program's first second or so is not in the profile; with {@code from-start=true} it starts before
 * {@code main}, which waits for it ({@link InProcessAgent}). This class names the other classes only in calls, so that
 * with {@code record} the JVM loads no more of Ergometer than {@link JfrRecorder}.
 */
public final class ProfilerAgent {

    private static boolean recording;

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
            if (JfrRecorder.isRecordOnly(arguments)) {
                // erg profile: the recording only; erg profile reads it from its own process
                if (!recording) {
                    recording = true;
                    JfrRecorder.start(arguments);
                }
                return;
            }
            InProcessAgent.start(arguments);
        } catch (Exception | LinkageError e) {
            // a premain that throws aborts the JVM: the program runs on unprofiled instead
            System.err.println("ergometer: cannot profile this JVM: " + e + (e instanceof LinkageError
                    ? " (ergometer-core's jar must sit next to ergometer-profiler's, as in the distribution's lib/)"
                    : ""));
        }
    }
}
