package dev.ergometer.agent;

import dev.ergometer.carbon.CarbonSettings;
import dev.ergometer.groups.ProcessGroups;
import java.io.IOException;
import java.io.Reader;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The settings of {@code erg agent}, validated: where to push, how often to sample and push, how much to buffer, what
 * to label, where to serve HTTP and whether to attribute energy to processes.
 *
 * <p>Settings come from a properties file ({@code KEY=value} lines, {@code #} comments) and from environment
 * variables with the same names, the environment winning, so the seed's {@code .env} works unchanged and a file can
 * hold a machine's defaults. See docs/agent.md for the table. Each destination is switched on by its own key
 * ({@code REMOTE_WRITE_URL}, {@code CSV_FILE}, {@code JSONL_FILE}, {@code MONGODB_URI},
 * {@code KAFKA_BOOTSTRAP_SERVERS}, {@code OTLP_ENDPOINT}); its other keys become that {@link SinkConfig}'s settings, checked when the sink opens.
 *
 * @param sinks the destinations, one per kind, in the order above
 * @param scrapeInterval how often the machine's counters are read ({@code SCRAPE_INTERVAL_S}, default 1 s)
 * @param pushInterval how often a remote-write batch is handed to its queue ({@code PUSH_INTERVAL_S}, default 4 s)
 * @param maxRetryBatches how many batches wait while the receiver fails ({@code MAX_RETRY_BATCHES}, default 5)
 * @param serviceLabel the {@code source} label of pushed series ({@code SERVICE_LABEL}, default {@code ergometer})
 * @param logLevel the log level: TRACE, DEBUG, INFO, WARN or ERROR ({@code LOG_LEVEL}, default INFO)
 * @param httpBind the address HTTP listens on ({@code HTTP_BIND}, default {@code 127.0.0.1})
 * @param httpPort the HTTP port, 0 for any free one ({@code HTTP_PORT}, default 9464)
 * @param attribution whether energy is split among processes ({@code ATTRIBUTION}, default true)
 * @param attributionInterval how often energy is attributed ({@code ATTRIBUTION_INTERVAL_S}, default 1 s)
 * @param flushTimeout how long shutdown keeps delivering buffered batches ({@code FLUSH_TIMEOUT_S}, default 10 s)
 * @param hostName the machine's name in reports: Kafka keys, MongoDB's sensor, OTLP's host.name ({@code HOST_NAME},
 *     default the local host name)
 * @param agentSocket the Unix socket serving process groups ({@code AGENT_SOCKET}, default
 *     {@code /run/ergometer/agent.sock}; empty or {@code off} for none)
 * @param agentSocketGroup the Unix group whose members may use that socket ({@code AGENT_SOCKET_GROUP}, default
 *     {@code ergometer})
 * @param runsMongodbUri where named runs ({@code erg measure --name}) are stored: a MongoDB connection string
 *     ({@code RUNS_MONGODB_URI}, default none: the agent then refuses named runs, saying so)
 * @param carbon how energy becomes grams of CO2e and money ({@code GRID_INTENSITY_G_PER_KWH}, {@code PRICE_PER_KWH},
 *     {@code CURRENCY}; default {@code ERGOMETER_GRID_INTENSITY}, {@code ERGOMETER_PRICE} and
 *     {@code ERGOMETER_CURRENCY} from the environment, else the world averages of docs/carbon.md)
 */
public record AgentConfig(
        List<SinkConfig> sinks,
        Duration scrapeInterval,
        Duration pushInterval,
        int maxRetryBatches,
        String serviceLabel,
        String logLevel,
        String httpBind,
        int httpPort,
        boolean attribution,
        Duration attributionInterval,
        Duration flushTimeout,
        String hostName,
        Optional<Path> agentSocket,
        String agentSocketGroup,
        Optional<String> runsMongodbUri,
        CarbonSettings carbon) {

    /** The grid's carbon intensity, gCO2e/kWh. */
    static final String GRID_INTENSITY_KEY = "GRID_INTENSITY_G_PER_KWH";
    /** The electricity price per kWh. */
    static final String PRICE_KEY = "PRICE_PER_KWH";
    /** The price's currency. */
    static final String CURRENCY_KEY = "CURRENCY";

    /** The keys of the agent itself (not of one sink). */
    private static final Set<String> AGENT_KEYS = Set.of("SCRAPE_INTERVAL_S", "PUSH_INTERVAL_S",
            "MAX_RETRY_BATCHES", "SERVICE_LABEL", "LOG_LEVEL", "HTTP_BIND", "HTTP_PORT", "ATTRIBUTION",
            "ATTRIBUTION_INTERVAL_S", "FLUSH_TIMEOUT_S", "HOST_NAME", "AGENT_SOCKET", "AGENT_SOCKET_GROUP",
            "RUNS_MONGODB_URI", GRID_INTENSITY_KEY, PRICE_KEY, CURRENCY_KEY);

    /** Every key the file and the environment may set. */
    public static final Set<String> KEYS = allKeys();

    /** The default HTTP port: the one the OpenTelemetry Prometheus exporter uses, free of Prometheus' own 9090. */
    public static final int DEFAULT_HTTP_PORT = 9464;

    private static final Set<String> LOG_LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    public AgentConfig {
        sinks = List.copyOf(Objects.requireNonNull(sinks, "sinks"));
        Set<SinkConfig.Kind> kinds = new HashSet<>();
        for (SinkConfig sink : sinks) {
            if (!kinds.add(sink.kind())) {
                throw new IllegalArgumentException("two " + sink.name() + " sinks configured; one per kind");
            }
        }
        remoteWriteUrl(sinks).ifPresent(AgentConfig::checkUrl);
        checkPositive("SCRAPE_INTERVAL_S", scrapeInterval);
        checkPositive("PUSH_INTERVAL_S", pushInterval);
        checkPositive("ATTRIBUTION_INTERVAL_S", attributionInterval);
        Objects.requireNonNull(flushTimeout, "flushTimeout");
        if (flushTimeout.isNegative()) {
            throw new IllegalArgumentException("FLUSH_TIMEOUT_S must be >= 0, got " + seconds(flushTimeout));
        }
        if (maxRetryBatches < 1) {
            throw new IllegalArgumentException("MAX_RETRY_BATCHES must be >= 1 (batches kept while the receiver "
                    + "is down), got " + maxRetryBatches);
        }
        if (serviceLabel == null || serviceLabel.isBlank()) {
            throw new IllegalArgumentException("SERVICE_LABEL must not be empty: it becomes the source label of "
                    + "every pushed series");
        }
        logLevel = Objects.requireNonNull(logLevel, "logLevel").toUpperCase(Locale.ROOT);
        if (!LOG_LEVELS.contains(logLevel)) {
            throw new IllegalArgumentException("LOG_LEVEL '" + logLevel + "' is not one of " + new TreeSet<>(LOG_LEVELS));
        }
        if (httpBind == null || httpBind.isBlank()) {
            throw new IllegalArgumentException("HTTP_BIND must be an address such as 127.0.0.1 or 0.0.0.0");
        }
        if (httpPort < 0 || httpPort > 65_535) {
            throw new IllegalArgumentException("HTTP_PORT must be in 0..65535 (0 for any free port), got " + httpPort);
        }
        if (hostName == null || hostName.isBlank()) {
            throw new IllegalArgumentException("HOST_NAME must not be empty: it names this machine in reports");
        }
        Objects.requireNonNull(agentSocket, "agentSocket");
        Objects.requireNonNull(runsMongodbUri, "runsMongodbUri");
        Objects.requireNonNull(carbon, "carbon");
        if (agentSocketGroup == null || !agentSocketGroup.matches("[A-Za-z_][A-Za-z0-9_.-]*\\$?")) {
            throw new IllegalArgumentException("AGENT_SOCKET_GROUP '" + agentSocketGroup + "' is not a Unix group"
                    + " name (such as ergometer)");
        }
    }

    /** The defaults: no sinks, 1 s sampling, 4 s pushes, 5 batches, loopback on 9464, attribution every 1 s. */
    public static AgentConfig defaults() {
        return from(Map.of(), Map.of());
    }

    /**
     * The configuration from a file's settings overridden by the environment's; unknown keys in the file are refused
     * (a typo must not silently leave a default), other environment variables are ignored.
     */
    public static AgentConfig from(Map<String, String> file, Map<String, String> environment) {
        for (String key : file.keySet()) {
            if (!KEYS.contains(key)) {
                throw new IllegalArgumentException("unknown setting '" + key + "' in the agent configuration; "
                        + "known settings are " + new TreeSet<>(KEYS));
            }
        }
        Map<String, String> merged = new HashMap<>(file);
        for (String key : KEYS) {
            String value = environment.get(key);
            if (value != null) {
                merged.put(key, value);
            }
        }
        List<SinkConfig> sinks = new ArrayList<>();
        for (SinkConfig.Kind kind : SinkConfig.Kind.values()) {
            String switchValue = merged.getOrDefault(kind.switchKey(), "").strip();
            if (!switchValue.isEmpty()) {
                Map<String, String> settings = new TreeMap<>();
                for (String key : kind.keys()) {
                    String value = merged.get(key);
                    if (value != null && !value.isBlank()) {
                        settings.put(key, value.strip());
                    }
                }
                sinks.add(new SinkConfig(kind, settings));
            } else {
                for (String key : kind.keys()) {
                    if (merged.containsKey(key) && !key.equals(kind.switchKey()) && !sharedSinkKey(key)) {
                        throw new IllegalArgumentException(key + " is set but " + kind.switchKey() + " is not: set "
                                + kind.switchKey() + " to use the " + kind.label() + " sink, or remove " + key);
                    }
                }
            }
        }
        return new AgentConfig(
                sinks,
                duration(merged, "SCRAPE_INTERVAL_S", "1"),
                duration(merged, "PUSH_INTERVAL_S", "4"),
                integer(merged, "MAX_RETRY_BATCHES", "5"),
                merged.getOrDefault("SERVICE_LABEL", "ergometer").strip(),
                merged.getOrDefault("LOG_LEVEL", "INFO").strip(),
                merged.getOrDefault("HTTP_BIND", "127.0.0.1").strip(),
                integer(merged, "HTTP_PORT", Integer.toString(DEFAULT_HTTP_PORT)),
                bool(merged, "ATTRIBUTION", "true"),
                duration(merged, "ATTRIBUTION_INTERVAL_S", "1"),
                duration(merged, "FLUSH_TIMEOUT_S", "10"),
                merged.getOrDefault("HOST_NAME", localHostName()).strip(),
                socket(merged.getOrDefault("AGENT_SOCKET", ProcessGroups.DEFAULT_AGENT_SOCKET.toString())),
                merged.getOrDefault("AGENT_SOCKET_GROUP", "ergometer").strip(),
                Optional.of(merged.getOrDefault("RUNS_MONGODB_URI", "").strip()).filter(u -> !u.isEmpty()),
                carbonSettings(merged, environment));
    }

    /**
     * The carbon settings: {@code GRID_INTENSITY_G_PER_KWH}, {@code PRICE_PER_KWH} and {@code CURRENCY} (file or
     * environment) over {@code ERGOMETER_GRID_INTENSITY}, {@code ERGOMETER_PRICE} and {@code ERGOMETER_CURRENCY} (the
     * variables {@code erg measure} reads) over the world averages.
     */
    private static CarbonSettings carbonSettings(Map<String, String> merged, Map<String, String> environment) {
        CarbonSettings carbon = CarbonSettings.fromEnvironment(environment);
        String intensity = nonBlank(merged.get(GRID_INTENSITY_KEY));
        String price = nonBlank(merged.get(PRICE_KEY));
        String currency = nonBlank(merged.get(CURRENCY_KEY));
        if (intensity != null) {
            double grams = carbonNumber(GRID_INTENSITY_KEY, intensity, "gCO2e/kWh (the world average is about 480)");
            try {
                carbon = carbon.withGridIntensity(grams, GRID_INTENSITY_KEY);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(GRID_INTENSITY_KEY + " '" + intensity + "': " + e.getMessage(), e);
            }
        }
        if (price != null) {
            double perKilowattHour = carbonNumber(PRICE_KEY, price, "money per kWh (the world average is about 0.15"
                    + " USD)");
            String priceCurrency = currency == null ? carbon.currency() : currency;
            try {
                carbon = carbon.withPrice(perKilowattHour, priceCurrency, PRICE_KEY);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(PRICE_KEY + " '" + price + "' / " + CURRENCY_KEY + " '"
                        + priceCurrency + "': " + e.getMessage(), e);
            }
        } else if (currency != null) {
            throw new IllegalArgumentException(CURRENCY_KEY + " is set but " + PRICE_KEY + " is not: the price in use"
                    + " is " + carbon.price().perKilowattHour() + " " + carbon.currency() + "/kWh (" + carbon.price()
                    .source() + "); set " + PRICE_KEY + " to the price of a kWh in " + currency);
        }
        return carbon;
    }

    private static double carbonNumber(String key, String value, String what) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " '" + value + "' is not a number of " + what);
        }
    }

    private static String nonBlank(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** The Prometheus remote-write endpoint, when that sink is configured. */
    public Optional<URI> remoteWriteUrl() {
        return remoteWriteUrl(sinks);
    }

    /** The sink of that kind, when configured. */
    public Optional<SinkConfig> sink(SinkConfig.Kind kind) {
        return sinks.stream().filter(s -> s.kind() == kind).findFirst();
    }

    private static Optional<URI> remoteWriteUrl(List<SinkConfig> sinks) {
        return sinks.stream().filter(s -> s.kind() == SinkConfig.Kind.REMOTE_WRITE).findFirst()
                .map(s -> uri(s.settings().get("REMOTE_WRITE_URL")));
    }

    private static boolean sharedSinkKey(String key) {
        return key.startsWith("FILE_") || key.equals("SINK_TIMEOUT_S");
    }

    private static Set<String> allKeys() {
        Set<String> keys = new HashSet<>(AGENT_KEYS);
        for (SinkConfig.Kind kind : SinkConfig.Kind.values()) {
            keys.addAll(kind.keys());
        }
        return Set.copyOf(keys);
    }

    private static String localHostName() {
        String name = System.getenv("HOSTNAME");
        if (name != null && !name.isBlank()) {
            return name;
        }
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** Reads a configuration file ({@code KEY=value} lines, Java properties syntax). */
    public static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException("agent configuration file " + file + " does not exist; "
                    + "give an existing file to --config or leave the option out");
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read agent configuration file " + file + ": " + e.getMessage(), e);
        }
        Map<String, String> map = new HashMap<>();
        for (String name : properties.stringPropertyNames()) {
            map.put(name.strip(), properties.getProperty(name).strip());
        }
        return map;
    }

    /** The same configuration on another HTTP port (tests use 0 for a free one). */
    public AgentConfig withHttpPort(int port) {
        return withHttp(httpBind, port);
    }

    /** The same configuration serving HTTP on another address and port. */
    public AgentConfig withHttp(String bind, int port) {
        return new AgentConfig(sinks, scrapeInterval, pushInterval, maxRetryBatches, serviceLabel, logLevel,
                bind, port, attribution, attributionInterval, flushTimeout, hostName, agentSocket, agentSocketGroup,
                runsMongodbUri, carbon);
    }

    /** The same configuration serving process groups on another socket, or on none (tests use a temp folder). */
    public AgentConfig withAgentSocket(Optional<Path> socket) {
        return withAgentSocket(socket, agentSocketGroup);
    }

    /** The same configuration serving process groups on another socket for another Unix group. */
    public AgentConfig withAgentSocket(Optional<Path> socket, String group) {
        return new AgentConfig(sinks, scrapeInterval, pushInterval, maxRetryBatches, serviceLabel, logLevel,
                httpBind, httpPort, attribution, attributionInterval, flushTimeout, hostName, socket, group,
                runsMongodbUri, carbon);
    }

    /** The same configuration turning energy into grams of CO2e and money with other settings. */
    public AgentConfig withCarbon(CarbonSettings settings) {
        return new AgentConfig(sinks, scrapeInterval, pushInterval, maxRetryBatches, serviceLabel, logLevel,
                httpBind, httpPort, attribution, attributionInterval, flushTimeout, hostName, agentSocket,
                agentSocketGroup, runsMongodbUri, settings);
    }

    private static Optional<Path> socket(String value) {
        String path = value.strip();
        if (path.isEmpty() || path.equalsIgnoreCase("off")) {
            return Optional.empty();
        }
        if (!path.startsWith("/")) {
            throw new IllegalArgumentException("AGENT_SOCKET '" + path + "' must be an absolute path (such as "
                    + ProcessGroups.DEFAULT_AGENT_SOCKET + "), or empty / off for no socket");
        }
        return Optional.of(Path.of(path));
    }

    private static URI uri(String value) {
        try {
            return new URI(value);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("REMOTE_WRITE_URL '" + value + "' is not a URL: " + e.getReason()
                    + "; give one such as http://prometheus:9090/api/v1/write");
        }
    }

    private static void checkUrl(URI url) {
        String scheme = url.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
            throw new IllegalArgumentException("REMOTE_WRITE_URL '" + url + "' must be an http:// or https:// URL "
                    + "with a host, such as http://prometheus:9090/api/v1/write");
        }
    }

    static Duration duration(Map<String, String> settings, String key, String fallback) {
        String value = settings.getOrDefault(key, fallback).strip();
        double secondsValue;
        try {
            secondsValue = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " '" + value + "' is not a number of seconds (e.g. 0.1 or 4)");
        }
        if (!Double.isFinite(secondsValue) || secondsValue > 86_400 * 365) {
            throw new IllegalArgumentException(key + " '" + value + "' is not a usable number of seconds");
        }
        return Duration.ofNanos(Math.round(secondsValue * 1e9));
    }

    /** A setting that must be a positive number, as written. */
    static String number(Map<String, String> settings, String key, String fallback) {
        String value = settings.getOrDefault(key, fallback).strip();
        try {
            if (Double.parseDouble(value) > 0) {
                return value;
            }
        } catch (NumberFormatException e) {
            // falls through to the message
        }
        throw new IllegalArgumentException(key + " '" + value + "' must be a positive number");
    }

    static int integer(Map<String, String> settings, String key, String fallback) {
        String value = settings.getOrDefault(key, fallback).strip();
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " '" + value + "' is not a whole number");
        }
    }

    static boolean bool(Map<String, String> settings, String key, String fallback) {
        String value = settings.getOrDefault(key, fallback).strip().toLowerCase(Locale.ROOT);
        return switch (value) {
            case "true", "on", "yes", "1" -> true;
            case "false", "off", "no", "0" -> false;
            default -> throw new IllegalArgumentException(key + " '" + value + "' must be true or false");
        };
    }

    private static void checkPositive(String key, Duration duration) {
        Objects.requireNonNull(duration, key);
        if (duration.isNegative() || duration.isZero()) {
            throw new IllegalArgumentException(key + " must be > 0 s, got " + seconds(duration));
        }
    }

    private static String seconds(Duration duration) {
        return duration.toNanos() / 1e9 + " s";
    }
}
