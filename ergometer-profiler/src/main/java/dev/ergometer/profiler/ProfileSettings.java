package dev.ergometer.profiler;

import dev.ergometer.source.SystemPaths;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the profiler records and writes: the output folder, the application's packages, the interval, the reports,
 * the JFR sampler and its period, and where the energy comes from.
 *
 * <p>The same settings travel from {@code erg profile} to the profiled JVM as the agent's argument string
 * ({@link #toAgentArguments()}, {@link #parseAgentArguments(String)}): {@code key=value} pairs separated by commas,
 * each value percent-encoded (UTF-8), lists joined with {@code :}. The string holds no space, comma or quote of its
 * own, so it survives {@code JDK_JAVA_OPTIONS} and shells unquoted.
 *
 * <pre>{@code
 * ProfileSettings settings = ProfileSettings.builder(Path.of("profile"))
 *     .packages(List.of("com.example"))
 *     .intervalNanos(1_000_000_000L)
 *     .build();
 * }</pre>
 *
 * @param outputDirectory where the reports go (made if absent)
 * @param packages the application's package prefixes: JDK and library frames are charged to the calling method of
 *     these packages in the application view; empty for no application view
 * @param intervalNanos how often energy is read and split among the threads
 * @param formats the reports to write
 * @param sampler which JFR event gives the method samples
 * @param samplingPeriodNanos the sampler's period: per thread CPU time for the CPU-time sampler, wall time for
 *     execution samples
 * @param reportEveryNanos how often the reports are rewritten while the program runs ({@code 0}: only at exit)
 * @param source the energy sources to read, comma-separated, or null for the best one
 * @param domains the domains whose energy is split, or empty for the default ({@link DomainChoice})
 * @param paths where sysfs, procfs and /dev are
 * @param modelIdleWatts the model's idle watts per logical CPU, or null for the CPU table's
 * @param modelMaxWatts the model's full-load watts per logical CPU, or null for the CPU table's
 * @param modelDramWattsPerGib the model's DRAM watts per GiB, or null for Cloud Carbon Footprint's
 * @param fromStart true to start profiling before {@code main} (the program waits about a second for JFR and the
 *     energy source); false to start it alongside the program, which then misses its first second or so
 */
public record ProfileSettings(Path outputDirectory, List<String> packages, long intervalNanos,
        Set<ReportFormat> formats, SamplerChoice sampler, long samplingPeriodNanos, long reportEveryNanos,
        String source, List<String> domains, SystemPaths paths, Double modelIdleWatts, Double modelMaxWatts,
        Double modelDramWattsPerGib, boolean fromStart) {

    /** The default interval: energy is split once a second. */
    public static final long DEFAULT_INTERVAL_NANOS = 1_000_000_000L;
    /**
     * The default sampling period: 19 ms of a thread's CPU time between two of its samples. Not a round number on
     * purpose: a program that switches work every 10, 20 or 40 ms would otherwise be sampled in lock-step, always at
     * the same point of its cycle (docs/profiler.md shows it).
     */
    public static final long DEFAULT_SAMPLING_PERIOD_NANOS = 19_000_000L;
    /**
     * The default time between two rewrites of the reports while the program runs (each costs tens of ms of CPU in
     * a JVM that runs that code too rarely to compile it; the timelines are streamed every interval anyway).
     */
    public static final long DEFAULT_REPORT_EVERY_NANOS = 30_000_000_000L;

    public ProfileSettings {
        Objects.requireNonNull(outputDirectory, "outputDirectory");
        packages = List.copyOf(packages);
        for (String p : packages) {
            if (!p.matches("[\\p{L}\\p{N}_$]+(\\.[\\p{L}\\p{N}_$]+)*")) {
                throw new IllegalArgumentException("'" + p + "' is not a package name: give package prefixes such as"
                        + " com.example or org.acme.shop, separated by commas");
            }
        }
        if (intervalNanos < 100_000_000L || intervalNanos > 3_600_000_000_000L) {
            throw new IllegalArgumentException("the interval must be between 0.1 s and 1 h, got "
                    + intervalNanos / 1e9 + " s");
        }
        formats = formats.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(formats));
        Objects.requireNonNull(sampler, "sampler");
        if (samplingPeriodNanos < 1_000_000L || samplingPeriodNanos > 1_000_000_000L) {
            throw new IllegalArgumentException("the sampling period must be between 1 ms and 1 s, got "
                    + samplingPeriodNanos / 1e6 + " ms");
        }
        if (reportEveryNanos < 0) {
            throw new IllegalArgumentException("the report period cannot be negative: " + reportEveryNanos + " ns");
        }
        domains = List.copyOf(domains);
        Objects.requireNonNull(paths, "paths");
        if ((modelIdleWatts == null) != (modelMaxWatts == null)) {
            throw new IllegalArgumentException("the model's idle and max watts go together: give both (watts per"
                    + " logical CPU at 0% and 100% utilisation)");
        }
    }

    /** Settings with the defaults, writing to {@code outputDirectory}. */
    public static Builder builder(Path outputDirectory) {
        return new Builder(outputDirectory);
    }

    /**
     * Parses an agent argument string ({@code -javaagent:ergometer-profiler.jar=ARGS}); absent keys take their
     * defaults, and without {@code output} the reports go to {@code erg-profile-PID} in the working directory.
     *
     * @throws IllegalArgumentException naming the key or value that is wrong and what it accepts
     */
    public static ProfileSettings parseAgentArguments(String arguments) {
        Map<String, String> values = new LinkedHashMap<>();
        if (arguments != null && !arguments.isBlank()) {
            for (String pair : arguments.split(",")) {
                int eq = pair.indexOf('=');
                if (eq <= 0) {
                    throw new IllegalArgumentException("agent argument '" + pair + "' is not key=value; the keys are "
                            + String.join(", ", KEYS));
                }
                String key = pair.substring(0, eq).strip();
                if (!KEYS.contains(key)) {
                    throw new IllegalArgumentException("unknown agent argument '" + key + "'; the keys are "
                            + String.join(", ", KEYS));
                }
                values.put(key, pair.substring(eq + 1));
            }
        }
        String output = decode(values.getOrDefault("output", ""));
        Builder b = builder(output.isEmpty() ? Path.of("erg-profile-" + ProcessHandle.current().pid()) : Path.of(output));
        if (values.containsKey("packages")) {
            b.packages(list(values.get("packages")));
        }
        if (values.containsKey("interval")) {
            b.intervalNanos(parseDurationNanos(decode(values.get("interval")), "interval"));
        }
        if (values.containsKey("format")) {
            b.formats(ReportFormat.parse(String.join(",", list(values.get("format")))));
        }
        if (values.containsKey("sampler")) {
            b.sampler(SamplerChoice.parse(decode(values.get("sampler"))));
        }
        if (values.containsKey("period")) {
            b.samplingPeriodNanos(parseDurationNanos(decode(values.get("period")), "period"));
        }
        if (values.containsKey("report")) {
            b.reportEveryNanos(parseDurationNanos(decode(values.get("report")), "report"));
        }
        if (values.containsKey("source")) {
            b.source(String.join(",", list(values.get("source"))));
        }
        if (values.containsKey("domains")) {
            b.domains(list(values.get("domains")));
        }
        SystemPaths paths = SystemPaths.fromEnvironment();
        if (values.containsKey("sysfs")) {
            paths = paths.withSysfs(Path.of(decode(values.get("sysfs"))));
        }
        if (values.containsKey("procfs")) {
            paths = paths.withProcfs(Path.of(decode(values.get("procfs"))));
        }
        if (values.containsKey("dev")) {
            paths = paths.withDev(Path.of(decode(values.get("dev"))));
        }
        if (values.containsKey("nvml")) {
            paths = paths.withNvmlLibrary(Path.of(decode(values.get("nvml"))));
        }
        b.paths(paths);
        b.model(number(values, "model-idle-watts"), number(values, "model-max-watts"),
                number(values, "model-dram-watts-per-gib"));
        if (values.containsKey("from-start")) {
            String value = decode(values.get("from-start"));
            if (!value.equals("true") && !value.equals("false")) {
                throw new IllegalArgumentException("agent argument from-start=" + value + " is not true or false");
            }
            b.fromStart(Boolean.parseBoolean(value));
        }
        return b.build();
    }

    /** The agent argument string that {@link #parseAgentArguments(String)} turns back into these settings. */
    public String toAgentArguments() {
        List<String> pairs = new ArrayList<>();
        pairs.add("output=" + encode(outputDirectory.toAbsolutePath().toString()));
        if (!packages.isEmpty()) {
            pairs.add("packages=" + join(packages));
        }
        pairs.add("interval=" + intervalNanos + "ns");
        pairs.add("format=" + join(EnumSet.copyOf(formats.isEmpty() ? EnumSet.noneOf(ReportFormat.class) : formats)
                .stream().map(ReportFormat::id).toList()));
        pairs.add("sampler=" + sampler.id());
        pairs.add("period=" + samplingPeriodNanos + "ns");
        pairs.add("report=" + reportEveryNanos + "ns");
        if (source != null) {
            pairs.add("source=" + join(List.of(source.split(","))));
        }
        if (!domains.isEmpty()) {
            pairs.add("domains=" + join(domains));
        }
        pairs.add("sysfs=" + encode(paths.sysfs().toAbsolutePath().toString()));
        pairs.add("procfs=" + encode(paths.procfs().toAbsolutePath().toString()));
        pairs.add("dev=" + encode(paths.dev().toAbsolutePath().toString()));
        pairs.add("nvml=" + encode(paths.nvmlLibrary().toString()));
        if (modelIdleWatts != null) {
            pairs.add("model-idle-watts=" + modelIdleWatts);
            pairs.add("model-max-watts=" + modelMaxWatts);
        }
        if (modelDramWattsPerGib != null) {
            pairs.add("model-dram-watts-per-gib=" + modelDramWattsPerGib);
        }
        if (fromStart) {
            pairs.add("from-start=true");
        }
        return String.join(",", pairs);
    }

    /**
     * Parses a duration: a number with a unit ({@code 500ms}, {@code 2.5s}, {@code 10ms}, {@code 1m}, {@code 200us},
     * {@code 1000000ns}), or a bare number of seconds ({@code 1}, {@code 0.5}).
     *
     * @throws IllegalArgumentException naming {@code what} when the text is not a duration
     */
    public static long parseDurationNanos(String text, String what) {
        Matcher m = DURATION.matcher(text.strip().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException(what + " '" + text + "' is not a duration: give a number with a unit,"
                    + " such as 10ms, 0.5s or 1m (a bare number is seconds)");
        }
        long scale = switch (m.group(2) == null ? "s" : m.group(2)) {
            case "ns" -> 1L;
            case "us" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "m" -> 60_000_000_000L;
            default -> 1_000_000_000L;
        };
        return Math.round(Double.parseDouble(m.group(1)) * scale);
    }

    private static final Pattern DURATION = Pattern.compile("([0-9]+(?:\\.[0-9]*)?|\\.[0-9]+)\\s*(ns|us|ms|s|m)?");

    private static final List<String> KEYS = List.of("output", "packages", "interval", "format", "sampler", "period",
            "report", "source", "domains", "sysfs", "procfs", "dev", "nvml", "model-idle-watts", "model-max-watts",
            "model-dram-watts-per-gib", "from-start");

    private static Double number(Map<String, String> values, String key) {
        String value = values.get(key);
        if (value == null) {
            return null;
        }
        try {
            return Double.parseDouble(decode(value));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("agent argument " + key + "=" + value + " is not a number");
        }
    }

    private static List<String> list(String joined) {
        List<String> items = new ArrayList<>();
        for (String item : joined.split(":")) {
            String decoded = decode(item).strip();
            if (!decoded.isEmpty()) {
                items.add(decoded);
            }
        }
        return items;
    }

    private static String join(java.util.Collection<String> items) {
        return String.join(":", items.stream().map(ProfileSettings::encode).toList());
    }

    /** Percent-encodes every byte that is not a letter, a digit or one of {@code . _ - / ~}. */
    static String encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || ".-_/~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit((b >> 4) & 0xf, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return out.toString();
    }

    static String decode(String value) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '%') {
                if (i + 2 >= value.length()) {
                    throw new IllegalArgumentException("bad percent-encoding in agent argument '" + value + "'");
                }
                int hi = Character.digit(value.charAt(i + 1), 16);
                int lo = Character.digit(value.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    throw new IllegalArgumentException("bad percent-encoding in agent argument '" + value + "'");
                }
                bytes.write(hi << 4 | lo);
                i += 2;
            } else {
                byte[] raw = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                bytes.write(raw, 0, raw.length);
            }
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** Builds {@link ProfileSettings}, starting from the defaults. */
    public static final class Builder {

        private final Path outputDirectory;
        private List<String> packages = List.of();
        private long intervalNanos = DEFAULT_INTERVAL_NANOS;
        private Set<ReportFormat> formats = EnumSet.allOf(ReportFormat.class);
        private SamplerChoice sampler = SamplerChoice.AUTO;
        private long samplingPeriodNanos = DEFAULT_SAMPLING_PERIOD_NANOS;
        private long reportEveryNanos = DEFAULT_REPORT_EVERY_NANOS;
        private String source;
        private List<String> domains = List.of();
        private SystemPaths paths = SystemPaths.fromEnvironment();
        private Double modelIdleWatts;
        private Double modelMaxWatts;
        private Double modelDramWattsPerGib;
        private boolean fromStart;

        private Builder(Path outputDirectory) {
            this.outputDirectory = Objects.requireNonNull(outputDirectory, "outputDirectory");
        }

        public Builder packages(List<String> value) {
            packages = value;
            return this;
        }

        public Builder intervalNanos(long value) {
            intervalNanos = value;
            return this;
        }

        public Builder formats(Set<ReportFormat> value) {
            formats = value;
            return this;
        }

        public Builder sampler(SamplerChoice value) {
            sampler = value;
            return this;
        }

        public Builder samplingPeriodNanos(long value) {
            samplingPeriodNanos = value;
            return this;
        }

        public Builder reportEveryNanos(long value) {
            reportEveryNanos = value;
            return this;
        }

        /** The energy sources by name, comma-separated; null for the best this machine offers. */
        public Builder source(String value) {
            source = value;
            return this;
        }

        public Builder domains(List<String> value) {
            domains = value;
            return this;
        }

        public Builder paths(SystemPaths value) {
            paths = value;
            return this;
        }

        /** The model source's coefficients; each may be null for its default. */
        public Builder model(Double idleWattsPerCpu, Double maxWattsPerCpu, Double dramWattsPerGib) {
            modelIdleWatts = idleWattsPerCpu;
            modelMaxWatts = maxWattsPerCpu;
            modelDramWattsPerGib = dramWattsPerGib;
            return this;
        }

        /** Whether profiling starts before {@code main} (the program waits for it) or alongside the program. */
        public Builder fromStart(boolean value) {
            fromStart = value;
            return this;
        }

        public ProfileSettings build() {
            return new ProfileSettings(outputDirectory, packages, intervalNanos, formats, sampler,
                    samplingPeriodNanos, reportEveryNanos, source, domains, paths, modelIdleWatts, modelMaxWatts,
                    modelDramWattsPerGib, fromStart);
        }
    }
}
