package dev.ergometer.formula;

import dev.ergometer.prometheus.RemoteWriteSink;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * The foreground {@code erg formula}: starts {@code FORMULA_WORKERS} formula workers in one consumer group and runs
 * them until SIGTERM or SIGINT, which stops each after its current batch (committed) and leaves the group, so the other
 * processes of the group take the partitions over. When a worker crashes, all stop and the exit status is 1, for the
 * supervisor (systemd, Kubernetes) to restart the process.
 */
public final class FormulaMain {

    private static final Logger LOG = LoggerFactory.getLogger(FormulaMain.class);

    private FormulaMain() {
    }

    /**
     * Runs the workers until they are stopped and returns the exit status: 0 after a clean stop, 1 when a worker
     * crashed.
     *
     * @param configFile the properties file, or {@code null} for the environment alone
     * @param environment the environment variables that override the file
     * @param err where the start-up line goes
     * @throws IllegalArgumentException when the configuration is invalid (the message names the setting)
     */
    public static int run(Path configFile, Map<String, String> environment, PrintWriter err)
            throws InterruptedException {
        Map<String, String> file = configFile == null ? Map.of() : FormulaConfig.readFile(configFile);
        FormulaConfig config = FormulaConfig.from(file, environment);
        String level = environment.getOrDefault("LOG_LEVEL", file.getOrDefault("LOG_LEVEL", "INFO"));
        applyLogLevel(level);
        List<PowerReportOutput> outputs = new ArrayList<>();
        config.mongoUri().ifPresent(uri -> outputs.add(
                new MongoPowerReports(uri, config.mongoDatabase(), config.mongoCollection())));
        config.remoteWriteUrl().ifPresent(url -> outputs.add(
                new RemoteWritePowerReports(RemoteWriteSink.to(URI.create(url)), config.formula().name())));
        List<FormulaWorker> workers = new ArrayList<>();
        CountDownLatch stop = new CountDownLatch(1);
        try {
            for (int i = 0; i < config.workers(); i++) {
                workers.add(FormulaWorker.start(config.worker(), config.formula(), outputs));
            }
            Runnable stopAll = stop::countDown;
            on("TERM", stopAll);
            on("INT", stopAll);
            Thread hook = Thread.ofPlatform().unstarted(() -> workers.forEach(FormulaWorker::close));
            Runtime.getRuntime().addShutdownHook(hook);
            err.println("erg formula: " + config.formula().name() + ", " + config.workers() + " worker(s) in group "
                    + config.worker().groupId() + ", reading " + config.worker().inputTopic() + " at "
                    + config.worker().bootstrapServers() + ", writing to "
                    + String.join(", ", destinations(config)));
            err.flush();
            // A worker that stops by itself crashed: stop the process (exit 1) so that its supervisor restarts it.
            for (FormulaWorker worker : workers) {
                Thread.ofPlatform().daemon().start(() -> {
                    try {
                        worker.awaitStop();
                        stop.countDown();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
            stop.await();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook closes the workers
            }
        } finally {
            workers.forEach(FormulaWorker::close);
            outputs.forEach(PowerReportOutput::close);
        }
        for (FormulaWorker worker : workers) {
            if (worker.crash() != null) {
                LOG.error("formula worker {} crashed: {}", worker.name(), worker.crash().toString());
                return 1;
            }
        }
        return 0;
    }

    private static List<String> destinations(FormulaConfig config) {
        List<String> out = new ArrayList<>();
        config.worker().outputTopic().ifPresent(t -> out.add("topic " + t));
        config.mongoUri().ifPresent(u -> out.add("MongoDB " + config.mongoDatabase() + "." + config.mongoCollection()));
        config.remoteWriteUrl().ifPresent(u -> out.add("remote-write " + u));
        return out;
    }

    private static void applyLogLevel(String level) {
        if (LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
            ch.qos.logback.classic.Level wanted = ch.qos.logback.classic.Level.toLevel(level,
                    ch.qos.logback.classic.Level.INFO);
            root.setLevel(wanted);
            for (String name : new String[] {"org.apache.kafka", "org.mongodb.driver"}) {
                ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(name)).setLevel(
                        wanted.isGreaterOrEqual(ch.qos.logback.classic.Level.WARN) ? wanted
                                : ch.qos.logback.classic.Level.WARN);
            }
        }
    }

    private static void on(String signal, Runnable action) {
        try {
            Signal.handle(new Signal(signal), s -> action.run());
        } catch (IllegalArgumentException unavailable) {
            // -Xrs or a reserved signal: the shutdown hook still stops the workers
        }
    }
}
