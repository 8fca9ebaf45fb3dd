package dev.ergometer.formula;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a formula worker reads, writes and keeps its state.
 *
 * @param bootstrapServers the Kafka cluster, {@code host:port[,host:port...]}
 * @param groupId the consumer group the workers share; also names their transactional ids and state topic
 * @param inputTopic the topic of HWPC reports, keyed by sensor
 * @param outputTopic the topic power reports go to, keyed by sensor (empty: none)
 * @param stateTopic the compacted topic of formula checkpoints, one partition per input partition
 * @param checkpointInterval how often a sensor's formula state is checkpointed; a worker taking a partition over
 *     replays at most this much of it
 * @param transactionTimeout Kafka's {@code transaction.timeout.ms}
 * @param pollTimeout how long one poll waits for reports
 * @param clientProperties extra properties for every Kafka client (security, ...)
 */
public record FormulaWorkerSettings(String bootstrapServers, String groupId, String inputTopic,
        Optional<String> outputTopic, String stateTopic, Duration checkpointInterval, Duration transactionTimeout,
        Duration pollTimeout, Map<String, String> clientProperties) {

    /** The input topic a sensor-mode agent writes to unless told otherwise. */
    public static final String DEFAULT_INPUT_TOPIC = "ergometer-hwpc";
    /** The consumer group of the formula workers unless told otherwise. */
    public static final String DEFAULT_GROUP = "ergometer-formula";

    public FormulaWorkerSettings {
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(outputTopic, "outputTopic");
        clientProperties = Map.copyOf(clientProperties);
        for (String name : new String[] {groupId, inputTopic, stateTopic}) {
            if (name == null || name.isBlank()) {
                throw new IllegalArgumentException("formula worker: group id, input topic and state topic must be "
                        + "named, got " + groupId + ", " + inputTopic + ", " + stateTopic);
            }
        }
        if (bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("formula worker: KAFKA_BOOTSTRAP_SERVERS is empty; give host:port of "
                    + "at least one broker, e.g. kafka-1:9092");
        }
        if (checkpointInterval.isNegative() || pollTimeout.isNegative() || pollTimeout.isZero()
                || transactionTimeout.toMillis() < 1000) {
            throw new IllegalArgumentException("formula worker: checkpoint interval must be >= 0, poll timeout > 0 "
                    + "and transaction timeout >= 1 s; got " + checkpointInterval + ", " + pollTimeout + ", "
                    + transactionTimeout);
        }
    }

    /**
     * Settings with the defaults: group {@value #DEFAULT_GROUP}, input {@value #DEFAULT_INPUT_TOPIC}, no output topic,
     * state topic {@code <group>-state}, a checkpoint a minute, Kafka's 60 s transaction timeout, 200 ms polls.
     */
    public static FormulaWorkerSettings of(String bootstrapServers) {
        return new FormulaWorkerSettings(bootstrapServers, DEFAULT_GROUP, DEFAULT_INPUT_TOPIC, Optional.empty(),
                DEFAULT_GROUP + "-state", Duration.ofMinutes(1), Duration.ofSeconds(60), Duration.ofMillis(200),
                Map.of());
    }

    /** These settings with another group, and its state topic {@code <group>-state}. */
    public FormulaWorkerSettings withGroup(String newGroupId) {
        return new FormulaWorkerSettings(bootstrapServers, newGroupId, inputTopic, outputTopic, newGroupId + "-state",
                checkpointInterval, transactionTimeout, pollTimeout, clientProperties);
    }

    public FormulaWorkerSettings withInputTopic(String topic) {
        return new FormulaWorkerSettings(bootstrapServers, groupId, topic, outputTopic, stateTopic,
                checkpointInterval, transactionTimeout, pollTimeout, clientProperties);
    }

    public FormulaWorkerSettings withOutputTopic(String topic) {
        return new FormulaWorkerSettings(bootstrapServers, groupId, inputTopic, Optional.ofNullable(topic),
                stateTopic, checkpointInterval, transactionTimeout, pollTimeout, clientProperties);
    }

    public FormulaWorkerSettings withStateTopic(String topic) {
        return new FormulaWorkerSettings(bootstrapServers, groupId, inputTopic, outputTopic, topic,
                checkpointInterval, transactionTimeout, pollTimeout, clientProperties);
    }

    public FormulaWorkerSettings withCheckpointInterval(Duration interval) {
        return new FormulaWorkerSettings(bootstrapServers, groupId, inputTopic, outputTopic, stateTopic, interval,
                transactionTimeout, pollTimeout, clientProperties);
    }

    public FormulaWorkerSettings withTransactionTimeout(Duration timeout) {
        return new FormulaWorkerSettings(bootstrapServers, groupId, inputTopic, outputTopic, stateTopic,
                checkpointInterval, timeout, pollTimeout, clientProperties);
    }

    public FormulaWorkerSettings withClientProperties(Map<String, String> properties) {
        return new FormulaWorkerSettings(bootstrapServers, groupId, inputTopic, outputTopic, stateTopic,
                checkpointInterval, transactionTimeout, pollTimeout, properties);
    }

    /** The transactional id of the producer that owns {@code partition} of the input, whichever worker runs it. */
    public String transactionalId(int partition) {
        return "ergometer-formula-" + groupId + "-" + inputTopic + "-" + partition;
    }
}
