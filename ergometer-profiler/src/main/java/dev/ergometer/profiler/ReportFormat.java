package dev.ergometer.profiler;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** A kind of report the profiler writes into its output folder. */
public enum ReportFormat {

    /** {@code calltree.txt}, the call tree as indented text ({@code summary.txt} is always written). */
    TEXT("text"),
    /** {@code methods.csv}, {@code threads.csv}, {@code timeline.csv} and {@code methods-timeline.csv}. */
    CSV("csv"),
    /** {@code stacks.collapsed}: one {@code frame;frame;frame µJ} line per stack, for flame-graph tools. */
    COLLAPSED("collapsed"),
    /** {@code flamegraph.html}: a self-contained flame graph with the energy over time, no internet needed. */
    HTML("html");

    private final String id;

    ReportFormat(String id) {
        this.id = id;
    }

    /** The name {@code --format} takes. */
    public String id() {
        return id;
    }

    /**
     * Parses a comma-separated list of format names ({@code text,csv,collapsed,html}); {@code all} means every one.
     *
     * @throws IllegalArgumentException naming the unknown format and the known ones
     */
    public static Set<ReportFormat> parse(String list) {
        Set<ReportFormat> formats = EnumSet.noneOf(ReportFormat.class);
        for (String item : list.split(",")) {
            String name = item.strip().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            if (name.equals("all")) {
                formats.addAll(EnumSet.allOf(ReportFormat.class));
                continue;
            }
            ReportFormat found = null;
            for (ReportFormat f : values()) {
                if (f.id.equals(name)) {
                    found = f;
                }
            }
            if (found == null) {
                throw new IllegalArgumentException("unknown report format '" + item.strip()
                        + "'; the formats are text, csv, collapsed, html (or all)");
            }
            formats.add(found);
        }
        return formats;
    }
}
