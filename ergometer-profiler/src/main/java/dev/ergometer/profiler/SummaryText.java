package dev.ergometer.profiler;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The summary people read first ({@code summary.txt}, printed by {@code erg profile}): how the energy was split
 * between idle time, other processes and the JVM, the JVM's part between methods, threads without samples and the
 * profiler, then the top methods and threads.
 */
final class SummaryText {

    static final int TOP = 15;

    private SummaryText() {
    }

    static String render(Profile profile, ProfileView view, List<String> files) {
        Profile.Info info = profile.info();
        long energy = profile.total(Profile.TimelinePoint::energyMicrojoules);
        long jvm = profile.total(Profile.TimelinePoint::jvmMicrojoules);
        long profiler = profile.total(Profile.TimelinePoint::profilerMicrojoules);
        long notSampled = profile.total(Profile.TimelinePoint::notSampledMicrojoules);
        long unaccounted = profile.total(Profile.TimelinePoint::unaccountedMicrojoules);
        long duration = profile.durationNanos();
        StringBuilder out = new StringBuilder();
        out.append("Energy profile of JVM ").append(info.pid()).append(" (").append(abbreviate(info.command(), 100))
                .append(")\n");
        out.append(String.format(Locale.ROOT, "%s s in %d intervals; %s energy of %s from the %s source",
                EnergyText.seconds(duration), profile.timeline().size(), info.kindOfEnergy(), info.domains(),
                info.source()));
        out.append(info.estimated() ? " (a model: estimated, not measured)\n" : "\n");
        line(out, "energy", energy, energy, duration);
        line(out, "  idle", profile.total(Profile.TimelinePoint::idleMicrojoules), energy, duration);
        line(out, "  other processes", profile.total(Profile.TimelinePoint::otherProcessesMicrojoules), energy,
                duration);
        line(out, "  this JVM", jvm, energy, duration);
        line(out, "    methods", jvm - profiler - notSampled - unaccounted, energy, duration);
        line(out, "    not sampled", notSampled, energy, duration);
        line(out, "    profiler", profiler, energy, duration);
        line(out, "    unaccounted", unaccounted, energy, duration);
        Profile.Counts c = profile.counts();
        out.append(String.format(Locale.ROOT, "samples: %d (%s sampler, every %d ms%s), lost %d, late %d%n",
                c.samples(), info.sampler().id(), info.samplingPeriodNanos() / 1_000_000,
                info.sampler() == SamplerChoice.CPU_TIME ? " of a thread's CPU time" : "", c.lost(), c.late()));
        out.append("\nTop methods by own energy (").append(view.name().equals("application")
                ? "application view: " + String.join(", ", info.packages()) + "; JDK and library code charged to its"
                        + " caller" : "all frames").append(")\n");
        out.append(String.format(Locale.ROOT, "%10s %6s %10s %6s  %s%n", "own J", "own%", "total J", "total%",
                "method"));
        view.methods().stream().limit(TOP).forEach(m -> out.append(String.format(Locale.ROOT,
                "%10s %6s %10s %6s  %s%n", EnergyText.joulesShort(m.ownMicrojoules()),
                EnergyText.percent(m.ownMicrojoules(), jvm), EnergyText.joulesShort(m.totalMicrojoules()),
                EnergyText.percent(m.totalMicrojoules(), jvm), m.name())));
        out.append("\nTop threads by energy\n");
        out.append(String.format(Locale.ROOT, "%10s %6s %9s  %-12s %s%n", "J", "%", "CPU s", "kind", "thread"));
        profile.threads().stream()
                .sorted(Comparator.comparingLong(Profile.ThreadTotal::microjoules).reversed())
                .limit(8)
                .forEach(t -> out.append(String.format(Locale.ROOT, "%10s %6s %9s  %-12s %s%n",
                        EnergyText.joulesShort(t.microjoules()), EnergyText.percent(t.microjoules(), jvm),
                        EnergyText.seconds(t.cpuNanos()), t.kind().name().toLowerCase(Locale.ROOT).replace('_', '-'),
                        t.name())));
        if (!files.isEmpty()) {
            out.append("\nFiles: ").append(String.join(", ", files)).append('\n');
        }
        return out.toString();
    }

    private static void line(StringBuilder out, String label, long microjoules, long whole, long nanos) {
        out.append(String.format(Locale.ROOT, "%-20s %12s J %6s%% %9s W%n", label, EnergyText.joulesShort(microjoules),
                EnergyText.percent(microjoules, whole), EnergyText.watts(microjoules, nanos)));
    }

    private static String abbreviate(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
