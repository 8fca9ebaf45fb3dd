package dev.ergometer.profiler;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;

/**
 * The energy over time, streamed while the program runs: {@code timeline.csv} (one row per interval: the energy, its
 * idle, other-process and JVM parts, the profiler's and the unsampled threads' parts, the JVM's power) and
 * {@code methods-timeline.csv} (one row per interval and method with energy of its own in it), each row written and
 * flushed as soon as its interval's samples are in.
 */
final class TimelineFiles implements AutoCloseable {

    private final BufferedWriter timeline;
    private final BufferedWriter methods;
    private final boolean estimated;

    private TimelineFiles(BufferedWriter timeline, BufferedWriter methods, boolean estimated) {
        this.timeline = timeline;
        this.methods = methods;
        this.estimated = estimated;
    }

    static TimelineFiles create(Path folder, boolean estimated) throws IOException {
        BufferedWriter timeline = Files.newBufferedWriter(folder.resolve("timeline.csv"), StandardCharsets.UTF_8);
        BufferedWriter methods;
        try {
            methods = Files.newBufferedWriter(folder.resolve("methods-timeline.csv"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            timeline.close();
            throw e;
        }
        timeline.write("start_seconds,duration_seconds,joules,idle_joules,other_processes_joules,jvm_joules,"
                + "profiler_joules,not_sampled_joules,unaccounted_joules,jvm_watts,samples,estimated\n");
        methods.write("start_seconds,method,own_joules,estimated\n");
        timeline.flush();
        methods.flush();
        return new TimelineFiles(timeline, methods, estimated);
    }

    void append(Profile.TimelinePoint p, Map<String, Long> methodMicrojoules) throws IOException {
        String start = EnergyText.seconds(p.startOffsetNanos());
        timeline.write(start + ',' + EnergyText.seconds(p.durationNanos()) + ','
                + EnergyText.joules(p.energyMicrojoules()) + ',' + EnergyText.joules(p.idleMicrojoules()) + ','
                + EnergyText.joules(p.otherProcessesMicrojoules()) + ',' + EnergyText.joules(p.jvmMicrojoules()) + ','
                + EnergyText.joules(p.profilerMicrojoules()) + ',' + EnergyText.joules(p.notSampledMicrojoules()) + ','
                + EnergyText.joules(p.unaccountedMicrojoules()) + ','
                + EnergyText.watts(p.jvmMicrojoules(), p.durationNanos()) + ',' + p.samples() + ',' + estimated
                + '\n');
        var sorted = methodMicrojoules.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder())
                        .thenComparing(Map.Entry.comparingByKey()))
                .toList();
        for (Map.Entry<String, Long> e : sorted) {
            methods.write(start + ',' + EnergyText.csv(e.getKey()) + ',' + EnergyText.joules(e.getValue()) + ','
                    + estimated + '\n');
        }
        timeline.flush();
        methods.flush();
    }

    @Override
    public void close() throws IOException {
        try {
            timeline.close();
        } finally {
            methods.close();
        }
    }
}
