package dev.ergometer.benchmarks;

import jdk.jfr.consumer.RecordingStream;

/**
 * {@link ProfilerOverheadWorkload} under JDK Flight Recorder alone, without any Ergometer code: an in-process
 * {@link RecordingStream} of {@code jdk.CPUTimeSample} every 19 ms whose handler only reads each sample's stack, as
 * the profiler's is started. The baseline of JFR's own cost in docs/PERFORMANCE.md
 * ({@code VARIANT=jfr-only ergometer-benchmarks/run-profiler-overhead.sh}).
 */
public final class JfrOnlyWorkload {

    private JfrOnlyWorkload() {
    }

    public static void main(String[] args) throws Exception {
        RecordingStream stream = new RecordingStream();
        stream.enable("jdk.CPUTimeSample").with("throttle", "19ms");
        stream.onEvent("jdk.CPUTimeSample", event -> event.getStackTrace());
        Thread.ofPlatform().daemon().name("jfr-only-stream").start(stream::start);
        ProfilerOverheadWorkload.main(args);
    }
}
