package dev.ergometer.profiler;

import java.time.Duration;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.EventType;
import jdk.jfr.FlightRecorder;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;

/**
 * Method samples of this JVM from JDK Flight Recorder, streamed in process: a {@link RecordingStream} with only the
 * sampler's events enabled, processed on a daemon thread of its own, each sample handed to a {@link Listener} as
 * (time, thread id, stack id).
 *
 * <p>The CPU-time sampler ({@code jdk.CPUTimeSample}, JEP 509) is used where the JDK has it, with its
 * {@code throttle} set to the period: every thread is sampled after each period of its own CPU time. Otherwise
 * {@code jdk.ExecutionSample}, every period of wall time. Event objects are reused and not sorted (the profiler bins
 * samples by their own timestamps), and stacks are converted once per distinct JFR stack trace, so that the cost
 * stays with the stream's thread and small.
 *
 * <p>At JVM shutdown, JFR's own shutdown hook stops every recording; the stream then delivers what is left and ends
 * by itself. Calling {@link RecordingStream#stop()} from another shutdown hook at the same time can fail ("already
 * stopped") and leave the stream waiting forever, so {@link #stop(boolean, Duration)} only waits then (and wakes the
 * stream). The stream's thread is not started with {@link RecordingStream#startAsync()}, whose thread is not a
 * daemon and would keep the JVM from exiting.
 */
final class JfrSampling implements AutoCloseable {

    /** What the profiler does with each sample. Called on the stream's thread. */
    interface Listener {
        void sample(long epochNanos, int tid, String javaThreadName, int stackId);

        /** Samples the JVM could not take (its queue was full, the stack could not be walked). */
        void lost(int count);

        /** All samples taken before {@code epochNanos} minus JFR's flush delay have been delivered. */
        void flushed(long epochNanos);
    }

    static final String CPU_TIME_EVENT = "jdk.CPUTimeSample";
    static final String EXECUTION_EVENT = "jdk.ExecutionSample";
    private static final String LOST_EVENT = "jdk.CPUTimeSamplesLost";
    private static final int CACHE_LIMIT = 20_000;
    private static final long POKE_MILLIS = 20;

    private final RecordingStream stream;
    private final Thread thread;
    private final SamplerChoice used;
    private final StackTable stacks;
    private final Listener listener;
    private final Map<RecordedStackTrace, Integer> stackCache = new IdentityHashMap<>();
    private final Map<RecordedMethod, Integer> frameCache = new IdentityHashMap<>();
    private final int truncatedFrame;

    private JfrSampling(RecordingStream stream, SamplerChoice used, StackTable stacks, Listener listener) {
        this.stream = stream;
        this.used = used;
        this.stacks = stacks;
        this.listener = listener;
        this.truncatedFrame = stacks.frame("[truncated stack]");
        String event = used == SamplerChoice.CPU_TIME ? CPU_TIME_EVENT : EXECUTION_EVENT;
        String threadField = used == SamplerChoice.CPU_TIME ? "eventThread" : "sampledThread";
        boolean cpuTime = used == SamplerChoice.CPU_TIME;
        stream.onEvent(event, e -> onSample(e, threadField, cpuTime));
        stream.onEvent(LOST_EVENT, e -> listener.lost(e.getInt("lostSamples")));
        stream.onFlush(() -> listener.flushed(JvmEnergyMeter.epochNanos(Instant.now())));
        this.thread = Thread.ofPlatform().daemon().name("erg-profiler-jfr").unstarted(stream::start);
    }

    /**
     * Starts sampling.
     *
     * @throws IllegalStateException when the CPU-time sampler is asked for and this JDK or OS does not have it
     */
    static JfrSampling start(SamplerChoice choice, long periodNanos, StackTable stacks, Listener listener) {
        SamplerChoice used = resolve(choice);
        RecordingStream stream = new RecordingStream();
        try {
            stream.setReuse(true);
            stream.setOrdered(false);
            if (used == SamplerChoice.CPU_TIME) {
                stream.enable(CPU_TIME_EVENT).with("throttle", Math.max(1, periodNanos / 1_000_000L) + "ms")
                        .withStackTrace();
                stream.enable(LOST_EVENT);
            } else {
                stream.enable(EXECUTION_EVENT).withPeriod(Duration.ofNanos(periodNanos)).withStackTrace();
            }
            JfrSampling sampling = new JfrSampling(stream, used, stacks, listener);
            sampling.thread.start();
            return sampling;
        } catch (RuntimeException e) {
            stream.close();
            throw e;
        }
    }

    /** The sampler {@code choice} stands for on this JVM. */
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
        List<EventType> types = FlightRecorder.getFlightRecorder().getEventTypes();
        return types.stream().anyMatch(t -> t.getName().equals(CPU_TIME_EVENT));
    }

    /** The sampler in use. */
    SamplerChoice used() {
        return used;
    }

    private void onSample(RecordedEvent event, String threadField, boolean cpuTime) {
        if (cpuTime && event.getBoolean("failed")) {
            listener.lost(1);
            return;
        }
        RecordedThread thread = event.getThread(threadField);
        RecordedStackTrace trace = event.getStackTrace();
        if (thread == null || trace == null) {
            listener.lost(1);
            return;
        }
        listener.sample(JvmEnergyMeter.epochNanos(event.getStartTime()), (int) thread.getOSThreadId(),
                thread.getJavaName(), stackId(trace));
    }

    private int stackId(RecordedStackTrace trace) {
        Integer cached = stackCache.get(trace);
        if (cached != null) {
            return cached;
        }
        List<RecordedFrame> frames = trace.getFrames();
        boolean truncated = trace.isTruncated();
        int[] rootToLeaf = new int[frames.size() + (truncated ? 1 : 0)];
        int at = 0;
        if (truncated) {
            rootToLeaf[at++] = truncatedFrame;
        }
        for (int i = frames.size() - 1; i >= 0; i--) {
            rootToLeaf[at++] = frameId(frames.get(i).getMethod());
        }
        int id = stacks.stack(rootToLeaf);
        if (stackCache.size() >= CACHE_LIMIT) {
            stackCache.clear();
            frameCache.clear();
        }
        stackCache.put(trace, id);
        return id;
    }

    private int frameId(RecordedMethod method) {
        Integer cached = frameCache.get(method);
        if (cached != null) {
            return cached;
        }
        int id = stacks.frame(frameName(method.getType().getName(), method.getName()));
        frameCache.put(method, id);
        return id;
    }

    /**
     * A frame's name: {@code package.Class.method}, with the address that the JVM puts in the names of hidden classes
     * (lambdas: {@code Main$$Lambda/0x000000080012c8}) left out, so that the same lambda has the same name in every
     * run.
     */
    static String frameName(String className, String methodName) {
        int hidden = className.lastIndexOf("0x");
        if (hidden > 1 && (className.charAt(hidden - 1) == '/' || className.charAt(hidden - 1) == '.')
                && className.substring(hidden + 2).chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
            className = className.substring(0, hidden - 1);
        }
        return className + "." + methodName;
    }

    /**
     * Ends sampling after delivering every sample taken so far, waiting at most {@code timeout}.
     *
     * <p>At shutdown, JFR's own hook stops the recording and the stream ends by itself once it sees that, but it
     * looks only after a nap of up to a second between two reads of the recording's file. The nap is an interruptible
     * wait on the stream's thread, which is this class's own, so it is interrupted every {@value #POKE_MILLIS} ms
     * until the stream ends: that takes tens of milliseconds instead of up to a second, and every sample is still
     * delivered (the parser only re-reads the file when woken).
     *
     * @param atShutdown true from a shutdown hook: JFR's own hook stops the recording, this only waits
     * @return true when the stream delivered everything and ended in time
     */
    boolean stop(boolean atShutdown, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (!atShutdown) {
            try {
                stream.stop();
            } catch (IllegalStateException e) {
                // stopped already (by JFR at shutdown): the stream ends by itself
            }
        }
        try {
            while (thread.isAlive() && System.nanoTime() - deadline < 0) {
                if (atShutdown) {
                    thread.interrupt();
                }
                thread.join(POKE_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    @Override
    public void close() {
        stream.close();
    }
}
