package dev.ergometer.profiler;

import dev.ergometer.sampler.Sampler;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SourceUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What {@code erg profile -- COMMAND} does: runs the command with JFR recording method samples in its JVM, and
 * profiles that JVM from this process while it runs, then prints the summary.
 *
 * <p>The profiled JVM gets two options: {@code -javaagent:ergometer-profiler.jar=record,...}, whose
 * {@link JfrRecorder} starts a JFR recording of the sampler's events alone, and
 * {@code -XX:FlightRecorderOptions:repository=DIR,preserve-repository=true}, which puts JFR's disk repository where
 * this process reads it ({@link ProfiledJvms}, {@link JfrSampling#fromRepository}). Everything else (the energy
 * source, the JVM's and its threads' CPU times from procfs, parsing JFR's data, the reports) happens here, so the
 * program pays only for JFR's sampling (docs/PERFORMANCE.md, section 7).
 *
 * <p>When the command is a {@code java} launcher ({@code java ...}, {@code /path/to/bin/java ...}), the options go
 * right after it. Otherwise (a script that starts Java) they go into {@code JDK_JAVA_OPTIONS}, which every
 * {@code java} launcher of JDK 9 and later reads, so each JVM the command starts is profiled (the first into the
 * output folder, the others into {@code jvm-PID} folders in it).
 *
 * <pre>{@code
 * int exit = ProfileLauncher.run(List.of("java", "-jar", "app.jar"),
 *         ProfileSettings.builder(Path.of("profile")).packages(List.of("com.example")).build(), out, err);
 * }</pre>
 */
public final class ProfileLauncher {

    /** Exit code when the command cannot be started. */
    public static final int EXIT_NOT_STARTED = 127;
    /** Exit code when the command ran but no profile was written. */
    public static final int EXIT_NO_PROFILE = 125;
    /** How long, once the command has ended, its JVMs' last samples may take to come in. */
    private static final long FINISH_TIMEOUT_MILLIS = 20_000;

    private ProfileLauncher() {
    }

    /**
     * Runs {@code command} profiled, with the energy source the settings name (or the best one), with standard input,
     * output and error inherited, and prints the summaries.
     *
     * @return the command's exit code; {@link #EXIT_NOT_STARTED} when it cannot be started;
     *     {@link #EXIT_NO_PROFILE} when it exited with 0 but no JVM was profiled
     * @throws SourceUnavailableException when no energy source can be used (the command is not run)
     * @throws IOException when the output folder is not empty or cannot be made, or the agent's jar is not found
     * @throws InterruptedException when interrupted while waiting for the command
     */
    public static int run(List<String> command, ProfileSettings settings, PrintWriter out, PrintWriter err)
            throws SourceUnavailableException, IOException, InterruptedException {
        try (EnergySource source = ProfileSources.open(settings).source()) {
            return run(command, settings, source, out, err);
        }
    }

    /**
     * Runs {@code command} profiled with the energy from {@code source} (left open), and prints the summaries.
     *
     * @return as {@link #run(List, ProfileSettings, PrintWriter, PrintWriter)}
     * @throws IOException when the output folder is not empty or cannot be made, or the agent's jar is not found
     * @throws InterruptedException when interrupted while waiting for the command
     */
    public static int run(List<String> command, ProfileSettings settings, EnergySource source, PrintWriter out,
            PrintWriter err) throws IOException, InterruptedException {
        if (command.isEmpty()) {
            throw new IllegalArgumentException("no command to profile: give it after --, as in erg profile -- java"
                    + " -jar app.jar");
        }
        if (isJavaLauncher(command.getFirst())) {
            Optional<JdkRelease> jdk = JdkRelease.ofLauncher(command.getFirst(), System.getenv("PATH"));
            if (jdk.isPresent() && jdk.get().feature() < JdkRelease.OLDEST_PROFILED) {
                err.println("erg: " + command.getFirst() + " is JDK " + jdk.get().version() + " (" + jdk.get().home()
                        + "); erg profile needs the program's JVM to be JDK " + JdkRelease.OLDEST_PROFILED
                        + " or later. Fix: run it with a newer JDK, such as the one erg runs on: erg profile -- "
                        + Path.of(System.getProperty("java.home"), "bin", "java") + " ...");
                err.flush();
                return EXIT_NOT_STARTED;
            }
        }
        Path folder = settings.outputDirectory().toAbsolutePath();
        requireEmpty(folder);
        Files.createDirectories(folder);
        Path scratch = Files.createTempDirectory("erg-profile");
        try (Sampler sampler = ProfileSources.sampler(source, settings)) {
            Path repository = Files.createDirectory(scratch.resolve("jfr"));
            List<String> jvmOptions = jvmOptions(AgentJar.locate(scratch), repository, settings);
            ProcessBuilder builder = new ProcessBuilder(withAgent(command, jvmOptions)).inheritIO();
            if (!isJavaLauncher(command.getFirst())) {
                Map<String, String> environment = builder.environment();
                environment.put("JDK_JAVA_OPTIONS", javaOptions(environment.get("JDK_JAVA_OPTIONS"), jvmOptions));
            }
            int exit;
            int profiled;
            try (ProfiledJvms jvms = ProfiledJvms.watch(repository, source, sampler, settings,
                    isJavaLauncher(command.getFirst()), err)) {
                Process process;
                try {
                    process = builder.start();
                } catch (IOException e) {
                    err.println("erg: cannot start " + command.getFirst() + ": " + e.getMessage());
                    err.flush();
                    return EXIT_NOT_STARTED;
                }
                exit = process.waitFor();
                profiled = jvms.finish(FINISH_TIMEOUT_MILLIS);
            }
            List<Path> summaries = summaries(folder);
            if (profiled == 0 || summaries.isEmpty()) {
                err.println("erg: no profile was written to " + folder + ": " + (isJavaLauncher(command.getFirst())
                        ? "the program ended before profiling started (JFR's recording starts about half a second"
                                + " after the JVM), or its JVM is older than JDK 25. Fix: profile it from its start with"
                                + " erg profile --from-start"
                        : "the command started no JVM of JDK 25 or later (an older one fails to start with \"Unknown"
                                + " argument 'preserve-repository'\" or UnsupportedClassVersionError), or it ended before"
                                + " JFR's recording started (about half a second after the JVM starts). Fix: profile a"
                                + " java command of JDK 25 or later (erg profile -- java -jar app.jar), or add"
                                + " --from-start"));
                err.flush();
                return exit != 0 ? exit : EXIT_NO_PROFILE;
            }
            for (Path summary : summaries) {
                if (summaries.size() > 1) {
                    out.println("== " + summary.getParent());
                }
                out.print(Files.readString(summary, StandardCharsets.UTF_8));
                out.println("Folder: " + summary.getParent());
            }
            ProcessHandle.current().info().totalCpuDuration().ifPresent(cpu -> out.println(String.format(Locale.ROOT,
                    "erg profile's own process used %.2f s of CPU time (its JVM's start, the energy source, procfs,"
                            + " JFR's repository, the reports): one of the other processes, not in the JVM's energy",
                    cpu.toNanos() / 1e9)));
            out.flush();
            return exit;
        } finally {
            try (Stream<Path> files = Files.walk(scratch)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    /** The options that make a JVM record its samples into {@code repository}. */
    static List<String> jvmOptions(Path agentJar, Path repository, ProfileSettings settings) throws IOException {
        if (repository.toString().contains(",") || repository.toString().chars().anyMatch(Character::isWhitespace)) {
            throw new IOException("the temporary folder " + repository.getParent() + " has a comma or a space in its"
                    + " path, which JVM options cannot hold: choose another with JAVA_OPTS=-Djava.io.tmpdir=/tmp");
        }
        return List.of("-javaagent:" + agentJar + "=" + JfrRecorder.arguments(settings.sampler(),
                        settings.samplingPeriodNanos(), settings.fromStart()),
                "-XX:FlightRecorderOptions:repository=" + repository + ",preserve-repository=true");
    }

    /** The command with {@code jvmOptions} after its first word when that is a {@code java} launcher. */
    static List<String> withAgent(List<String> command, List<String> jvmOptions) {
        if (!isJavaLauncher(command.getFirst())) {
            return command;
        }
        List<String> result = new ArrayList<>(command.size() + jvmOptions.size());
        result.add(command.getFirst());
        result.addAll(jvmOptions);
        result.addAll(command.subList(1, command.size()));
        return result;
    }

    static boolean isJavaLauncher(String program) {
        Path name = Path.of(program).getFileName();
        return name != null && (name.toString().equals("java") || name.toString().equals("java.exe"));
    }

    /** {@code JDK_JAVA_OPTIONS} with the options added, each quoted when it holds white space. */
    static String javaOptions(String existing, List<String> jvmOptions) {
        StringBuilder options = new StringBuilder(existing == null ? "" : existing.strip());
        for (String option : jvmOptions) {
            if (!options.isEmpty()) {
                options.append(' ');
            }
            options.append(option.chars().anyMatch(Character::isWhitespace) ? '"' + option + '"' : option);
        }
        return options.toString();
    }

    private static void requireEmpty(Path folder) throws IOException {
        if (Files.isDirectory(folder)) {
            try (Stream<Path> entries = Files.list(folder)) {
                if (entries.findAny().isPresent()) {
                    throw new IOException("the output folder " + folder + " is not empty: remove it, or choose"
                            + " another one with --output");
                }
            }
        } else if (Files.exists(folder)) {
            throw new IOException("the output folder " + folder + " is a file: choose a folder with --output");
        }
    }

    /** The summaries the profiled JVMs wrote: the folder's own, then those of the {@code jvm-PID} folders. */
    private static List<Path> summaries(Path folder) throws IOException {
        List<Path> found = new ArrayList<>();
        if (Files.isRegularFile(folder.resolve("summary.txt"))) {
            found.add(folder.resolve("summary.txt"));
        }
        try (Stream<Path> entries = Files.list(folder)) {
            entries.filter(p -> p.getFileName().toString().startsWith("jvm-"))
                    .map(p -> p.resolve("summary.txt"))
                    .filter(Files::isRegularFile)
                    .sorted()
                    .forEach(found::add);
        }
        return found;
    }
}
