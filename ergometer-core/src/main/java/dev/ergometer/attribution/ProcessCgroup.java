package dev.ergometer.attribution;

/**
 * Which cgroup a process is in, from {@code /proc/PID/cgroup}: lines of {@code hierarchy-id:controllers:path}.
 *
 * <p>The path chosen is the first that is not the root among: the cgroup v2 line ({@code 0::/path}), the v1 line whose
 * controllers include {@code cpuacct}, and the v1 {@code name=systemd} line; else {@code /}. On a pure v2 machine
 * that is the process's only cgroup; on a v1 or hybrid machine, the one its CPU time is accounted in.
 */
final class ProcessCgroup {

    private ProcessCgroup() {
    }

    /** Parses the first {@code length} bytes of the reader's buffer (allocates the path string). */
    static String parse(ProcFileReader reader, int length) {
        String unified = null;
        String cpuacct = null;
        String systemd = null;
        int lineStart = 0;
        while (lineStart < length) {
            int lineEnd = lineStart;
            while (lineEnd < length && reader.byteAt(lineEnd) != '\n') {
                lineEnd++;
            }
            String line = reader.string(lineStart, lineEnd);
            int first = line.indexOf(':');
            int second = first < 0 ? -1 : line.indexOf(':', first + 1);
            if (second > 0) {
                String controllers = line.substring(first + 1, second);
                String path = line.substring(second + 1);
                if (!path.equals("/") && path.startsWith("/")) {
                    path = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
                    if (controllers.isEmpty() && line.startsWith("0:")) {
                        unified = unified == null ? path : unified;
                    } else if (hasController(controllers, "cpuacct")) {
                        cpuacct = cpuacct == null ? path : cpuacct;
                    } else if (controllers.equals("name=systemd")) {
                        systemd = systemd == null ? path : systemd;
                    }
                }
            }
            lineStart = lineEnd + 1;
        }
        if (unified != null) {
            return strip(unified);
        }
        if (cpuacct != null) {
            return strip(cpuacct);
        }
        return systemd != null ? strip(systemd) : "/";
    }

    private static boolean hasController(String controllers, String name) {
        for (String c : controllers.split(",")) {
            if (c.equals(name)) {
                return true;
            }
        }
        return false;
    }

    /** Drops the {@code " (deleted)"} the kernel appends to a removed cgroup's path. */
    private static String strip(String path) {
        return path.endsWith(" (deleted)") ? path.substring(0, path.length() - " (deleted)".length()) : path;
    }
}
