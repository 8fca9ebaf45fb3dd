package dev.ergometer.profiler;

import java.util.Locale;

/** Which JDK Flight Recorder event gives the profiler its method samples. */
public enum SamplerChoice {

    /** The CPU-time sampler where this JDK has it ({@code jdk.CPUTimeSample}, JDK 25 on Linux), else execution samples. */
    AUTO("auto"),
    /**
     * {@code jdk.CPUTimeSample} (JEP 509, experimental in JDK 25): each thread is sampled after every period of its
     * own CPU time, wherever it is (Java, native or VM code), so samples are proportional to CPU time and not biased
     * towards safepoints.
     */
    CPU_TIME("cpu-time"),
    /**
     * {@code jdk.ExecutionSample}: every period of wall time, the threads running Java code are sampled (threads in
     * native code are not), a few at a time; available on every JDK with JFR.
     */
    EXECUTION("execution");

    private final String id;

    SamplerChoice(String id) {
        this.id = id;
    }

    /** The name {@code --sampler} takes. */
    public String id() {
        return id;
    }

    /** @throws IllegalArgumentException naming the unknown sampler and the known ones */
    public static SamplerChoice parse(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        for (SamplerChoice c : values()) {
            if (c.id.equals(n)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown sampler '" + name + "'; the samplers are auto, cpu-time and"
                + " execution");
    }
}
