package dev.ergometer.formula;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks the input topic and creates the state and output topics a formula group needs when they are missing: the
 * state topic compacted, both with as many partitions as the input (the state topic must have them: partition N holds
 * the checkpoints of input partition N).
 */
final class FormulaTopics {

    private static final Logger LOG = LoggerFactory.getLogger(FormulaTopics.class);
    private static final long TIMEOUT_SECONDS = 30;

    private FormulaTopics() {
    }

    static void ensure(FormulaWorkerSettings settings) {
        Properties properties = new Properties();
        properties.putAll(settings.clientProperties());
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        try (Admin admin = Admin.create(properties)) {
            int partitions = describe(admin, settings.inputTopic())
                    .orElseThrow(() -> new IllegalStateException("input topic " + settings.inputTopic()
                            + " does not exist on " + settings.bootstrapServers() + "; create it with as many "
                            + "partitions as formula workers may run (kafka-topics.sh --create --topic "
                            + settings.inputTopic() + " --partitions 12), or start the sensors first"))
                    .partitions().size();
            Optional<TopicDescription> state = describe(admin, settings.stateTopic());
            List<NewTopic> missing = new ArrayList<>();
            if (state.isEmpty()) {
                missing.add(new NewTopic(settings.stateTopic(), Optional.of(partitions), Optional.empty())
                        .configs(Map.of("cleanup.policy", "compact")));
            } else if (state.get().partitions().size() < partitions) {
                throw new IllegalStateException("state topic " + settings.stateTopic() + " has "
                        + state.get().partitions().size() + " partitions but input topic " + settings.inputTopic()
                        + " has " + partitions + "; add partitions to the state topic (kafka-topics.sh --alter "
                        + "--topic " + settings.stateTopic() + " --partitions " + partitions + ")");
            }
            if (settings.outputTopic().isPresent() && describe(admin, settings.outputTopic().get()).isEmpty()) {
                missing.add(new NewTopic(settings.outputTopic().get(), Optional.of(partitions), Optional.empty()));
            }
            for (NewTopic topic : missing) {
                try {
                    admin.createTopics(List.of(topic)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                    LOG.info("created topic {} with {} partitions", topic.name(), partitions);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
                awaitLeaders(admin, topic.name(), partitions);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking the formula topics", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            String why = e instanceof java.util.concurrent.TimeoutException ? "no answer within " + TIMEOUT_SECONDS
                    + " s" : String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
            throw new IllegalStateException("cannot check or create the formula topics on "
                    + settings.bootstrapServers() + ": " + why + "; is Kafka running and reachable, and "
                    + "may this client describe and create topics?", e);
        }
    }

    /** Waits until every partition of a new topic has a leader, so that the workers' first reads do not time out. */
    private static void awaitLeaders(Admin admin, String topic, int partitions)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (true) {
            Optional<TopicDescription> description = describe(admin, topic);
            if (description.isPresent() && description.get().partitions().size() >= partitions
                    && description.get().partitions().stream().allMatch(p -> p.leader() != null
                            && !p.leader().isEmpty())) {
                return;
            }
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException("topic " + topic + " has no leader for all its partitions after "
                        + TIMEOUT_SECONDS + " s; check the brokers' health");
            }
            Thread.sleep(50);
        }
    }

    private static Optional<TopicDescription> describe(Admin admin, String topic)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        try {
            return Optional.of(admin.describeTopics(Set.of(topic)).allTopicNames()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS).get(topic));
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
