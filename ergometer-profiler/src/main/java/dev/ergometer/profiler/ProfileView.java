package dev.ergometer.profiler;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One view of a profile's stacks: every frame ({@link #all}), or the application's frames only
 * ({@link #application}), where stacks that become equal are merged. Gives each method's own and total energy and the
 * call tree. Immutable.
 *
 * @param name {@code all} or {@code application}
 * @param stacks the view's distinct stacks, root first
 */
record ProfileView(String name, List<Profile.Stack> stacks) {

    ProfileView {
        stacks = List.copyOf(stacks);
    }

    /** Every frame as sampled. */
    static ProfileView all(Profile profile) {
        return new ProfileView("all", profile.stacks());
    }

    /** The application's frames only: JDK and library energy charged to the application method that called them. */
    static ProfileView application(Profile profile, ApplicationFilter filter) {
        Map<List<String>, long[]> merged = new LinkedHashMap<>();
        for (Profile.Stack s : profile.stacks()) {
            long[] sums = merged.computeIfAbsent(filter.filter(s.frames()), k -> new long[2]);
            sums[0] += s.microjoules();
            sums[1] += s.samples();
        }
        List<Profile.Stack> stacks = new ArrayList<>();
        merged.forEach((frames, sums) -> stacks.add(new Profile.Stack(frames, sums[0], sums[1])));
        return new ProfileView("application", stacks);
    }

    /** The energy of all stacks: the JVM's energy, in µJ. */
    long totalMicrojoules() {
        return stacks.stream().mapToLong(Profile.Stack::microjoules).sum();
    }

    /**
     * One method's energy: own (as the leaf: itself running) and total (anywhere on the stack: itself and what it
     * called), with the samples of each.
     */
    record Method(String name, long ownMicrojoules, long totalMicrojoules, long ownSamples, long totalSamples) {
    }

    /** Every method of the view, by own energy, highest first (then by total, then by name). */
    List<Method> methods() {
        Map<String, long[]> sums = new HashMap<>();
        for (Profile.Stack s : stacks) {
            List<String> frames = s.frames();
            Set<String> seen = new HashSet<>();
            for (String frame : frames) {
                if (seen.add(frame)) {
                    long[] m = sums.computeIfAbsent(frame, k -> new long[4]);
                    m[1] += s.microjoules();
                    m[3] += s.samples();
                }
            }
            long[] leaf = sums.get(frames.getLast());
            leaf[0] += s.microjoules();
            leaf[2] += s.samples();
        }
        List<Method> methods = new ArrayList<>();
        sums.forEach((name, m) -> methods.add(new Method(name, m[0], m[1], m[2], m[3])));
        methods.sort(Comparator.comparingLong(Method::ownMicrojoules).reversed()
                .thenComparing(Comparator.comparingLong(Method::totalMicrojoules).reversed())
                .thenComparing(Method::name));
        return methods;
    }

    /** A node of the call tree: a frame reached by one path from a root, with its own and total energy. */
    static final class Node {
        final String name;
        long totalMicrojoules;
        long ownMicrojoules;
        long totalSamples;
        final Map<String, Node> children = new LinkedHashMap<>();

        Node(String name) {
            this.name = name;
        }

        /** The children, by total energy, highest first. */
        List<Node> sortedChildren() {
            List<Node> sorted = new ArrayList<>(children.values());
            sorted.sort(Comparator.comparingLong((Node n) -> n.totalMicrojoules).reversed()
                    .thenComparing(n -> n.name));
            return sorted;
        }
    }

    /** The call tree under a root named {@code rootName}, whose total is the view's energy. */
    Node callTree(String rootName) {
        Node root = new Node(rootName);
        for (Profile.Stack s : stacks) {
            Node node = root;
            node.totalMicrojoules += s.microjoules();
            node.totalSamples += s.samples();
            for (String frame : s.frames()) {
                node = node.children.computeIfAbsent(frame, Node::new);
                node.totalMicrojoules += s.microjoules();
                node.totalSamples += s.samples();
            }
            node.ownMicrojoules += s.microjoules();
        }
        return root;
    }
}
