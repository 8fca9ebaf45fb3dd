package dev.ergometer.profiler;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The JDK a {@code java} launcher belongs to, from the {@code release} file at the JDK's root ({@code JAVA_VERSION}),
 * so that {@code erg profile} can say before starting the program that its JVM is too old to be profiled.
 *
 * @param home the JDK's folder
 * @param version its {@code JAVA_VERSION} ({@code 25.0.3}, {@code 17.0.15}, {@code 1.8.0_412})
 */
record JdkRelease(Path home, String version) {

    /** The oldest JDK whose JVM {@code erg profile} can profile (the recorder's class files, JFR's options). */
    static final int OLDEST_PROFILED = 25;

    private static final Pattern JAVA_VERSION = Pattern.compile("(?m)^JAVA_VERSION=\"?([^\"\\s]+)\"?\\s*$");

    /**
     * The JDK of the launcher {@code program} ({@code java}, found on {@code path}, or a path to one), when its
     * release file says; empty when it cannot be told (no such launcher, no release file).
     */
    static Optional<JdkRelease> ofLauncher(String program, String path) {
        Optional<Path> launcher = program.contains("/") ? Optional.of(Path.of(program)) : onPath(program, path);
        if (launcher.isEmpty()) {
            return Optional.empty();
        }
        try {
            Path real = launcher.get().toRealPath();
            Path home = real.getParent() == null ? null : real.getParent().getParent();
            if (home == null || !Files.isRegularFile(home.resolve("release"))) {
                return Optional.empty();
            }
            Matcher m = JAVA_VERSION.matcher(Files.readString(home.resolve("release"), StandardCharsets.UTF_8));
            return m.find() ? Optional.of(new JdkRelease(home, m.group(1))) : Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    private static Optional<Path> onPath(String program, String path) {
        if (path == null) {
            return Optional.empty();
        }
        for (String folder : path.split(":")) {
            Path candidate = Path.of(folder.isEmpty() ? "." : folder, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** The feature release: 25 for {@code 25.0.3}, 8 for {@code 1.8.0_412}. */
    int feature() {
        String[] parts = version.split("[._+-]");
        try {
            int first = Integer.parseInt(parts[0]);
            return first == 1 && parts.length > 1 ? Integer.parseInt(parts[1]) : first;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
