package dev.ergometer.service;

import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The settings of {@code erg serve}, validated, from a properties file and the environment (the environment wins);
 * docs/service.md has the table.
 *
 * @param httpBind where the API listens ({@code HTTP_BIND}, default 127.0.0.1); any address other than loopback
 *     needs a token
 * @param httpPort the API's port ({@code HTTP_PORT}, default 8000 as JouleTrace; 0 for any free one); empty
 *     ({@code off}) for a worker that serves no API
 * @param token the bearer token every API call must carry ({@code API_TOKEN} or {@code API_TOKEN_FILE})
 * @param databaseUrl the JDBC URL of the jobs' database ({@code DATABASE_URL}, default an H2 file in the data folder)
 * @param databaseUser the database user ({@code DATABASE_USER})
 * @param databasePassword its password ({@code DATABASE_PASSWORD} or {@code DATABASE_PASSWORD_FILE}); never shown
 * @param measurementCores the cores this worker measures on, one job at a time each ({@code MEASUREMENT_CORES},
 *     default the highest core this process may use; {@code off} for a node that only takes requests)
 * @param workerName this worker's name in reports and in JobRunr ({@code WORKER_NAME}, default the host name)
 * @param idleWindow how long idle power is measured ({@code IDLE_WINDOW_S}, default 5)
 * @param idleMaxAge how old an idle calibration may be before it is measured again ({@code IDLE_MAX_AGE_S}, default
 *     1800)
 * @param pollInterval how often job servers look for work and send heartbeats ({@code POLL_INTERVAL_S}, default and
 *     minimum 5); a worker silent for four intervals is taken for dead and its job retried
 * @param jobRetries how often a job whose worker failed or died is tried again ({@code JOB_RETRIES}, default 2)
 * @param maxRequestBytes the largest request body accepted ({@code MAX_REQUEST_BYTES}, default 1 MiB)
 * @param maxConcurrentValidations how many {@code /validate} calls run at once ({@code MAX_CONCURRENT_VALIDATIONS},
 *     default 2); more get 429
 * @param logLevel TRACE, DEBUG, INFO, WARN or ERROR ({@code LOG_LEVEL}, default INFO)
 * @param minimumTrial the shortest trial ({@code MIN_TRIAL_S}, default 0.1, at most 10): the calibration runs the
 *     test cases as many times per trial as make it last this long (and never shorter than the counters resolve)
 */
public record ServiceConfig(String httpBind, Optional<Integer> httpPort, Optional<BearerToken> token,
        String databaseUrl, Optional<String> databaseUser, Optional<String> databasePassword,
        List<Integer> measurementCores, String workerName, Duration idleWindow, Duration idleMaxAge,
        Duration pollInterval, int jobRetries, long maxRequestBytes, int maxConcurrentValidations, String logLevel,
        Duration minimumTrial) {

    /** JouleTrace's port. */
    public static final int DEFAULT_HTTP_PORT = 8000;

    /** Every key the file and the environment may set. */
    public static final Set<String> KEYS = Set.of("HTTP_BIND", "HTTP_PORT", "API_TOKEN", "API_TOKEN_FILE",
            "DATABASE_URL", "DATABASE_USER", "DATABASE_PASSWORD", "DATABASE_PASSWORD_FILE", "DATA_DIR",
            "MEASUREMENT_CORES", "WORKER_NAME", "IDLE_WINDOW_S", "IDLE_MAX_AGE_S", "POLL_INTERVAL_S", "JOB_RETRIES",
            "MAX_REQUEST_BYTES", "MAX_CONCURRENT_VALIDATIONS", "LOG_LEVEL", "MIN_TRIAL_S");

    private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    public ServiceConfig {
        Objects.requireNonNull(token, "token");
        Objects.requireNonNull(databaseUser, "databaseUser");
        Objects.requireNonNull(databasePassword, "databasePassword");
        measurementCores = List.copyOf(measurementCores);
        if (httpBind == null || httpBind.isBlank()) {
            throw new IllegalArgumentException("HTTP_BIND must be an address such as 127.0.0.1");
        }
        if (httpPort.isPresent() && (httpPort.get() < 0 || httpPort.get() > 65_535)) {
            throw new IllegalArgumentException("HTTP_PORT must be in 0..65535 (0 for any free port) or off, got "
                    + httpPort.get());
        }
        if (httpPort.isPresent() && token.isEmpty() && !loopback(httpBind)) {
            throw new IllegalArgumentException("HTTP_BIND=" + httpBind + " serves the API beyond this machine, and"
                    + " anyone who reaches it could run code here: set API_TOKEN (or API_TOKEN_FILE) to a secret of"
                    + " at least " + BearerToken.MINIMUM_LENGTH + " characters that clients send as `Authorization:"
                    + " Bearer TOKEN`, or bind to 127.0.0.1");
        }
        if (httpPort.isEmpty() && measurementCores.isEmpty()) {
            throw new IllegalArgumentException("HTTP_PORT=off and MEASUREMENT_CORES=off leave this node nothing to"
                    + " do: serve the API, measure, or both");
        }
        if (!databaseUrl.startsWith("jdbc:h2:") && !databaseUrl.startsWith("jdbc:postgresql:")) {
            throw new IllegalArgumentException("DATABASE_URL must be jdbc:h2:file:PATH or"
                    + " jdbc:postgresql://HOST:PORT/DATABASE, got " + Database.redact(databaseUrl));
        }
        for (int core : measurementCores) {
            if (core < 0) {
                throw new IllegalArgumentException("MEASUREMENT_CORES lists core numbers (0, 1, ...), got " + core);
            }
        }
        if (measurementCores.stream().distinct().count() != measurementCores.size()) {
            throw new IllegalArgumentException("MEASUREMENT_CORES lists a core twice: " + measurementCores);
        }
        if (workerName == null || workerName.isBlank()) {
            throw new IllegalArgumentException("WORKER_NAME must not be empty: it names this worker in reports");
        }
        positive("IDLE_WINDOW_S", idleWindow);
        positive("IDLE_MAX_AGE_S", idleMaxAge);
        if (pollInterval.compareTo(Duration.ofSeconds(5)) < 0) {
            throw new IllegalArgumentException("POLL_INTERVAL_S must be at least 5 (JobRunr's smallest), got "
                    + pollInterval.toMillis() / 1e3);
        }
        if (jobRetries < 0 || jobRetries > 10) {
            throw new IllegalArgumentException("JOB_RETRIES must be in 0..10, got " + jobRetries);
        }
        if (maxRequestBytes < 1024) {
            throw new IllegalArgumentException("MAX_REQUEST_BYTES must be at least 1024, got " + maxRequestBytes);
        }
        if (maxConcurrentValidations < 1) {
            throw new IllegalArgumentException("MAX_CONCURRENT_VALIDATIONS must be at least 1, got "
                    + maxConcurrentValidations);
        }
        positive("MIN_TRIAL_S", minimumTrial);
        if (minimumTrial.compareTo(Duration.ofSeconds(TrialLength.MAX_TRIAL_SECONDS)) > 0) {
            throw new IllegalArgumentException("MIN_TRIAL_S must be at most " + TrialLength.MAX_TRIAL_SECONDS
                    + " (the longest trial), got " + minimumTrial.toMillis() / 1e3);
        }
        logLevel = Objects.requireNonNull(logLevel, "logLevel").toUpperCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(logLevel)) {
            throw new IllegalArgumentException("LOG_LEVEL '" + logLevel + "' is not one of " + new TreeSet<>(LOG_LEVELS));
        }
    }

    /**
     * The configuration from a file's settings overridden by the environment's; unknown keys in the file are
     * refused, other environment variables ignored.
     *
     * @throws IllegalArgumentException naming the setting that is wrong
     * @throws IOException when a token or password file cannot be read
     */
    public static ServiceConfig from(Map<String, String> file, Map<String, String> environment) throws IOException {
        for (String key : file.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown setting '" + key + "' in the service configuration;"
                        + " known settings are " + new TreeSet<>(KEYS));
            }
        }
        Map<String, String> merged = new HashMap<>(file);
        for (String key : KEYS) {
            String value = environment.get(key);
            if (value != null) {
                merged.put(key, value);
            }
        }
        String port = merged.getOrDefault("HTTP_PORT", Integer.toString(DEFAULT_HTTP_PORT)).strip();
        Path dataDir = Path.of(merged.getOrDefault("DATA_DIR", defaultDataDir(environment)));
        return new ServiceConfig(
                merged.getOrDefault("HTTP_BIND", "127.0.0.1").strip(),
                off(port) ? Optional.empty() : Optional.of(integer("HTTP_PORT", port)),
                secret(merged, "API_TOKEN").map(BearerToken::of),
                merged.getOrDefault("DATABASE_URL", "jdbc:h2:file:" + dataDir.resolve("service").toAbsolutePath())
                        .strip(),
                Optional.ofNullable(merged.get("DATABASE_USER")).map(String::strip).filter(s -> !s.isEmpty()),
                secret(merged, "DATABASE_PASSWORD"),
                cores(merged.get("MEASUREMENT_CORES")),
                merged.getOrDefault("WORKER_NAME", localHostName()).strip(),
                seconds(merged, "IDLE_WINDOW_S", "5"),
                seconds(merged, "IDLE_MAX_AGE_S", "1800"),
                seconds(merged, "POLL_INTERVAL_S", "5"),
                integer("JOB_RETRIES", merged.getOrDefault("JOB_RETRIES", "2")),
                integer("MAX_REQUEST_BYTES", merged.getOrDefault("MAX_REQUEST_BYTES", "1048576")),
                integer("MAX_CONCURRENT_VALIDATIONS", merged.getOrDefault("MAX_CONCURRENT_VALIDATIONS", "2")),
                merged.getOrDefault("LOG_LEVEL", "INFO").strip(),
                seconds(merged, "MIN_TRIAL_S", "0.1"));
    }

    /** Reads a properties file of {@code KEY=value} lines. */
    public static Map<String, String> readFile(Path file) throws IOException {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        }
        Map<String, String> settings = new HashMap<>();
        properties.stringPropertyNames().forEach(k -> settings.put(k, properties.getProperty(k)));
        return settings;
    }

    /** Whether {@code address} is on this machine only (127.0.0.0/8, ::1, localhost). */
    static boolean loopback(String address) {
        try {
            return InetAddress.getByName(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Whether this node runs jobs. */
    public boolean worker() {
        return !measurementCores.isEmpty();
    }

    @Override
    public String toString() {
        return "ServiceConfig[bind " + httpBind + ", port " + httpPort.map(String::valueOf).orElse("off")
                + ", token " + (token.isPresent() ? "set" : "none") + ", database " + Database.redact(databaseUrl)
                + ", cores " + measurementCores + ", worker " + workerName + "]";
    }

    private static Optional<String> secret(Map<String, String> settings, String key) throws IOException {
        String value = settings.get(key);
        String file = settings.get(key + "_FILE");
        if (value != null && file != null) {
            throw new IllegalArgumentException("set " + key + " or " + key + "_FILE, not both");
        }
        if (file != null) {
            try {
                return Optional.of(Files.readString(Path.of(file.strip()), StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                throw new IOException(key + "_FILE " + file.strip() + " cannot be read: " + e.getMessage(), e);
            }
        }
        return Optional.ofNullable(value).map(String::strip).filter(s -> !s.isEmpty());
    }

    /** The cores listed as {@code 3}, {@code 2,3} or {@code 2-5}; none for {@code off}; the highest allowed core by default. */
    static List<Integer> cores(String value) throws IOException {
        if (value == null || value.isBlank()) {
            BitSet allowed = CpuAffinity.of(0);
            return List.of(allowed.length() - 1);
        }
        if (off(value.strip())) {
            return List.of();
        }
        List<Integer> cores = new ArrayList<>();
        for (String part : value.split(",")) {
            String item = part.strip();
            int dash = item.indexOf('-');
            if (dash > 0) {
                int from = integer("MEASUREMENT_CORES", item.substring(0, dash));
                int to = integer("MEASUREMENT_CORES", item.substring(dash + 1));
                if (to < from) {
                    throw new IllegalArgumentException("MEASUREMENT_CORES range " + item + " runs backwards");
                }
                for (int core = from; core <= to; core++) {
                    cores.add(core);
                }
            } else {
                cores.add(integer("MEASUREMENT_CORES", item));
            }
        }
        return cores;
    }

    private static boolean off(String value) {
        return value.equalsIgnoreCase("off") || value.equalsIgnoreCase("none");
    }

    private static int integer(String key, String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a whole number, got '" + value.strip() + "'");
        }
    }

    private static Duration seconds(Map<String, String> settings, String key, String fallback) {
        String value = settings.getOrDefault(key, fallback).strip();
        try {
            return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a number of seconds, got '" + value + "'");
        }
    }

    private static void positive(String key, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(key + " must be more than 0 s, got " + value.toMillis() / 1e3);
        }
    }

    private static String defaultDataDir(Map<String, String> environment) {
        String xdg = environment.get("XDG_DATA_HOME");
        if (xdg != null && !xdg.isBlank()) {
            return Path.of(xdg, "ergometer").toString();
        }
        String home = environment.getOrDefault("HOME", System.getProperty("user.home"));
        return Path.of(home, ".local", "share", "ergometer").toString();
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
