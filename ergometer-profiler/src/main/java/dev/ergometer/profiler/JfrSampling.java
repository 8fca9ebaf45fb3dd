package dev.ergometer.profiler;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import jdk.jfr.consumer.EventStream;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedMethod;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingStream;

/**
 * Method samples from JDK Flight Recorder, each handed to a {@link Listener} as (time, thread id, stack id): either of
 * this JVM, streamed in process ({@link #start}: a {@link RecordingStream}, for the {@code -javaagent} form), or of
 * another JVM, read from its disk repository while it runs ({@link #fromRepository}: what {@code erg profile} does,
 * so that parsing costs the profiled program nothing). Either way the stream is processed on a daemon thread of its
 * own.
 *
 * <p>The CPU-time sampler ({@code jdk.CPUTimeSample}, JEP 509) is used where the JDK has it, with its
 * {@code throttle} set to the period: every thread is sampled after each period of its own CPU time. Otherwise
 * {@code jdk.ExecutionSample}, every period of wall time. Event objects are reused and not sorted (the profiler bins
 * samples by their own timestamps), and stacks are converted once per distinct JFR stack trace, so that the cost
 * stays with the stream's thread and small.
 *
 * <p>In process, at JVM shutdown, JFR's own shutdown hook stops every recording; the stream then delivers what is
 * left and ends by itself. Calling {@link RecordingStream#stop()} from another shutdown hook at the same time can fail
 * ("already stopped") and leave the stream waiting forever, so {@link #stop(boolean, Duration)} only waits then (and
 * wakes the stream). The stream's thread is not started with {@link RecordingStream#startAsync()}, whose thread is not
 * a daemon and would keep the JVM from exiting. From a repository, the stream ends by itself after the chunk that JFR
 * marks as the last one when the JVM exits; a JVM killed with SIGKILL writes no such chunk, and its stream is closed
 * after a time-out.
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

    private static final int CACHE_LIMIT = 20_000;
    private static final long POKE_MILLIS = 20;
    /**
     * From a repository: once the JVM has exited, how long without a flush means nothing more will come (a JVM killed
     * with SIGKILL writes no final chunk). JFR flushes every second while the JVM runs, and the stream reads a
     * finished file within a second.
     */
    static final long QUIET_NANOS = 3_000_000_000L;

    private final EventStream stream;
    private final boolean inProcess;
    private final Thread thread;
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile SamplerChoice used;
    private volatile long lastFlushNanos = System.nanoTime();
    private final StackTable stacks;
    private final Listener listener;
    private final Map<RecordedStackTrace, Integer> stackCache = new IdentityHashMap<>();
    private final Map<RecordedMethod, Integer> frameCache = new IdentityHashMap<>();
    private final int truncatedFrame;

    private JfrSampling(EventStream stream, boolean inProcess, SamplerChoice used, StackTable stacks,
            Listener listener) {
        this.stream = stream;
        this.inProcess = inProcess;
        this.used = used;
        this.stacks = stacks;
        this.listener = listener;
        this.truncatedFrame = stacks.frame("[truncated stack]");
        if (used != SamplerChoice.EXECUTION) {
            stream.onEvent(JfrRecorder.CPU_TIME_EVENT, e -> onSample(e, SamplerChoice.CPU_TIME, "eventThread"));
            stream.onEvent(JfrRecorder.LOST_EVENT, e -> listener.lost(e.getInt("lostSamples")));
        }
        if (used != SamplerChoice.CPU_TIME) {
            stream.onEvent(JfrRecorder.EXECUTION_EVENT, e -> onSample(e, SamplerChoice.EXECUTION, "sampledThread"));
        }
        stream.onFlush(() -> {
            lastFlushNanos = System.nanoTime();
            listener.flushed(JvmEnergyMeter.epochNanos(Instant.now()));
        });
        stream.onClose(ended::countDown);
        this.thread = Thread.ofPlatform().daemon().name("erg-profiler-jfr").unstarted(() -> {
            try {
                stream.start();
            } finally {
                ended.countDown();
            }
        });
    }

    /**
     * Starts sampling this JVM, in process.
     *
     * @throws IllegalStateException when the CPU-time sampler is asked for and this JDK or OS does not have it
     */
    static JfrSampling start(SamplerChoice choice, long periodNanos, StackTable stacks, Listener listener) {
        SamplerChoice used = JfrRecorder.resolve(choice);
        RecordingStream stream = new RecordingStream();
        try {
            stream.setReuse(true);
            stream.setOrdered(false);
            JfrRecorder.enableSampler(stream::enable, used, periodNanos);
            JfrSampling sampling = new JfrSampling(stream, true, used, stacks, listener);
            sampling.thread.start();
            return sampling;
        } catch (RuntimeException e) {
            stream.close();
            throw e;
        }
    }

    /**
     * Starts reading the samples that another JVM's {@link JfrRecorder} writes to {@code directory} (its disk
     * repository), from the first one. Which sampler that JVM uses is known from its first sample.
     *
     * @throws IOException when the repository cannot be opened
     */
    static JfrSampling fromRepository(Path directory, StackTable stacks, Listener listener) throws IOException {
        EventStream stream = EventStream.openRepository(directory);
        try {
            stream.setReuse(true);
            stream.setOrdered(false);
            stream.setStartTime(Instant.EPOCH);
            JfrSampling sampling = new JfrSampling(stream, false, null, stacks, listener);
            sampling.thread.start();
            return sampling;
        } catch (RuntimeException e) {
            stream.close();
            throw e;
        }
    }

    /** The sampler in use; null when reading a repository that has no sample yet. */
    SamplerChoice used() {
        return used;
    }

    private void onSample(RecordedEvent event, SamplerChoice sampler, String threadField) {
        if (used == null) {
            used = sampler;
        }
        if (sampler == SamplerChoice.CPU_TIME && event.getBoolean("failed")) {
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
     * <p>In process, at shutdown, JFR's own hook stops the recording and the stream ends by itself once it sees that,
     * but it looks only after a nap of up to a second between two reads of the recording's file. The nap is an
     * interruptible wait on the stream's thread, which is this class's own, so it is interrupted every
     * {@value #POKE_MILLIS} ms until the stream ends: that takes tens of milliseconds instead of up to a second, and
     * every sample is still delivered (the parser only re-reads the file when woken). From a repository, the JVM has
     * ended: the stream ends by itself after the final chunk, or, when the JVM was killed and wrote none, this gives
     * up {@link #QUIET_NANOS} after the last flush.
     *
     * @param atShutdown true from a shutdown hook in process: JFR's own hook stops the recording, this only waits
     * @return true when the stream delivered everything and ended in time
     */
    boolean stop(boolean atShutdown, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (inProcess && !atShutdown) {
            try {
                ((RecordingStream) stream).stop();
            } catch (IllegalStateException e) {
                // stopped already (by JFR at shutdown): the stream ends by itself
            }
        }
        try {
            if (inProcess) {
                while (thread.isAlive() && System.nanoTime() - deadline < 0) {
                    if (atShutdown) {
                        thread.interrupt();
                    }
                    thread.join(POKE_MILLIS);
                }
                return !thread.isAlive();
            }
            while (!ended.await(POKE_MILLIS, TimeUnit.MILLISECONDS)) {
                long now = System.nanoTime();
                if (now - deadline >= 0 || now - lastFlushNanos > QUIET_NANOS) {
                    return false;
                }
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        stream.close();
    }
}
