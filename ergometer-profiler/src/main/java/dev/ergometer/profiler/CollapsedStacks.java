package dev.ergometer.profiler;

import java.util.ArrayList;
import java.util.List;

/**
 * Collapsed stacks, the input of flame-graph tools (Brendan Gregg's {@code flamegraph.pl}, speedscope,
 * async-profiler's converters): one line per stack, {@code root;caller;leaf microjoules}, sorted.
 */
final class CollapsedStacks {

    private CollapsedStacks() {
    }

    static String render(ProfileView view) {
        List<String> lines = new ArrayList<>();
        for (Profile.Stack s : view.stacks()) {
            if (s.microjoules() > 0) {
                lines.add(String.join(";", s.frames()) + " " + s.microjoules());
            }
        }
        lines.sort(null);
        StringBuilder out = new StringBuilder();
        lines.forEach(line -> out.append(line).append('\n'));
        return out.toString();
    }
}
