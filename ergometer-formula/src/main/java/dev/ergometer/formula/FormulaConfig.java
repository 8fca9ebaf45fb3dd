package dev.ergometer.formula;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;

/**
 * The settings of {@code erg formula}, from a properties file and the environment (which wins), with the names and
 * defaults of docs/fleet.md. SmartWatts' settings carry PowerAPI's names and defaults ({@code CPU_TDP},
 * {@code LEARN_MIN_SAMPLES_REQUIRED}, ...).
 *
 * @param worker where the workers read, write and keep their state
 * @param formula the formula every worker runs
 * @param workers worker threads in this process
 * @param mongoUri MongoDB to store power reports in, if any
 * @param mongoDatabase its database
 * @param mongoCollection its collection
 * @param remoteWriteUrl Prometheus remote-write receiver to push power reports to, if any
 */
public record FormulaConfig(FormulaWorkerSettings worker, Formula formula, int workers, Optional<String> mongoUri,
        String mongoDatabase, String mongoCollection, Optional<String> remoteWriteUrl) {

    private static final Set<String> KNOWN = Set.of("KAFKA_BOOTSTRAP_SERVERS", "FORMULA_INPUT_TOPIC",
            "FORMULA_OUTPUT_TOPIC", "FORMULA_GROUP", "FORMULA_STATE_TOPIC", "FORMULA", "FORMULA_WORKERS",
            "FORMULA_CHECKPOINT_INTERVAL_S", "SENSOR_REPORTS_FREQUENCY_MS", "CPU_TDP", "CPU_BASE_CLOCK",
            "CPU_BASE_FREQ", "CPU_ERROR_THRESHOLD", "DRAM_ERROR_THRESHOLD", "LEARN_MIN_SAMPLES_REQUIRED",
            "LEARN_HISTORY_WINDOW_SIZE", "LEARN_ERROR_WINDOW_SIZE", "LEARN_ERROR_WINDOW_METHOD", "REAL_TIME_MODE",
            "DISABLE_CPU_FORMULA", "DISABLE_DRAM_FORMULA", "CPU_RAPL_REF_EVENT", "DRAM_RAPL_REF_EVENT",
            "MONGODB_URI", "MONGODB_DATABASE", "MONGODB_COLLECTION", "REMOTE_WRITE_URL", "LOG_LEVEL");

    /** Reads a properties file of {@code KEY=value} lines. */
    public static Map<String, String> readFile(Path file) {
        Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(in);
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read the formula configuration " + file + ": " + e.getMessage()
                    + "; give a readable properties file of KEY=value lines", e);
        }
        Map<String, String> map = new HashMap<>();
        properties.stringPropertyNames().forEach(k -> map.put(k, properties.getProperty(k).strip()));
        TreeSet<String> unknown = new TreeSet<>(map.keySet());
        unknown.removeAll(KNOWN);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException(file + " has unknown settings " + unknown + "; known: "
                    + new TreeSet<>(KNOWN));
        }
        return map;
    }

    /**
     * The configuration from {@code file} settings overridden by {@code environment} (only the known names are taken
     * from the environment).
     *
     * @throws IllegalArgumentException naming the setting that is missing or wrong, and what it should be
     */
    public static FormulaConfig from(Map<String, String> file, Map<String, String> environment) {
        Map<String, String> s = new HashMap<>(file);
        environment.forEach((k, v) -> {
            if (KNOWN.contains(k) && !v.isBlank()) {
                s.put(k, v.strip());
            }
        });
        String bootstrap = s.get("KAFKA_BOOTSTRAP_SERVERS");
        if (bootstrap == null || bootstrap.isBlank()) {
            throw new IllegalArgumentException("KAFKA_BOOTSTRAP_SERVERS is not set: give host:port of at least one "
                    + "Kafka broker, e.g. KAFKA_BOOTSTRAP_SERVERS=kafka-1:9092");
        }
        String group = s.getOrDefault("FORMULA_GROUP", FormulaWorkerSettings.DEFAULT_GROUP);
        FormulaWorkerSettings worker = FormulaWorkerSettings.of(bootstrap).withGroup(group)
                .withInputTopic(s.getOrDefault("FORMULA_INPUT_TOPIC", FormulaWorkerSettings.DEFAULT_INPUT_TOPIC))
                .withOutputTopic(s.get("FORMULA_OUTPUT_TOPIC"))
                .withStateTopic(s.getOrDefault("FORMULA_STATE_TOPIC", group + "-state"))
                .withCheckpointInterval(Duration.ofMillis(Math.round(
                        number(s, "FORMULA_CHECKPOINT_INTERVAL_S", 60, 0, 86_400) * 1000)));
        int reportsMillis = (int) number(s, "SENSOR_REPORTS_FREQUENCY_MS", 1000, 1, 3_600_000);
        String name = s.getOrDefault("FORMULA", CpuShareFormula.NAME);
        Formula formula = switch (name) {
            case CpuShareFormula.NAME -> new CpuShareFormula(reportsMillis);
            case SmartWattsFormula.NAME -> new SmartWattsFormula(smartWatts(s, reportsMillis));
            default -> throw new IllegalArgumentException("FORMULA=" + name + " is not a formula: use "
                    + CpuShareFormula.NAME + " (the default) or " + SmartWattsFormula.NAME);
        };
        int workers = (int) number(s, "FORMULA_WORKERS", 1, 1, 256);
        Optional<String> mongo = Optional.ofNullable(s.get("MONGODB_URI"));
        Optional<String> remoteWrite = Optional.ofNullable(s.get("REMOTE_WRITE_URL"));
        if (worker.outputTopic().isEmpty() && mongo.isEmpty() && remoteWrite.isEmpty()) {
            throw new IllegalArgumentException("nowhere to write: set at least one of "
                    + "FORMULA_OUTPUT_TOPIC (a Kafka topic), MONGODB_URI or REMOTE_WRITE_URL");
        }
        return new FormulaConfig(worker, formula, workers, mongo, s.getOrDefault("MONGODB_DATABASE", "powerapi"),
                s.getOrDefault("MONGODB_COLLECTION", "power"), remoteWrite);
    }

    private static SmartWattsSettings smartWatts(Map<String, String> s, int reportsMillis) {
        CpuTopology topology = CpuTopology.smartWatts((int) number(s, "CPU_TDP", 400, 0, 100_000),
                (int) number(s, "CPU_BASE_CLOCK", 100, 1, 10_000), (int) number(s, "CPU_BASE_FREQ", 2100, 1, 100_000));
        return new SmartWattsSettings(topology, reportsMillis,
                s.getOrDefault("CPU_RAPL_REF_EVENT", "RAPL_ENERGY_PKG"),
                s.getOrDefault("DRAM_RAPL_REF_EVENT", "RAPL_ENERGY_DRAM"),
                number(s, "CPU_ERROR_THRESHOLD", 2.0, 0, 1e6), number(s, "DRAM_ERROR_THRESHOLD", 2.0, 0, 1e6),
                (int) number(s, "LEARN_MIN_SAMPLES_REQUIRED", 10, 0, 1e6),
                (int) number(s, "LEARN_HISTORY_WINDOW_SIZE", 60, 1, 1e6),
                (int) number(s, "LEARN_ERROR_WINDOW_SIZE", 60, 1, 1e6),
                ErrorWindowMethod.of(s.getOrDefault("LEARN_ERROR_WINDOW_METHOD", "median")),
                bool(s, "REAL_TIME_MODE"), !bool(s, "DISABLE_CPU_FORMULA"), !bool(s, "DISABLE_DRAM_FORMULA"));
    }

    private static double number(Map<String, String> s, String name, double fallback, double min, double max) {
        String text = s.get(name);
        if (text == null) {
            return fallback;
        }
        double value;
        try {
            value = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + "=" + text + " is not a number (e.g. " + name + "="
                    + (fallback == Math.rint(fallback) ? Long.toString((long) fallback) : fallback) + ")", e);
        }
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(name + "=" + text + " is out of range: it must be between " + min
                    + " and " + max);
        }
        return value;
    }

    private static boolean bool(Map<String, String> s, String name) {
        String text = s.getOrDefault(name, "false");
        return switch (text.toLowerCase(java.util.Locale.ROOT)) {
            case "true", "1", "yes" -> true;
            case "false", "0", "no" -> false;
            default -> throw new IllegalArgumentException(name + "=" + text + " is not a boolean: use true or false");
        };
    }
}
