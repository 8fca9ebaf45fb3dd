package dev.ergometer.profiler;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Function;
import jdk.jfr.EventSettings;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.Recording;

/**
 * The only part of {@code erg profile} that runs inside the profiled JVM: a JFR recording of method samples (and of
 * nothing else) kept in the JVM's disk repository, which {@code erg profile} names with
 * {@code -XX:FlightRecorderOptions:repository=DIR,preserve-repository=true} and reads from its own process
 * ({@link JfrSampling#fromRepository}). Everything else (the energy source, procfs, parsing JFR's data, the
 * reports) happens in {@code erg profile}'s process, so the profiled JVM pays only for JFR's own sampling.
 *
 * <p>It uses the JDK alone ({@code java.base} and {@code jdk.jfr}): no other Ergometer class is loaded into the
 * profiled JVM. The recording holds the sampler's event ({@code jdk.CPUTimeSample} where this JDK has it, else
 * {@code jdk.ExecutionSample}) and the CPU-time sampler's lost-sample counts. When the JVM exits, JFR marks the last
 * chunk as final, which ends the reader's stream once it has delivered everything.
 */
final class JfrRecorder {

    /** The recording's name, as {@code jcmd PID JFR.check} shows it. */
    static final String RECORDING_NAME = "ergometer-profile";
    static final String CPU_TIME_EVENT = "jdk.CPUTimeSample";
    static final String EXECUTION_EVENT = "jdk.ExecutionSample";
    static final String LOST_EVENT = "jdk.CPUTimeSamplesLost";

    private JfrRecorder() {
    }

    /** True for the agent arguments of {@code erg profile}: {@code record[,sampler=S][,period=Nns][,from-start=true]}. */
    static boolean isRecordOnly(String arguments) {
        return arguments != null && (arguments.equals("record") || arguments.startsWith("record,"));
    }

    /**
     * Starts the recording that {@code arguments} ({@link #isRecordOnly}) describe; bad arguments are reported on
     * standard error and the program runs on unprofiled.
     */
    static void start(String arguments) {
        SamplerChoice sampler = SamplerChoice.AUTO;
        long periodNanos = ProfileSettings.DEFAULT_SAMPLING_PERIOD_NANOS;
        boolean fromStart = false;
        try {
            for (String pair : arguments.split(",")) {
                int eq = pair.indexOf('=');
                String key = eq < 0 ? pair : pair.substring(0, eq);
                String value = eq < 0 ? "" : pair.substring(eq + 1);
                switch (key) {
                    case "record" -> { }
                    case "sampler" -> sampler = SamplerChoice.parse(value);
                    case "period" -> periodNanos = Long.parseLong(value.replace("ns", ""));
                    case "from-start" -> fromStart = Boolean.parseBoolean(value);
                    default -> throw new IllegalArgumentException("unknown key '" + key + "'");
                }
            }
        } catch (IllegalArgumentException e) {
            System.err.println("ergometer: bad recording arguments '" + arguments + "' (" + e.getMessage()
                    + "); the program runs on unprofiled");
            return;
        }
        start(sampler, periodNanos, fromStart);
    }

    /** The agent arguments for {@link #start(String)}. */
    static String arguments(SamplerChoice sampler, long periodNanos, boolean fromStart) {
        return "record,sampler=" + sampler.id() + ",period=" + periodNanos + "ns" + (fromStart ? ",from-start=true" : "");
    }

    /**
     * Starts the recording: on a daemon thread of its own (JFR takes a few hundred ms of CPU to start, alongside the
     * program rather than before it), or, when {@code fromStart}, before returning and then waiting until
     * {@code erg profile} has begun reading it ({@link #ATTACHED_PREFIX}), at most {@link #ATTACH_WAIT_MILLIS}, so
     * that even a program of a few milliseconds is profiled. A failure is reported on standard error and the program
     * runs on unprofiled.
     */
    static void start(SamplerChoice choice, long periodNanos, boolean fromStart) {
        Runnable starting = () -> {
            try {
                record(choice, periodNanos);
            } catch (RuntimeException e) {
                System.err.println("ergometer: cannot start JFR's recording in this JVM: " + e.getMessage()
                        + "; the program runs on unprofiled");
            }
        };
        if (fromStart) {
            starting.run();
            awaitReader();
        } else {
            Thread.ofPlatform().daemon().name("erg-profiler-jfr-start").start(starting);
        }
    }

    /**
     * The file {@code erg profile} makes in the repository's parent folder once it reads a JVM:
     * {@code attached-PID}.
     */
    static final String ATTACHED_PREFIX = "attached-";
    /** How long {@code from-start} waits for {@code erg profile} before the program runs on. */
    static final long ATTACH_WAIT_MILLIS = 10_000;

    private static void awaitReader() {
        String repository = System.getProperty("jdk.jfr.repository");
        if (repository == null) {
            return;
        }
        Path attached = Path.of(repository).toAbsolutePath().getParent()
                .resolve(ATTACHED_PREFIX + ProcessHandle.current().pid());
        long deadline = System.nanoTime() + ATTACH_WAIT_MILLIS * 1_000_000L;
        try {
            while (!Files.exists(attached)) {
                if (System.nanoTime() - deadline >= 0) {
                    System.err.println("ergometer: erg profile has not started reading this JVM after "
                            + ATTACH_WAIT_MILLIS / 1000 + " s; the program runs on");
                    return;
                }
                Thread.sleep(5);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the recording now. */
    static Recording record(SamplerChoice choice, long periodNanos) {
        Recording recording = new Recording();
        recording.setName(RECORDING_NAME);
        recording.setToDisk(true);
        enableSampler(recording::enable, resolve(choice), periodNanos);
        recording.start();
        return recording;
    }

    /**
     * Enables the events of {@code sampler} (resolved) through {@code enable}: a {@link Recording}'s or a
     * {@code RecordingStream}'s. The CPU-time sampler's throttle is the period: one sample per period of each
     * thread's CPU time.
     */
    static void enableSampler(Function<String, EventSettings> enable, SamplerChoice sampler, long periodNanos) {
        if (sampler == SamplerChoice.CPU_TIME) {
            enable.apply(CPU_TIME_EVENT).with("throttle", Math.max(1, periodNanos / 1_000_000L) + "ms")
                    .withStackTrace();
            enable.apply(LOST_EVENT);
        } else {
            enable.apply(EXECUTION_EVENT).withPeriod(Duration.ofNanos(periodNanos)).withStackTrace();
        }
    }

    /**
     * The sampler {@code choice} stands for on this JVM.
     *
     * @throws IllegalStateException when the CPU-time sampler is asked for and this JDK or OS does not have it
     */
    static SamplerChoice resolve(SamplerChoice choice) {
        boolean cpuTime = cpuTimeSamplerAvailable();
        return switch (choice) {
            case AUTO -> cpuTime ? SamplerChoice.CPU_TIME : SamplerChoice.EXECUTION;
            case EXECUTION -> SamplerChoice.EXECUTION;
            case CPU_TIME -> {
                if (!cpuTime) {
                    throw new IllegalStateException("this JVM has no CPU-time sampler (" + CPU_TIME_EVENT
                            + ": JDK 25 or later, on Linux); use --sampler execution, or run on JDK 25+ on Linux");
                }
                yield SamplerChoice.CPU_TIME;
            }
        };
    }

    private static boolean cpuTimeSamplerAvailable() {
        if (!System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux")) {
            return false;
        }
        for (EventType type : FlightRecorder.getFlightRecorder().getEventTypes()) {
            if (type.getName().equals(CPU_TIME_EVENT)) {
                return true;
            }
        }
        return false;
    }
}
