package dev.ergometer.agent;

import dev.ergometer.agent.AgentState.ConsumerPower;
import dev.ergometer.agent.AgentState.DomainReading;
import dev.ergometer.attribution.AttributedInterval;
import dev.ergometer.attribution.AttributionSampler;
import dev.ergometer.attribution.Consumer;
import dev.ergometer.carbon.CarbonSettings;
import dev.ergometer.fleet.HwpcReports;
import dev.ergometer.meter.EnergySample;
import dev.ergometer.mongodb.RunStore;
import dev.ergometer.model.Domain;
import dev.ergometer.prometheus.PyJoulesSeries;
import dev.ergometer.sampler.EnergyInterval;
import dev.ergometer.sampler.EnergySnapshot;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.sink.Backoff;
import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sample;
import dev.ergometer.sink.Sink;
import dev.ergometer.sink.SinkQueue;
import dev.ergometer.sink.SinkQueueCounts;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running {@code erg agent}: one scheduler thread that samples the energy source at the scrape interval,
 * attributes energy to processes every attribution interval and hands batches to one {@link SinkQueue} per sink,
 * plus the HTTP server ({@link AgentHttp}) that shows the latest state.
 *
 * <p>Everything periodic runs on the one scheduler thread, so sampling, attribution and pushing never race. Handing
 * a batch to a queue never waits ({@link SinkQueue#offer}): a slow or dead receiver fills its own bounded queue and
 * never delays sampling. {@link #close()} stops the scheduler, takes a last sample, pushes what is pending and flushes
 * every queue until {@code FLUSH_TIMEOUT_S}.
 *
 * <pre>{@code
 * try (Agent agent = Agent.start(AgentConfig.defaults(), source, SystemPaths.real())) {
 *     System.out.println("http://127.0.0.1:" + agent.httpPort() + "/metrics");
 *     agent.awaitStop();
 * }
 * }</pre>
 */
public final class Agent implements AutoCloseable {

    /** How many consumers per domain /metrics and /api/v1/consumers show, the biggest first. */
    public static final int TOP_CONSUMERS = 10;

    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final EnergySource source;
    private final SystemPaths paths;
    private final Sampler sampler;
    private final ScheduledExecutorService scheduler;
    private final AgentHttp http;
    private final GroupsEndpoint groups;
    private final RunStore runs;
    private final DashboardFeed dashboard = DashboardFeed.standard();
    private final long startWallMillis = System.currentTimeMillis();
    private final long startNanos = System.nanoTime();

    private final AtomicReference<AgentState> state;
    private final AtomicLong samplesTaken = new AtomicLong();
    private final AtomicLong sampleFailures = new AtomicLong();
    private final AtomicLong attributionsTaken = new AtomicLong();
    private final AtomicLong attributionFailures = new AtomicLong();
    private final Object stopped = new Object();
    private final AtomicBoolean closing = new AtomicBoolean();
    private boolean closed;

    // Replaced only on the scheduler thread (by a reload); read by HTTP threads.
    private volatile AgentConfig config;
    private volatile Map<SinkConfig.Kind, RunningSink> sinks = Map.of();
    // Set on the scheduler thread after each attribution (null while attribution is off); read by HTTP threads.
    private volatile AttributedInterval latestAttribution;

    // Touched only by the scheduler thread (and by close() once the scheduler has stopped).
    private EnergySnapshot previous;
    private List<Sample> pending = new ArrayList<>();
    private List<Sample> sensorPending = new ArrayList<>();
    private AttributionSampler attribution;
    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

    /** A sink as configured, and the queue that feeds it. */
    private record RunningSink(SinkConfig config, SinkQueue queue) {
    }

    private Agent(AgentConfig config, EnergySource source, SystemPaths paths) throws IOException {
        this.config = Objects.requireNonNull(config, "config");
        this.source = Objects.requireNonNull(source, "source");
        this.paths = Objects.requireNonNull(paths, "paths");
        AgentLogging.apply(config.logLevel());
        this.sampler = new Sampler(source, Ticker.system(), config.scrapeInterval().toNanos());
        this.attribution = config.attribution() ? AttributionSampler.processes(sampler, paths) : null;
        this.previous = sampler.sample();
        List<DomainReading> zero = new ArrayList<>();
        for (int i = 0; i < sampler.domains().size(); i++) {
            // What the sampler counted before its first sample: next to nothing, but carbon and cost count it too.
            double joules = previous.totalMicrojoules(i) / 1e6;
            zero.add(new DomainReading(sampler.domains().get(i), joules, 0, config.carbon().gramsCo2e(joules),
                    config.carbon().cost(joules)));
        }
        this.state = new AtomicReference<>(new AgentState(source.name(), source.estimated(), source.method(), zero,
                0, 0, List.of(), 0, config.carbon().currency()));
        this.sinks = startSinks(config, openSinks(config, Map.of()), Map.of());
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("ergometer-agent-scheduler").daemon().factory());
        this.groups = GroupsEndpoint.start(config, sampler, paths);
        AgentHttp server;
        RunStore runStore = null;
        try {
            runStore = config.runsMongodbUri().map(uri -> RunStore.open(uri, config.hostName())).orElse(null);
            this.runs = runStore;
            server = AgentHttp.start(this, config.httpBind(), config.httpPort());
        } catch (RuntimeException e) {
            if (runStore != null) {
                runStore.close();
            }
            groups.close();
            scheduler.shutdownNow();
            sinks.values().forEach(running -> running.queue().close());
            throw e;
        }
        this.http = server;
    }

    /**
     * Starts sampling, attribution (when configured), the sink queues and HTTP; the source stays the caller's to
     * close after the agent.
     *
     * @throws IOException when attribution is on and /proc cannot be read
     * @throws IllegalArgumentException when a sink's settings are invalid (the message names the setting)
     */
    public static Agent start(AgentConfig config, EnergySource source, SystemPaths paths) throws IOException {
        Agent agent = new Agent(config, source, paths);
        agent.schedule();
        LOG.info("ergometer agent: source {} ({} domains), sampling every {} ms, HTTP on {}:{}{}", source.name(),
                agent.sampler.domains().size(), agent.samplePeriodNanos() / 1_000_000.0, config.httpBind(),
                agent.httpPort(), describeSinks(config));
        return agent;
    }

    private static String describeSinks(AgentConfig config) {
        return config.sinks().isEmpty() ? ", no sinks"
                : config.sinks().stream().map(SinkConfig::name).collect(Collectors.joining(", ", ", sinks: ", ""));
    }

    /** (Re)schedules sampling, attribution and pushing at the current configuration's intervals. */
    private void schedule() {
        tasks.forEach(task -> task.cancel(false));
        tasks.clear();
        long periodNanos = samplePeriodNanos();
        tasks.add(scheduler.scheduleAtFixedRate(this::sampleNow, periodNanos, periodNanos, TimeUnit.NANOSECONDS));
        if (attribution != null) {
            long attributionNanos = config.attributionInterval().toNanos();
            tasks.add(scheduler.scheduleAtFixedRate(this::attributeNow, attributionNanos, attributionNanos,
                    TimeUnit.NANOSECONDS));
        }
        if (!sinks.isEmpty()) {
            long pushNanos = config.pushInterval().toNanos();
            tasks.add(scheduler.scheduleAtFixedRate(this::pushNow, pushNanos, pushNanos, TimeUnit.NANOSECONDS));
        }
    }

    /**
     * Opens the sinks of {@code next} that are not running unchanged in {@code running}; all or none: when one cannot
     * be opened, the ones opened so far are closed and the error says which sink and setting failed.
     */
    private static Map<SinkConfig.Kind, Sink> openSinks(AgentConfig next, Map<SinkConfig.Kind, RunningSink> running) {
        Map<SinkConfig.Kind, Sink> opened = new LinkedHashMap<>();
        try {
            for (SinkConfig sink : next.sinks()) {
                RunningSink current = running.get(sink.kind());
                if (current == null || !current.config().equals(sink) || queueSettingsChanged(current, next)) {
                    opened.put(sink.kind(), AgentSinks.open(sink, next));
                }
            }
            return opened;
        } catch (RuntimeException e) {
            opened.values().forEach(Sink::close);
            throw e;
        }
    }

    private static boolean queueSettingsChanged(RunningSink current, AgentConfig next) {
        return current.queue().capacityBatches() != next.maxRetryBatches()
                || !current.queue().flushTimeout().equals(next.flushTimeout());
    }

    /** The running sinks after a (re)configuration: unchanged ones kept, newly opened ones started. */
    private static Map<SinkConfig.Kind, RunningSink> startSinks(AgentConfig next, Map<SinkConfig.Kind, Sink> opened,
            Map<SinkConfig.Kind, RunningSink> running) {
        Map<SinkConfig.Kind, RunningSink> result = new LinkedHashMap<>();
        for (SinkConfig sink : next.sinks()) {
            Sink fresh = opened.get(sink.kind());
            result.put(sink.kind(), fresh == null ? running.get(sink.kind())
                    : new RunningSink(sink, SinkQueue.start(sink.name(), fresh, next.maxRetryBatches(),
                            Backoff.prometheusDefault(), next.flushTimeout())));
        }
        return Collections.unmodifiableMap(result);
    }

    /**
     * Applies a changed configuration without losing a sample: sampling goes on from the same counters, unchanged
     * sinks keep their queues, changed or removed sinks get what was sampled before the reload and are then flushed
     * and closed in the background, new sinks get everything after it. HTTP_BIND, HTTP_PORT, AGENT_SOCKET and
     * AGENT_SOCKET_GROUP need a restart (a warning says so and the old ones stay).
     *
     * @throws IllegalArgumentException when a sink of the new configuration cannot be opened; nothing changes then
     */
    public void reload(AgentConfig next) {
        Objects.requireNonNull(next, "next");
        AgentConfig current = config;
        if (!next.httpBind().equals(current.httpBind()) || next.httpPort() != current.httpPort()) {
            LOG.warn("ergometer agent: HTTP_BIND and HTTP_PORT change only on a restart; still serving on {}:{}",
                    current.httpBind(), httpPort());
            next = next.withHttp(current.httpBind(), current.httpPort());
        }
        if (!next.agentSocket().equals(current.agentSocket())
                || !next.agentSocketGroup().equals(current.agentSocketGroup())) {
            LOG.warn("ergometer agent: AGENT_SOCKET and AGENT_SOCKET_GROUP change only on a restart; still serving "
                    + "process groups on {}", current.agentSocket().map(Path::toString).orElse("no socket"));
            next = next.withAgentSocket(current.agentSocket(), current.agentSocketGroup());
        }
        if (!next.runsMongodbUri().equals(current.runsMongodbUri())) {
            LOG.warn("ergometer agent: RUNS_MONGODB_URI changes only on a restart; named runs still go where they"
                    + " went");
        }
        AgentConfig applied = next;
        Map<SinkConfig.Kind, Sink> opened = openSinks(applied, sinks);
        Future<List<SinkQueue>> swap = scheduler.submit(() -> apply(applied, opened));
        List<SinkQueue> retired;
        try {
            retired = swap.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            opened.values().forEach(Sink::close);
            throw new IllegalStateException("interrupted while reloading the agent's configuration", e);
        } catch (ExecutionException | RejectedExecutionException e) {
            opened.values().forEach(Sink::close);
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new IllegalStateException("could not apply the new configuration: " + cause.getMessage(), cause);
        }
        for (SinkQueue queue : retired) {
            Thread.ofPlatform().name("ergometer-flush-" + queue.name()).start(() -> {
                queue.close();
                LOG.info("ergometer agent: sink {} replaced; flushed: {}", queue.name(), queue.counts());
            });
        }
        LOG.info("ergometer agent: configuration reloaded: sampling every {} ms, attribution {}{}",
                samplePeriodNanos() / 1_000_000.0, applied.attribution() ? "on" : "off", describeSinks(applied));
    }

    /** On the scheduler thread: swaps sinks, attribution and schedule; returns the queues to flush and close. */
    private List<SinkQueue> apply(AgentConfig next, Map<SinkConfig.Kind, Sink> opened) throws IOException {
        AgentLogging.apply(next.logLevel());
        if (next.attribution() && attribution == null) {
            attribution = AttributionSampler.processes(sampler, paths);
        } else if (!next.attribution() && attribution != null) {
            attribution.close();
            attribution = null;
            latestAttribution = null;
            state.updateAndGet(s -> s.withConsumers(List.of(), 0));
        }
        pushNow();   // what was sampled under the old configuration goes to the old sinks
        Map<SinkConfig.Kind, RunningSink> old = sinks;
        sinks = startSinks(next, opened, old);
        List<SinkQueue> retired = new ArrayList<>();
        old.forEach((kind, running) -> {
            if (sinks.get(kind) != running) {
                retired.add(running.queue());
            }
        });
        config = next;
        schedule();
        return retired;
    }

    /** The HTTP server's port (the bound one when the configuration asked for 0). */
    public int httpPort() {
        return http.port();
    }

    public AgentConfig config() {
        return config;
    }

    /** The latest state, as HTTP shows it. */
    public AgentState state() {
        return state.get();
    }

    /**
     * The latest attributed interval, whole (every consumer, every domain), as {@code /api/v1/top} shows it; empty
     * before the first one and while attribution is off.
     */
    public Optional<AttributedInterval> latestAttribution() {
        return Optional.ofNullable(latestAttribution);
    }

    /** How many samples the scheduler has taken. */
    public long samplesTaken() {
        return samplesTaken.get();
    }

    /** How many samples failed (the source could not be read). */
    public long sampleFailures() {
        return sampleFailures.get();
    }

    public long attributionsTaken() {
        return attributionsTaken.get();
    }

    public long attributionFailures() {
        return attributionFailures.get();
    }

    /** What each sink queue has done so far, by sink name. */
    public Map<String, SinkQueueCounts> sinkCounts() {
        Map<String, SinkQueueCounts> counts = new LinkedHashMap<>();
        sinks.values().forEach(running -> counts.put(running.config().name(), running.queue().counts()));
        return counts;
    }

    /** Seconds since the agent started. */
    public double uptimeSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** Where named runs ({@code erg measure --name}) are stored, when {@code RUNS_MONGODB_URI} is set. */
    Optional<RunStore> runs() {
        return Optional.ofNullable(runs);
    }

    /** The process groups served on the agent's socket and on /api/v1/groups. */
    GroupsEndpoint groups() {
        return groups;
    }

    /** The recent samples and the live clients of the dashboard ({@link DashboardEndpoint}). */
    DashboardFeed dashboard() {
        return dashboard;
    }

    long startWallMillis() {
        return startWallMillis;
    }

    /** The scrape period actually used: the configured one, shortened to keep every counter wrap-safe. */
    public long samplePeriodNanos() {
        return Math.min(config.scrapeInterval().toNanos(), source.maxReadIntervalNanos());
    }

    private void sampleNow() {
        try {
            EnergySnapshot now = sampler.sample();
            long wallMillis = System.currentTimeMillis();
            EnergyInterval interval = now.minus(previous);
            previous = now;
            List<Domain> domains = now.domains();
            AgentState old = state.get();
            CarbonSettings carbon = config.carbon();
            boolean newCurrency = !carbon.currency().equals(old.currency());
            List<DomainReading> readings = new ArrayList<>(domains.size());
            for (int i = 0; i < domains.size(); i++) {
                DomainReading before = old.domains().get(i);
                double totalJoules = now.totalMicrojoules(i) / 1e6;
                double intervalJoules = interval.microjoules(i) / 1e6;
                // Each interval at the settings in force then, so a reload never rewrites what was counted; a new
                // currency restarts the cost from the whole energy, since amounts in two currencies do not add.
                readings.add(new DomainReading(domains.get(i), totalJoules, interval.powerWatts(i),
                        before.co2eGrams() + carbon.gramsCo2e(intervalJoules),
                        newCurrency ? carbon.cost(totalJoules) : before.cost() + carbon.cost(intervalJoules)));
            }
            long taken = samplesTaken.incrementAndGet();
            AgentState next = new AgentState(old.source(), old.estimated(), old.method(), readings, wallMillis, taken,
                    old.consumers(), old.consumersIntervalSeconds(), carbon.currency());
            state.set(next);
            dashboard.publish(next);
            if (!sinks.isEmpty()) {
                addPending(next, interval, wallMillis);
            }
            if (attribution == null && sinks.containsKey(SinkConfig.Kind.SENSOR)) {
                sensorPending.addAll(SensorSink.samples(List.of(
                        HwpcReports.machine(config.hostName(), wallMillis, interval))));
            }
        } catch (RuntimeException e) {
            if (sampleFailures.incrementAndGet() == 1 || LOG.isDebugEnabled()) {
                LOG.warn("ergometer agent: sampling {} failed: {}", source.name(), e.getMessage(), e);
            }
        }
    }

    private void addPending(AgentState now, EnergyInterval interval, long wallMillis) {
        pending.addAll(AgentSamples.energy(now, wallMillis, "source", config.serviceLabel()));
        pending.addAll(AgentSamples.power(now, wallMillis, "source", config.serviceLabel()));
        pending.addAll(AgentSamples.carbon(now, wallMillis, "source", config.serviceLabel()));
        pending.addAll(AgentSamples.cost(now, wallMillis, "source", config.serviceLabel()));
        Map<String, Double> microjoules = new LinkedHashMap<>();
        for (int i = 0; i < interval.domains().size(); i++) {
            microjoules.put(interval.domains().get(i).id(), (double) interval.microjoules(i));
        }
        double startSeconds = (wallMillis - interval.durationNanos() / 1_000_000) / 1e3;
        pending.addAll(PyJoulesSeries.of(new EnergySample(startSeconds, "agent", interval.durationSeconds(),
                microjoules), config.serviceLabel()));
    }

    /** Hands what was gathered since the last push to the sinks: the sensor its HWPC reports, the others the rest. */
    private void pushNow() {
        Batch batch = new Batch(pending);
        pending = new ArrayList<>();
        Batch reports = new Batch(sensorPending);
        sensorPending = new ArrayList<>();
        for (RunningSink running : sinks.values()) {
            Batch forSink = running.config().kind() == SinkConfig.Kind.SENSOR ? reports : batch;
            if (!forSink.isEmpty()) {
                running.queue().offer(forSink);
            }
        }
    }

    private void attributeNow() {
        try {
            AttributedInterval interval = attribution.tick();
            double seconds = interval.durationNanos() / 1e9;
            List<ConsumerPower> consumers = new ArrayList<>();
            List<Domain> domains = interval.domains();
            for (int i = 0; i < domains.size(); i++) {
                String domainId = domains.get(i).id();
                addConsumers(consumers, interval.microjoulesBy(Consumer.Kind.PROCESS, i), domainId, seconds,
                        TOP_CONSUMERS);
                addConsumers(consumers, interval.microjoulesBy(Consumer.Kind.CONTAINER, i), domainId, seconds,
                        Integer.MAX_VALUE);
                addConsumers(consumers, interval.microjoulesBy(Consumer.Kind.POD, i), domainId, seconds,
                        Integer.MAX_VALUE);
            }
            latestAttribution = interval;
            attributionsTaken.incrementAndGet();
            AgentState now = state.updateAndGet(s -> s.withConsumers(consumers, seconds));
            long millis = System.currentTimeMillis();
            if (!sinks.isEmpty()) {
                pending.addAll(AgentSamples.consumerPower(now, millis, "source", config.serviceLabel()));
            }
            if (sinks.containsKey(SinkConfig.Kind.SENSOR)) {
                sensorPending.addAll(SensorSink.samples(HwpcReports.fromInterval(config.hostName(), millis, interval)));
            }
        } catch (RuntimeException e) {
            if (attributionFailures.incrementAndGet() == 1 || LOG.isDebugEnabled()) {
                LOG.warn("ergometer agent: attribution failed: {}", e.getMessage(), e);
            }
        }
    }

    /** Adds the {@code limit} biggest consumers with energy in this domain, the biggest first. */
    private static void addConsumers(List<ConsumerPower> into, Map<Consumer, Long> microjoules, String domainId,
            double seconds, int limit) {
        microjoules.entrySet().stream()
                .filter(e -> e.getValue() > 0)
                .sorted(Map.Entry.<Consumer, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(limit)
                .forEach(e -> into.add(new ConsumerPower(e.getKey().id(), e.getKey().label(),
                        e.getKey().kind().name().toLowerCase(Locale.ROOT), domainId, e.getValue() / 1e6,
                        seconds == 0 ? 0 : e.getValue() / 1e6 / seconds)));
    }

    /** Blocks until {@link #close()} has finished (for the foreground {@code erg agent}). */
    public void awaitStop() throws InterruptedException {
        synchronized (stopped) {
            while (!closed) {
                stopped.wait();
            }
        }
    }

    /**
     * Stops sampling, takes a last sample, pushes what is pending, flushes every sink queue until the flush timeout
     * (all queues at once), then stops HTTP. The energy source stays open.
     */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            try {
                awaitStop();   // another thread (a signal, the shutdown hook) is closing: wait for its flush
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return;
        }
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
        sampleNow();
        pushNow();
        List<Thread> flushes = new ArrayList<>();
        sinks.values().forEach(running -> flushes.add(Thread.ofPlatform()
                .name("ergometer-flush-" + running.config().name()).start(running.queue()::close)));
        for (Thread flush : flushes) {
            try {
                flush.join(config.flushTimeout().plusSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        sinks.values().forEach(running -> LOG.info("ergometer agent: sink {} flushed: {}", running.config().name(),
                running.queue().counts()));
        dashboard.close();   // ends every event stream, so stopping HTTP does not wait for them
        http.stop();
        groups.close();
        if (runs != null) {
            runs.close();
        }
        if (attribution != null) {
            attribution.close();
        }
        sampler.close();
        synchronized (stopped) {
            closed = true;
            stopped.notifyAll();
        }
    }
}
