package dev.ergometer.profiler;

import dev.ergometer.sampler.Sampler;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.EnergySources;
import dev.ergometer.source.SourceFactory;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.model.ModelSource;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The profiler inside one JVM: every interval it measures the machine's energy, the JVM's and each thread's CPU time
 * ({@link JvmEnergyMeter}), while JFR streams method samples into {@link SampleBins}; once an interval's samples are
 * in, {@link ProfileAccumulator} charges each thread's energy to the stacks it was sampled in, the energy over time
 * is appended to the timeline files, and every few seconds (and at the end) the reports are rewritten.
 *
 * <p>Threads: {@code erg-profiler} (the ticker), {@code erg-profiler-jfr} (the JFR stream), {@code ergometer-sampler}
 * (the energy counters); all daemons, all charged to {@code [profiler]} in the reports.
 */
final class JvmProfiler {

    /** How long after JFR's last flush an interval's samples are taken as complete. */
    static final long SAMPLE_LAG_NANOS = 2_000_000_000L;
    /**
     * The longest time between two reads of the threads' CPU times. A thread that ends takes the CPU time it used
     * since the last read with it; that part is shared among its samples ({@link ProfileAccumulator}), so one read
     * a second is enough, and each read costs about a system call per thread.
     */
    static final long POLL_NANOS = 1_000_000_000L;
    private static final Duration STREAM_END_TIMEOUT = Duration.ofSeconds(10);

    private final ProfileSettings settings;
    private final Path folder;
    private final EnergySource source;
    private final Sampler sampler;
    private final JvmEnergyMeter meter;
    private final SampleBins bins;
    private final ProfileAccumulator accumulator;
    private final JfrSampling sampling;
    private final TimelineFiles timeline;
    private final Profile.Info info;
    private final PrintStream log;
    private final Thread ticker;
    private final AtomicLong lost;
    private volatile boolean running = true;
    private volatile long flushedEpochNanos;
    private long nextReportNanos;
    private boolean failed;
    private boolean stopped;
    private String summary = "";

    private JvmProfiler(ProfileSettings settings, Path folder, EnergySource source, Sampler sampler,
            JvmEnergyMeter meter, SampleBins bins, ProfileAccumulator accumulator, JfrSampling sampling,
            TimelineFiles timeline, Profile.Info info, AtomicLong lost, PrintStream log) {
        this.settings = settings;
        this.folder = folder;
        this.source = source;
        this.sampler = sampler;
        this.meter = meter;
        this.bins = bins;
        this.accumulator = accumulator;
        this.sampling = sampling;
        this.timeline = timeline;
        this.info = info;
        this.lost = lost;
        this.log = log;
        this.nextReportNanos = System.nanoTime() + settings.reportEveryNanos();
        this.ticker = Thread.ofPlatform().daemon().name("erg-profiler").unstarted(this::loop);
    }

    /**
     * Starts profiling this JVM.
     *
     * @throws SourceUnavailableException when no energy source can be used, with each source's reason and fix
     * @throws IOException when the output folder or a procfs file cannot be opened
     */
    static JvmProfiler start(ProfileSettings settings, PrintStream log) throws SourceUnavailableException,
            IOException {
        long pid = ProcessHandle.current().pid();
        Path folder = OutputFolder.claim(settings.outputDirectory(), pid);
        // the source opens on a thread of its own while JFR starts here: each takes a few hundred ms
        FutureTask<EnergySources.Selection> opening = new FutureTask<>(() -> settings.source() == null
                ? EnergySources.openBest(factories(settings), settings.paths(), Ticker.system())
                : EnergySources.open(factories(settings), settings.source(), settings.paths(), Ticker.system()));
        Thread.ofPlatform().daemon().name("erg-profiler-source").start(opening);
        StackTable stacks = new StackTable();
        SampleBins bins = new SampleBins();
        AtomicLong lost = new AtomicLong();
        JvmProfiler[] self = new JvmProfiler[1];
        JfrSampling sampling;
        try {
            sampling = JfrSampling.start(settings.sampler(), settings.samplingPeriodNanos(), stacks, listener(bins,
                    lost, self));
        } catch (RuntimeException e) {
            closeWhenOpen(opening);
            throw e;
        }
        EnergySource source;
        try {
            source = opened(opening).source();
        } catch (SourceUnavailableException | RuntimeException e) {
            sampling.close();
            throw e;
        }
        List<AutoCloseable> opened = new ArrayList<>(List.of(source, sampling));
        try {
            Sampler sampler = new Sampler(source, Ticker.system(),
                    Math.min(settings.intervalNanos(), Sampler.DEFAULT_INTERVAL_NANOS)).start();
            opened.addFirst(sampler);
            DomainChoice domains = DomainChoice.of(sampler.domains(), settings.domains());
            JvmEnergyMeter meter = JvmEnergyMeter.open(sampler, domains, settings.paths(), pid);
            opened.addFirst(meter);
            bins.open(meter.startEpochNanos());
            ApplicationFilter filter = settings.packages().isEmpty() ? null
                    : new ApplicationFilter(settings.packages());
            ProfileAccumulator accumulator = new ProfileAccumulator(stacks, filter, meter.startEpochNanos());
            Profile.Info info = new Profile.Info(pid, commandLine(),
                    source.name(), source.method(), source.estimated(), domains.label(), sampling.used(),
                    settings.samplingPeriodNanos(), settings.intervalNanos(), settings.packages(),
                    Instant.ofEpochSecond(0, meter.startEpochNanos()), meter.threadNanosecondResolution());
            TimelineFiles timeline = settings.formats().contains(ReportFormat.CSV)
                    ? TimelineFiles.create(folder, source.estimated()) : null;
            JvmProfiler profiler = new JvmProfiler(settings, folder, source, sampler, meter, bins, accumulator,
                    sampling, timeline, info, lost, log);
            self[0] = profiler;
            profiler.ticker.start();
            log.println("ergometer: profiling JVM " + pid + " with the " + sampling.used().id() + " sampler (every "
                    + settings.samplingPeriodNanos() / 1_000_000 + " ms); " + info.kindOfEnergy() + " energy of "
                    + domains.label() + " from the " + source.name() + " source; reports in " + folder);
            return profiler;
        } catch (IOException | RuntimeException e) {
            closeAll(opened);
            throw e;
        }
    }

    private static JfrSampling.Listener listener(SampleBins bins, AtomicLong lost, JvmProfiler[] self) {
        return new JfrSampling.Listener() {
            @Override
            public void sample(long epochNanos, int tid, String javaThreadName, int stackId) {
                bins.add(epochNanos, tid, javaThreadName, stackId);
            }

            @Override
            public void lost(int count) {
                lost.addAndGet(count);
            }

            @Override
            public void flushed(long epochNanos) {
                JvmProfiler profiler = self[0];
                if (profiler != null) {
                    profiler.flushedEpochNanos = epochNanos;
                }
            }
        };
    }

    /** The opened source, or the reason it could not be opened. */
    private static EnergySources.Selection opened(FutureTask<EnergySources.Selection> opening)
            throws SourceUnavailableException {
        try {
            return opening.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while opening the energy source", e);
        } catch (ExecutionException e) {
            switch (e.getCause()) {
                case SourceUnavailableException unavailable -> throw unavailable;
                case RuntimeException runtime -> throw runtime;
                case Error error -> throw error;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
    }

    private static void closeWhenOpen(FutureTask<EnergySources.Selection> opening) {
        try {
            opened(opening).source().close();
        } catch (SourceUnavailableException | RuntimeException ignored) {
            // nothing was opened
        }
    }

    /** This JVM's command line without the options {@code erg profile} added, for the reports. */
    static String commandLine() {
        ProcessHandle.Info process = ProcessHandle.current().info();
        List<String> parts = new ArrayList<>();
        process.command().ifPresent(parts::add);
        boolean afterAgent = false;
        for (String argument : process.arguments().orElse(new String[0])) {
            boolean agent = argument.startsWith("-javaagent:") && (argument.contains("ergometer-profiler")
                    || argument.contains("erg-profiler-agent"));
            // erg profile adds --enable-native-access=ALL-UNNAMED right after its -javaagent
            if (!agent && !(afterAgent && argument.equals("--enable-native-access=ALL-UNNAMED"))) {
                parts.add(argument);
            }
            afterAgent = agent;
        }
        return parts.isEmpty() ? "java" : String.join(" ", parts);
    }

    /** The sources, best first, with the model's coefficients from the settings when given. */
    private static List<SourceFactory> factories(ProfileSettings settings) {
        if (settings.modelIdleWatts() == null && settings.modelDramWattsPerGib() == null) {
            return EnergySources.all();
        }
        SourceFactory model;
        if (settings.modelIdleWatts() == null) {
            throw new IllegalArgumentException("the model's DRAM watts per GiB need its idle and max watts too");
        }
        model = ModelSource.factory(new ModelSource.Coefficients(settings.modelIdleWatts(), settings.modelMaxWatts(),
                settings.modelDramWattsPerGib() == null ? ModelSource.Coefficients.CCF_DRAM_WATTS_PER_GIB
                        : settings.modelDramWattsPerGib(), "user-supplied"));
        return EnergySources.all().stream().map(f -> f.name().equals(model.name()) ? model : f).toList();
    }

    /** The folder the reports go to. */
    Path folder() {
        return folder;
    }

    /**
     * Ticks every interval and, for intervals longer than {@link #POLL_NANOS}, polls the threads' CPU times between
     * ticks, so that a thread that ends takes at most that much of its CPU time with it.
     */
    private void loop() {
        long interval = settings.intervalNanos();
        long polls = Math.max(1, (interval + POLL_NANOS - 1) / POLL_NANOS);
        long period = interval / polls;
        long next = System.nanoTime() + period;
        long poll = 0;
        while (running) {
            LockSupport.parkNanos(next - System.nanoTime());
            long now = System.nanoTime();
            if (!running) {
                return;
            }
            if (now - next < 0) {
                continue;
            }
            if (++poll % polls == 0) {
                tick();
            } else {
                pollThreads();
            }
            next += period;
            if (next - now < 0) {
                next = now + period;
            }
        }
    }

    private synchronized void pollThreads() {
        if (failed || stopped) {
            return;
        }
        try {
            meter.pollThreads();
        } catch (RuntimeException e) {
            failed = true;
            running = false;
            log.println("ergometer: profiling stopped: " + e.getMessage()
                    + "; the reports keep what was measured until then");
        }
    }

    private synchronized void tick() {
        if (failed || stopped) {
            return;
        }
        try {
            bins.close(meter.measure());
            drain(bins.takeReady(flushedEpochNanos - SAMPLE_LAG_NANOS));
            if (settings.reportEveryNanos() > 0 && System.nanoTime() - nextReportNanos >= 0) {
                nextReportNanos += settings.reportEveryNanos();
                writeReports();
            }
        } catch (IOException | RuntimeException e) {
            failed = true;
            running = false;
            log.println("ergometer: profiling stopped: " + e.getMessage()
                    + "; the reports keep what was measured until then");
        }
    }

    private void drain(List<SampleBins.Bin> ready) throws IOException {
        for (SampleBins.Bin bin : ready) {
            ProfileAccumulator.Added added = accumulator.add(bin);
            if (timeline != null) {
                timeline.append(added.point(), added.methodMicrojoules());
            }
        }
    }

    private void writeReports() throws IOException {
        Profile profile = accumulator.snapshot(info, lost.get(), bins.late(), bins.beforeStart());
        summary = Reports.write(folder, settings.formats(), profile);
    }

    /**
     * Ends profiling: measures the last interval, waits for JFR's last samples, writes the reports and closes
     * everything. Runs once; later calls return the same summary.
     *
     * @param atShutdown true from the JVM's shutdown hook (JFR's own hook then stops the recording)
     * @return the summary text
     */
    String stop(boolean atShutdown) {
        synchronized (this) {
            if (stopped) {
                return summary;
            }
        }
        running = false;
        LockSupport.unpark(ticker);
        try {
            ticker.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            tick();
            stopped = true;
        }
        boolean complete = sampling.stop(atShutdown, STREAM_END_TIMEOUT);
        synchronized (this) {
            try {
                drain(bins.takeAll());
                writeReports();
                if (!complete) {
                    log.println("ergometer: JFR's stream did not end within " + STREAM_END_TIMEOUT.toSeconds()
                            + " s; the samples of the last moments may be missing");
                }
                log.println("ergometer: profile of JVM " + info.pid() + " written to " + folder);
            } catch (IOException | RuntimeException e) {
                log.println("ergometer: cannot write the profile: " + e.getMessage());
            } finally {
                List<AutoCloseable> all = new ArrayList<>();
                if (timeline != null) {
                    all.add(timeline);
                }
                all.addAll(List.of(meter, sampler, source));
                if (!atShutdown) {
                    all.add(sampling);
                }
                closeAll(all);
            }
            return summary;
        }
    }

    private static void closeAll(List<AutoCloseable> resources) {
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception ignored) {
                // closing what could be closed; the first failure was reported
            }
        }
    }
}
