package dev.ergometer.formula;

import dev.ergometer.fleet.HwpcReport;
import dev.ergometer.fleet.PowerReport;
import dev.ergometer.json.JsonReader;
import dev.ergometer.json.JsonWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One formula worker: a member of a Kafka consumer group that reads HWPC reports, runs a {@link Formula} per sensor
 * and writes the power reports exactly once to an output topic and to {@link PowerReportOutput}s.
 *
 * <p>Each input partition the worker owns is processed batch by batch in one Kafka transaction of that partition's own
 * producer (transactional id {@link FormulaWorkerSettings#transactionalId}, the same whichever worker owns the
 * partition): the power reports go to the output topic, the formula checkpoints to the state topic, the other outputs
 * are written (idempotently), and the partition's offset is committed with {@code sendOffsetsToTransaction}, all or
 * nothing. The consumer reads {@code read_committed}. When a worker dies, the group's rebalance gives its partitions to
 * the others; the new owner's producer, opened with the same transactional id, fences the dead one and aborts its open
 * transaction, so output it left behind is never visible, and the batch is processed again from the committed offset.
 *
 * <p>Formula state survives the move exactly: every sensor's state is checkpointed to the compacted state topic
 * (partition = input partition, key = sensor, value = the state and the input offset it was taken at) in the
 * transaction of the sensor's first report, then at most every checkpoint interval. The new owner restores each
 * sensor's last committed checkpoint and replays, without output, the sensor's reports from that offset up to the
 * committed offset. Formulas being deterministic, it then holds the state the dead worker had committed, and gives the
 * same power reports for the same reports: the stores, keyed on the report's identity, keep them once.
 *
 * <pre>{@code
 * try (FormulaWorker worker = FormulaWorker.start(FormulaWorkerSettings.of("kafka:9092").withOutputTopic("power"),
 *         new CpuShareFormula(1000), List.of())) {
 *     worker.awaitStop();
 * }
 * }</pre>
 */
public final class FormulaWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(FormulaWorker.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final FormulaWorkerSettings settings;
    private final Formula formula;
    private final List<PowerReportOutput> outputs;
    private final String name;
    private final KafkaConsumer<String, String> consumer;
    private final Map<TopicPartition, PartitionTask> tasks = new HashMap<>();
    private final List<KafkaProducer<String, String>> abandoned = new CopyOnWriteArrayList<>();
    private final AtomicLong reportsIn = new AtomicLong();
    private final AtomicLong powerReportsOut = new AtomicLong();
    private final AtomicLong malformed = new AtomicLong();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile Throwable crash;
    /** Runs before each commit, with the partition; tests make a worker die there. */
    volatile Consumer<TopicPartition> beforeCommit = tp -> { };

    private FormulaWorker(FormulaWorkerSettings settings, Formula formula, List<PowerReportOutput> outputs,
            String name) {
        this.settings = settings;
        this.formula = formula;
        this.outputs = List.copyOf(outputs);
        this.name = name;
        this.consumer = new KafkaConsumer<>(consumerProperties(name));
        this.thread = Thread.ofPlatform().name("ergometer-formula-" + name).unstarted(this::run);
    }

    /**
     * Starts a worker on its own thread; it joins the group and processes until {@link #close()}.
     *
     * @param outputs stores written besides the output topic; they stay the caller's to close
     */
    public static FormulaWorker start(FormulaWorkerSettings settings, Formula formula, List<PowerReportOutput> outputs) {
        return start(settings, formula, outputs, "worker-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(System.nanoTime()));
    }

    /** Starts a worker with a name for its client ids and logs. */
    public static FormulaWorker start(FormulaWorkerSettings settings, Formula formula, List<PowerReportOutput> outputs,
            String name) {
        FormulaTopics.ensure(settings);
        FormulaWorker worker = new FormulaWorker(settings, formula, outputs, name);
        worker.thread.start();
        return worker;
    }

    public String name() {
        return name;
    }

    /** HWPC reports read and processed (replays not counted). */
    public long reportsIn() {
        return reportsIn.get();
    }

    /** Power reports written in committed transactions. */
    public long powerReportsOut() {
        return powerReportsOut.get();
    }

    /** Records that were not HWPC reports, skipped. */
    public long malformedRecords() {
        return malformed.get();
    }

    /** The error that stopped the worker, or null while it runs or after a clean stop. */
    public Throwable crash() {
        return crash;
    }

    public boolean isRunning() {
        return thread.isAlive();
    }

    /** Waits until the worker stopped (closed, or crashed). */
    public void awaitStop() throws InterruptedException {
        thread.join();
    }

    private void run() {
        consumer.subscribe(List.of(settings.inputTopic()), new Rebalance());
        long backoffMillis = 0;
        try {
            while (!stopping) {
                if (backoffMillis > 0) {
                    Thread.sleep(backoffMillis);
                }
                ConsumerRecords<String, String> records = consumer.poll(settings.pollTimeout());
                boolean failed = false;
                for (TopicPartition partition : records.partitions()) {
                    PartitionTask task = tasks.get(partition);
                    if (task != null && !task.process(records.records(partition))) {
                        failed = true;
                    }
                }
                backoffMillis = failed ? Math.min(MAX_BACKOFF.toMillis(), Math.max(200, backoffMillis * 2)) : 0;
            }
        } catch (WakeupException e) {
            // close() asked to stop
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            crash = t;
            LOG.error("formula worker {} stopped: {}", name, t.toString(), t);
            // As a dead process: leave the group, abandon the producers and their open transactions, which the next
            // owner of each partition aborts by fencing them.
            tasks.values().forEach(task -> abandoned.add(task.producer));
            tasks.clear();
            consumer.close(org.apache.kafka.clients.consumer.CloseOptions.timeout(Duration.ofSeconds(5)));
            return;
        }
        try {
            tasks.values().forEach(PartitionTask::close);
            tasks.clear();
        } finally {
            consumer.close();
        }
    }

    /** Stops the worker after its current batch and closes its clients; its partitions go to the other workers. */
    @Override
    public void close() {
        stopping = true;
        if (thread.isAlive()) {
            consumer.wakeup();
        }
        try {
            thread.join(Duration.ofSeconds(30));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (KafkaProducer<String, String> producer : abandoned) {
            producer.close(Duration.ZERO);
        }
        abandoned.clear();
    }

    private Properties consumerProperties(String clientName) {
        Properties p = new Properties();
        p.putAll(settings.clientProperties());
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        p.put(ConsumerConfig.CLIENT_ID_CONFIG, "ergometer-formula-" + clientName);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return p;
    }

    private Properties readerProperties() {
        Properties p = consumerProperties(name + "-restore");
        p.remove(ConsumerConfig.GROUP_ID_CONFIG);
        return p;
    }

    private KafkaProducer<String, String> producer(int partition) {
        Properties p = new Properties();
        p.putAll(settings.clientProperties());
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        p.put(ProducerConfig.CLIENT_ID_CONFIG, "ergometer-formula-" + name + "-p" + partition);
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, settings.transactionalId(partition));
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, Long.toString(settings.transactionTimeout().toMillis()));
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(p);
    }

    /** Opens, or reopens after a failure, the work on one partition: fence, restore, replay, seek. */
    private PartitionTask open(TopicPartition partition) {
        LOG.debug("formula worker {}: opening {}", name, partition);
        KafkaProducer<String, String> producer = producer(partition.partition());
        producer.initTransactions();   // fences the previous owner and aborts its open transaction
        LOG.debug("formula worker {}: {} fenced its previous owner", name, partition);
        OffsetAndMetadata committed = consumer.committed(Set.of(partition)).get(partition);
        LOG.debug("formula worker {}: {} committed offset {}", name, partition, committed);
        long committedOffset = committed != null ? committed.offset()
                : consumer.beginningOffsets(Set.of(partition)).get(partition);
        PartitionTask task = new PartitionTask(partition, producer, new FormulaEngine(formula), committedOffset);
        int restored = task.restore();
        consumer.seek(partition, committedOffset);
        LOG.info("formula worker {}: owns {} from offset {} ({} sensors restored)", name, partition, committedOffset,
                restored);
        return task;
    }

    /** The work on one input partition while this worker owns it. */
    private final class PartitionTask {

        private final TopicPartition partition;
        private final KafkaProducer<String, String> producer;
        private final FormulaEngine engine;
        private final Map<String, Long> checkpointNanos = new HashMap<>();
        private long position;

        PartitionTask(TopicPartition partition, KafkaProducer<String, String> producer, FormulaEngine engine,
                long position) {
            this.partition = partition;
            this.producer = producer;
            this.engine = engine;
            this.position = position;
        }

        /** Restores every sensor's last checkpoint and replays its reports up to the committed offset. */
        int restore() {
            Map<String, Long> from = new HashMap<>();
            TopicPartition statePartition = new TopicPartition(settings.stateTopic(), partition.partition());
            try (KafkaConsumer<String, String> reader = new KafkaConsumer<>(readerProperties())) {
                for (ConsumerRecord<String, String> record : readAll(reader, statePartition, 0, Long.MAX_VALUE)) {
                    if (record.value() == null) {
                        engine.restore(record.key(), formula.start(record.key()).stateJson());
                        from.remove(record.key());
                        continue;
                    }
                    Map<String, Object> checkpoint = JsonReader.object(record.value());
                    engine.restore(record.key(), (String) checkpoint.get("state"));
                    from.put(record.key(), ((Number) checkpoint.get("offset")).longValue());
                }
                long start = from.values().stream().mapToLong(Long::longValue).min().orElse(position);
                if (start < position) {
                    for (ConsumerRecord<String, String> record : readAll(reader, partition, start, position)) {
                        HwpcReport report = decode(record);
                        if (report != null && from.containsKey(report.sensor())
                                && record.offset() >= from.get(report.sensor())) {
                            engine.accept(report);
                        }
                    }
                }
            }
            from.keySet().forEach(sensor -> checkpointNanos.put(sensor, System.nanoTime()));
            return from.size();
        }

        /** Records of {@code tp} from offset {@code start} (inclusive) up to {@code end} or the end of the partition. */
        private List<ConsumerRecord<String, String>> readAll(KafkaConsumer<String, String> reader, TopicPartition tp,
                long start, long end) {
            reader.assign(List.of(tp));
            long last = Math.min(end, reader.endOffsets(List.of(tp)).get(tp));
            long first = Math.max(start, reader.beginningOffsets(List.of(tp)).get(tp));
            List<ConsumerRecord<String, String>> out = new ArrayList<>();
            if (first >= last) {
                return out;
            }
            reader.seek(tp, first);
            while (reader.position(tp) < last) {
                for (ConsumerRecord<String, String> record : reader.poll(Duration.ofMillis(200)).records(tp)) {
                    if (record.offset() < last) {
                        out.add(record);
                    }
                }
            }
            return out;
        }

        /** Processes one batch in one transaction; false when it failed and the partition was reopened. */
        boolean process(List<ConsumerRecord<String, String>> records) {
            List<PowerReport> out = new ArrayList<>();
            Set<String> touched = new LinkedHashSet<>();
            try {
                producer.beginTransaction();
                long next = position;
                for (ConsumerRecord<String, String> record : records) {
                    if (record.offset() < position) {
                        continue;
                    }
                    next = record.offset() + 1;
                    HwpcReport report = decode(record);
                    if (report == null) {
                        continue;
                    }
                    reportsIn.incrementAndGet();
                    out.addAll(engine.accept(report));
                    touched.add(report.sensor());
                }
                if (settings.outputTopic().isPresent()) {
                    for (PowerReport report : out) {
                        producer.send(new ProducerRecord<>(settings.outputTopic().get(), null, report.timestampMillis(),
                                report.sensor(), report.toJson()));
                    }
                }
                long now = System.nanoTime();
                for (String sensor : touched) {
                    Long last = checkpointNanos.get(sensor);
                    if (last == null || now - last >= settings.checkpointInterval().toNanos()) {
                        String value = new JsonWriter(false).beginObject().name("offset").value(next)
                                .name("state").value(engine.state(sensor)).endObject().toString();
                        producer.send(new ProducerRecord<>(settings.stateTopic(), partition.partition(), sensor,
                                value));
                        checkpointNanos.put(sensor, now);
                    }
                }
                for (PowerReportOutput output : outputs) {
                    output.write(out);
                }
                beforeCommit.accept(partition);
                producer.sendOffsetsToTransaction(Map.of(partition, new OffsetAndMetadata(next)),
                        consumer.groupMetadata());
                producer.commitTransaction();
                position = next;
                powerReportsOut.addAndGet(out.size());
                return true;
            } catch (ProducerFencedException | InvalidProducerEpochException e) {
                LOG.warn("formula worker {}: another worker owns {} now ({}); leaving it", name, partition,
                        e.getMessage());
                abandoned.add(producer);
                tasks.remove(partition);
                return true;
            } catch (Exception e) {
                LOG.warn("formula worker {}: batch of {} at offset {} failed, will process it again: {}", name,
                        partition, position, e.getMessage());
                try {
                    producer.abortTransaction();
                } catch (KafkaException abort) {
                    LOG.debug("abort failed: {}", abort.getMessage());
                }
                close();
                tasks.remove(partition);
                try {
                    tasks.put(partition, open(partition));
                } catch (KafkaException reopen) {
                    LOG.warn("formula worker {}: reopening {} failed: {}", name, partition, reopen.getMessage());
                }
                return false;
            }
        }

        void close() {
            try {
                producer.close(Duration.ofSeconds(5));
            } catch (KafkaException e) {
                LOG.debug("closing the producer of {} failed: {}", partition, e.getMessage());
            }
        }
    }

    private HwpcReport decode(ConsumerRecord<String, String> record) {
        if (record.value() == null) {
            return null;
        }
        try {
            return HwpcReport.fromJson(record.value());
        } catch (IllegalArgumentException e) {
            malformed.incrementAndGet();
            LOG.warn("formula worker {}: {}-{} offset {} is not an HWPC report, skipped: {}", name, record.topic(),
                    record.partition(), record.offset(), e.getMessage());
            return null;
        }
    }

    private final class Rebalance implements ConsumerRebalanceListener {

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                PartitionTask task = tasks.remove(partition);
                if (task != null) {
                    task.close();
                }
            }
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            for (TopicPartition partition : partitions) {
                tasks.put(partition, open(partition));
            }
        }
    }

    @Override
    public String toString() {
        return "FormulaWorker[" + name + ", group " + settings.groupId() + ", " + formula.name() + "]";
    }
}
