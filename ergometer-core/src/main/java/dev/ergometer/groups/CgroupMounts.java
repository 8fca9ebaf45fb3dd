package dev.ergometer.groups;

import dev.ergometer.source.SystemPaths;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The cgroup hierarchies listed in a {@code /proc/self/mountinfo}: every {@code cgroup2} mount and every
 * {@code cgroup} (v1) mount, each once (the first mount of a hierarchy wins; later bind mounts of it are ignored).
 *
 * <p>Mount points are paths of the machine's mount namespace; they are resolved under {@link SystemPaths}: a mount
 * point under {@code /sys} is rooted at {@link SystemPaths#sysfs()} ({@code /sys/fs/cgroup/unified} becomes
 * {@code paths.sys("fs/cgroup/unified")}), so a fake sysfs in a folder holds fake cgroup trees. A mount point
 * elsewhere (old distributions mounted {@code /cgroup}) is taken as it is, since SystemPaths has no root for it.
 */
final class CgroupMounts {

    /** Mount options of v1 cgroups that are flags, not controllers. */
    private static final Set<String> V1_FLAGS = Set.of("rw", "ro", "noprefix", "clone_children", "xattr",
            "cpuset_v2_mode", "favordynmods", "nofavordynmods");

    private CgroupMounts() {
    }

    /** Parses the text of a mountinfo file; lines that are not cgroup mounts are skipped. */
    static List<CgroupHierarchy> parse(String mountinfo, SystemPaths paths) {
        List<CgroupHierarchy> hierarchies = new ArrayList<>();
        Set<String> seenV1 = new HashSet<>();
        boolean seenV2 = false;
        for (String line : mountinfo.split("\n")) {
            int separator = line.indexOf(" - ");
            if (separator < 0) {
                continue;
            }
            String[] before = line.substring(0, separator).split(" ");
            String[] after = line.substring(separator + 3).split(" ");
            if (before.length < 6 || after.length < 3) {
                continue;
            }
            String fsType = after[0];
            boolean readOnly = options(before[5]).contains("ro") || options(after[2]).contains("ro");
            String root = unescape(before[3]);
            Path mountPoint = resolve(unescape(before[4]), paths);
            if (fsType.equals("cgroup2") && !seenV2) {
                seenV2 = true;
                hierarchies.add(new CgroupHierarchy(mountPoint, root, true, Set.of(), readOnly));
            } else if (fsType.equals("cgroup")) {
                Set<String> controllers = new LinkedHashSet<>();
                for (String option : options(after[2])) {
                    if (!V1_FLAGS.contains(option) && !option.startsWith("release_agent=")) {
                        controllers.add(option);
                    }
                }
                String key = String.join(",", controllers.stream().sorted().toList());
                if (!controllers.isEmpty() && seenV1.add(key)) {
                    hierarchies.add(new CgroupHierarchy(mountPoint, root, false, controllers, readOnly));
                }
            }
        }
        return List.copyOf(hierarchies);
    }

    /** A mount point of the machine as a path under {@code paths} (see the class comment). */
    static Path resolve(String mountPoint, SystemPaths paths) {
        if (mountPoint.equals("/sys")) {
            return paths.sysfs();
        }
        if (mountPoint.startsWith("/sys/")) {
            return paths.sys(mountPoint.substring("/sys/".length()));
        }
        return Path.of(mountPoint);
    }

    private static List<String> options(String field) {
        return List.of(field.split(","));
    }

    /** Undoes mountinfo's octal escapes ({@code \040} for a space, {@code \011}, {@code \012}, {@code \134}). */
    private static String unescape(String field) {
        if (field.indexOf('\\') < 0) {
            return field;
        }
        StringBuilder out = new StringBuilder(field.length());
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (c == '\\' && i + 3 < field.length()
                    && field.substring(i + 1, i + 4).matches("[0-7]{3}")) {
                out.append((char) Integer.parseInt(field.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
