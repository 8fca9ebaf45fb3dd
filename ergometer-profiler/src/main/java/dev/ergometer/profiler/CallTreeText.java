package dev.ergometer.profiler;

/**
 * The call tree as indented text: for each node, its total energy (itself and what it called), its share of the
 * JVM's energy and its own energy, children by total energy. Nodes under {@value #MIN_PERMILLE}‰ of the JVM's energy
 * are left out (the CSV and collapsed files have everything).
 */
final class CallTreeText {

    static final int MIN_PERMILLE = 1;

    private CallTreeText() {
    }

    static String render(ProfileView view, Profile.Info info) {
        ProfileView.Node root = view.callTree("JVM " + info.pid());
        StringBuilder out = new StringBuilder();
        out.append("# Call tree (").append(view.name()).append(" frames) of JVM ").append(info.pid()).append(": ")
                .append(info.kindOfEnergy()).append(" energy of ").append(info.domains()).append(" from the ")
                .append(info.source()).append(" source\n");
        out.append("# total J   total%     own J  frame (nodes under 0.1% of the JVM's energy left out)\n");
        write(out, root, root.totalMicrojoules, 0);
        return out.toString();
    }

    private static void write(StringBuilder out, ProfileView.Node node, long whole, int depth) {
        out.append(String.format(java.util.Locale.ROOT, "%9s %7s%% %9s  ", EnergyText.joulesShort(node.totalMicrojoules),
                EnergyText.percent(node.totalMicrojoules, whole), EnergyText.joulesShort(node.ownMicrojoules)));
        out.append("  ".repeat(depth)).append(node.name).append('\n');
        for (ProfileView.Node child : node.sortedChildren()) {
            if (whole > 0 && child.totalMicrojoules * 1000 >= whole * MIN_PERMILLE) {
                write(out, child, whole, depth + 1);
            }
        }
    }
}
