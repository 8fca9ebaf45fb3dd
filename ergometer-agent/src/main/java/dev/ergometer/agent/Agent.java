package dev.ergometer.agent;

import dev.ergometer.agent.AgentState.ConsumerPower;
import dev.ergometer.agent.AgentState.DomainReading;
import dev.ergometer.attribution.AttributedInterval;
import dev.ergometer.attribution.AttributionSampler;
import dev.ergometer.attribution.Consumer;
import dev.ergometer.meter.EnergySample;
import dev.ergometer.model.Domain;
import dev.ergometer.prometheus.PyJoulesSeries;
import dev.ergometer.prometheus.RemoteWriteSink;
import dev.ergometer.sampler.EnergyInterval;
import dev.ergometer.sampler.EnergySnapshot;
import dev.ergometer.sampler.Sampler;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.sink.Backoff;
import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sample;
import dev.ergometer.sink.SinkQueue;
import dev.ergometer.sink.SinkQueueCounts;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
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

    /** The metric of the cumulative energy counters, as pushed and as /metrics shows them. */
    static final String ENERGY_METRIC = "ergometer_energy_joules_total";

    private static final Logger LOG = LoggerFactory.getLogger(Agent.class);

    private final AgentConfig config;
    private final EnergySource source;
    private final Sampler sampler;
    private final AttributionSampler attribution;
    private final Map<String, SinkQueue> queues = new LinkedHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final AgentHttp http;
    private final GroupsEndpoint groups;
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

    // Touched only by the scheduler thread (and by close() once the scheduler has stopped).
    private EnergySnapshot previous;
    private List<Sample> pending = new ArrayList<>();

    private Agent(AgentConfig config, EnergySource source, SystemPaths paths) throws IOException {
        this.config = Objects.requireNonNull(config, "config");
        this.source = Objects.requireNonNull(source, "source");
        AgentLogging.apply(config.logLevel());
        this.sampler = new Sampler(source, Ticker.system(), config.scrapeInterval().toNanos());
        this.attribution = config.attribution() ? AttributionSampler.processes(sampler, paths) : null;
        this.previous = sampler.sample();
        List<DomainReading> zero = new ArrayList<>();
        for (Domain domain : sampler.domains()) {
            zero.add(new DomainReading(domain, 0, 0));
        }
        this.state = new AtomicReference<>(new AgentState(source.name(), source.estimated(), source.method(), zero,
                0, 0, List.of(), 0));
        config.remoteWriteUrl().ifPresent(url -> queues.put("remote-write", SinkQueue.start("remote-write",
                RemoteWriteSink.to(url), config.maxRetryBatches(), Backoff.prometheusDefault(),
                config.flushTimeout())));
        this.scheduler = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("ergometer-agent-scheduler").daemon().factory());
        this.groups = GroupsEndpoint.start(config, sampler, paths);
        AgentHttp server;
        try {
            server = AgentHttp.start(this, config.httpBind(), config.httpPort());
        } catch (RuntimeException e) {
            groups.close();
            scheduler.shutdownNow();
            queues.values().forEach(SinkQueue::close);
            throw e;
        }
        this.http = server;
    }

    /**
     * Starts sampling, attribution (when configured), the sink queues and HTTP; the source stays the caller's to
     * close after the agent.
     *
     * @throws IOException when attribution is on and /proc cannot be read
     */
    public static Agent start(AgentConfig config, EnergySource source, SystemPaths paths) throws IOException {
        Agent agent = new Agent(config, source, paths);
        agent.schedule();
        LOG.info("ergometer agent: source {} ({} domains), sampling every {} ms, HTTP on {}:{}{}", source.name(),
                agent.sampler.domains().size(), agent.sampler.periodNanos() / 1_000_000.0, config.httpBind(),
                agent.httpPort(), config.remoteWriteUrl().map(u -> ", pushing to " + u).orElse(""));
        return agent;
    }

    private void schedule() {
        long periodNanos = sampler.periodNanos();
        scheduler.scheduleAtFixedRate(this::sampleNow, periodNanos, periodNanos, TimeUnit.NANOSECONDS);
        if (attribution != null) {
            long attributionNanos = config.attributionInterval().toNanos();
            scheduler.scheduleAtFixedRate(this::attributeNow, attributionNanos, attributionNanos,
                    TimeUnit.NANOSECONDS);
        }
        if (!queues.isEmpty()) {
            long pushNanos = config.pushInterval().toNanos();
            scheduler.scheduleAtFixedRate(this::pushNow, pushNanos, pushNanos, TimeUnit.NANOSECONDS);
        }
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
        queues.forEach((name, queue) -> counts.put(name, queue.counts()));
        return counts;
    }

    /** Seconds since the agent started. */
    public double uptimeSeconds() {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    /** The process groups served on the agent's socket and on /api/v1/groups. */
    GroupsEndpoint groups() {
        return groups;
    }

    long startWallMillis() {
        return startWallMillis;
    }

    /** The scrape period actually used: the configured one, shortened to keep every counter wrap-safe. */
    public long samplePeriodNanos() {
        return sampler.periodNanos();
    }

    private void sampleNow() {
        try {
            EnergySnapshot now = sampler.sample();
            long wallMillis = System.currentTimeMillis();
            EnergyInterval interval = now.minus(previous);
            previous = now;
            List<Domain> domains = now.domains();
            List<DomainReading> readings = new ArrayList<>(domains.size());
            for (int i = 0; i < domains.size(); i++) {
                readings.add(new DomainReading(domains.get(i), now.totalMicrojoules(i) / 1e6,
                        interval.powerWatts(i)));
            }
            long taken = samplesTaken.incrementAndGet();
            AgentState old = state.get();
            state.set(new AgentState(old.source(), old.estimated(), old.method(), readings, wallMillis, taken,
                    old.consumers(), old.consumersIntervalSeconds()));
            if (!queues.isEmpty()) {
                addPending(now, interval, readings, wallMillis);
            }
        } catch (RuntimeException e) {
            if (sampleFailures.incrementAndGet() == 1 || LOG.isDebugEnabled()) {
                LOG.warn("ergometer agent: sampling {} failed: {}", source.name(), e.getMessage(), e);
            }
        }
    }

    private void addPending(EnergySnapshot now, EnergyInterval interval, List<DomainReading> readings,
            long wallMillis) {
        for (DomainReading reading : readings) {
            String socket = reading.socket().isPresent() ? Integer.toString(reading.socket().getAsInt()) : "";
            pending.add(Sample.of(ENERGY_METRIC, reading.energyJoules(), wallMillis,
                    "domain", reading.domain().id(), "socket", socket, "source", config.serviceLabel()));
        }
        Map<String, Double> microjoules = new LinkedHashMap<>();
        for (int i = 0; i < now.domains().size(); i++) {
            microjoules.put(now.domains().get(i).id(), (double) interval.microjoules(i));
        }
        double startSeconds = (wallMillis - interval.durationNanos() / 1_000_000) / 1e3;
        pending.addAll(PyJoulesSeries.of(new EnergySample(startSeconds, "agent", interval.durationSeconds(),
                microjoules), config.serviceLabel()));
    }

    private void pushNow() {
        if (pending.isEmpty()) {
            return;
        }
        Batch batch = new Batch(pending);
        pending = new ArrayList<>();
        for (SinkQueue queue : queues.values()) {
            queue.offer(batch);
        }
    }

    private void attributeNow() {
        try {
            AttributedInterval interval = attribution.tick();
            double seconds = interval.durationNanos() / 1e9;
            List<ConsumerPower> top = new ArrayList<>();
            List<Domain> domains = interval.domains();
            for (int i = 0; i < domains.size(); i++) {
                String domainId = domains.get(i).id();
                interval.microjoulesBy(Consumer.Kind.PROCESS, i).entrySet().stream()
                        .filter(e -> e.getValue() > 0)
                        .sorted(Map.Entry.<Consumer, Long>comparingByValue(Comparator.reverseOrder()))
                        .limit(TOP_CONSUMERS)
                        .forEach(e -> top.add(new ConsumerPower(e.getKey().id(), e.getKey().label(),
                                e.getKey().kind().name().toLowerCase(Locale.ROOT), domainId, e.getValue() / 1e6,
                                seconds == 0 ? 0 : e.getValue() / 1e6 / seconds)));
            }
            attributionsTaken.incrementAndGet();
            state.updateAndGet(s -> s.withConsumers(top, seconds));
        } catch (RuntimeException e) {
            if (attributionFailures.incrementAndGet() == 1 || LOG.isDebugEnabled()) {
                LOG.warn("ergometer agent: attribution failed: {}", e.getMessage(), e);
            }
        }
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
        queues.forEach((name, queue) -> flushes.add(Thread.ofPlatform().name("ergometer-flush-" + name)
                .start(queue::close)));
        for (Thread flush : flushes) {
            try {
                flush.join(config.flushTimeout().plusSeconds(2));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        queues.forEach((name, queue) -> LOG.info("ergometer agent: sink {} flushed: {}", name, queue.counts()));
        http.stop();
        groups.close();
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
