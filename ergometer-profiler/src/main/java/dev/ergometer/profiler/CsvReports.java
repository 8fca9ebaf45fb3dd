package dev.ergometer.profiler;

/**
 * The CSV reports: {@code methods.csv} (one row per method of a view: own and total energy and samples) and
 * {@code threads.csv} (one row per thread: CPU time and energy). Every row says whether the energy is estimated.
 * The energy over time is streamed by {@link TimelineFiles}.
 */
final class CsvReports {

    private CsvReports() {
    }

    static String methods(ProfileView view, boolean estimated) {
        long total = view.totalMicrojoules();
        StringBuilder out = new StringBuilder(
                "method,own_joules,total_joules,own_percent,total_percent,own_samples,total_samples,estimated\n");
        for (ProfileView.Method m : view.methods()) {
            out.append(EnergyText.csv(m.name())).append(',')
                    .append(EnergyText.joules(m.ownMicrojoules())).append(',')
                    .append(EnergyText.joules(m.totalMicrojoules())).append(',')
                    .append(EnergyText.percent(m.ownMicrojoules(), total)).append(',')
                    .append(EnergyText.percent(m.totalMicrojoules(), total)).append(',')
                    .append(m.ownSamples()).append(',')
                    .append(m.totalSamples()).append(',')
                    .append(estimated).append('\n');
        }
        return out.toString();
    }

    static String threads(Profile profile) {
        long jvm = profile.total(Profile.TimelinePoint::jvmMicrojoules);
        StringBuilder out = new StringBuilder("tid,thread,kind,cpu_seconds,joules,percent_of_jvm,samples,estimated\n");
        profile.threads().stream()
                .sorted(java.util.Comparator.comparingLong(Profile.ThreadTotal::microjoules).reversed())
                .forEach(t -> out.append(t.tid()).append(',')
                        .append(EnergyText.csv(t.name())).append(',')
                        .append(t.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')).append(',')
                        .append(EnergyText.seconds(t.cpuNanos())).append(',')
                        .append(EnergyText.joules(t.microjoules())).append(',')
                        .append(EnergyText.percent(t.microjoules(), jvm)).append(',')
                        .append(t.samples()).append(',')
                        .append(profile.info().estimated()).append('\n'));
        return out.toString();
    }
}
