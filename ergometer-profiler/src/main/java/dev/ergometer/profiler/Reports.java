package dev.ergometer.profiler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Writes a profile's reports into the output folder ({@code summary.txt} always, the others by format), each file whole: written next to its place and moved over it,
 * so a reader never sees half a report while the program runs. With application packages, each view-dependent
 * report comes twice: for all frames ({@code methods.csv}) and for the application ({@code methods-app.csv}).
 */
final class Reports {

    private Reports() {
    }

    /** The views of a profile: all frames, then the application's when packages were given. */
    static List<ProfileView> views(Profile profile) {
        List<ProfileView> views = new ArrayList<>();
        views.add(ProfileView.all(profile));
        if (!profile.info().packages().isEmpty()) {
            views.add(ProfileView.application(profile, new ApplicationFilter(profile.info().packages())));
        }
        return views;
    }

    /**
     * Writes the reports of {@code formats} and returns the summary text.
     *
     * @throws IOException naming the file that could not be written
     */
    static String write(Path folder, Set<ReportFormat> formats, Profile profile) throws IOException {
        List<ProfileView> views = views(profile);
        List<String> files = new ArrayList<>();
        for (ProfileView view : views) {
            String suffix = view.name().equals("application") ? "-app" : "";
            if (formats.contains(ReportFormat.CSV)) {
                write(folder, "methods" + suffix + ".csv", CsvReports.methods(view, profile.info().estimated()), files);
            }
            if (formats.contains(ReportFormat.COLLAPSED)) {
                write(folder, "stacks" + suffix + ".collapsed", CollapsedStacks.render(view), files);
            }
            if (formats.contains(ReportFormat.TEXT)) {
                write(folder, "calltree" + suffix + ".txt", CallTreeText.render(view, profile.info()), files);
            }
        }
        if (formats.contains(ReportFormat.CSV)) {
            write(folder, "threads.csv", CsvReports.threads(profile), files);
            files.add("timeline.csv");
            files.add("methods-timeline.csv");
        }
        if (formats.contains(ReportFormat.HTML)) {
            write(folder, "flamegraph.html", FlameGraphHtml.render(profile, views), files);
        }
        files.addFirst("summary.txt");
        String summary = SummaryText.render(profile, views.getLast(), files);
        write(folder, "summary.txt", summary, new ArrayList<>());
        return summary;
    }

    private static void write(Path folder, String name, String content, List<String> files) throws IOException {
        Path target = folder.resolve(name);
        Path partial = folder.resolve("." + name + ".partial");
        try {
            Files.writeString(partial, content, StandardCharsets.UTF_8);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new IOException("cannot write " + target + ": " + e.getMessage(), e);
        }
        files.add(name);
    }
}
