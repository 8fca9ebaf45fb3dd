package dev.ergometer.profiler;

import java.util.List;

/**
 * The application view of a stack, as JoularJX filters it: only the frames of the application's packages are kept,
 * so the energy of JDK and library code is charged to the application method that called it. A stack without any
 * application frame becomes {@code [outside the application]}; the profiler's own bracketed frames are kept.
 */
final class ApplicationFilter {

    /** The frame of stacks that have no application frame: JVM and library threads, and startup code. */
    static final String OUTSIDE = "[outside the application]";

    private final List<String> prefixes;

    /** @param packages package names such as {@code com.example}: a class is in one when its name starts with it and a dot */
    ApplicationFilter(List<String> packages) {
        this.prefixes = packages.stream().map(p -> p + ".").toList();
    }

    /** True when {@code frame} ({@code package.Class.method}) belongs to an application package. */
    boolean isApplication(String frame) {
        for (String prefix : prefixes) {
            if (frame.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    /** True for the profiler's own frames, in brackets. */
    static boolean isPseudo(String frame) {
        return frame.startsWith("[");
    }

    /**
     * The application view of a stack, root first: its application frames and bracketed frames in order, or
     * {@code [OUTSIDE]} when it has none (the truncation marker alone does not count).
     */
    List<String> filter(List<String> rootToLeaf) {
        List<String> kept = new java.util.ArrayList<>();
        boolean application = false;
        for (String frame : rootToLeaf) {
            if (isPseudo(frame)) {
                kept.add(frame);
                application |= !frame.equals("[truncated stack]");
            } else if (isApplication(frame)) {
                kept.add(frame);
                application = true;
            }
        }
        return application ? kept : List.of(OUTSIDE);
    }
}
