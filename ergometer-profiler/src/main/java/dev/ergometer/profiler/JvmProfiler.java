package dev.ergometer.profiler;

import dev.ergometer.sampler.Sampler;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.EnergySources;
import dev.ergometer.source.SourceUnavailableException;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The profiler of one JVM: every interval it measures the machine's energy, the JVM's and each thread's CPU time
 * ({@link JvmEnergyMeter}), while JFR's method samples stream into {@link SampleBins}; once an interval's samples are
 * in, {@link ProfileAccumulator} charges each thread's energy to the stacks it was sampled in, the energy over time
 * is appended to the timeline files, and every few seconds (and at the end) the reports are rewritten.
 *
 * <p>It runs either in the profiled JVM itself ({@link #start}, the {@code -javaagent} form) or in {@code erg
 * profile}'s process ({@link #watch}), reading the JVM's JFR repository and its procfs files from outside and ending
 * when that JVM exits: the program then pays only for JFR's sampling.
 *
 * <p>Threads: {@code erg-profiler} (the ticker), {@code erg-profiler-jfr} (the JFR stream), {@code ergometer-sampler}
 * (the energy counters); all daemons. In process they are charged to {@code [profiler]} in the reports.
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
    /**
     * How often the JVM's own CPU time is read (one {@code pread}) when it is another process: when it exits, the CPU
     * time it used after the last read is not known, so this bounds what its last interval misses.
     */
    static final long PROCESS_POLL_NANOS = 50_000_000L;
    private static final Duration STREAM_END_TIMEOUT = Duration.ofSeconds(10);

    private final ProfileSettings settings;
    private final Path folder;
    private final List<AutoCloseable> owned;
    private final JvmEnergyMeter meter;
    private final SampleBins bins;
    private final ProfileAccumulator accumulator;
    private final JfrSampling sampling;
    private final TimelineFiles timeline;
    private final Profile.Info info;
    private final PrintWriter log;
    private final Thread ticker;
    private final AtomicLong lost;
    private final boolean inProcess;
    private final Instant jvmStart;
    private final CompletableFuture<String> finished = new CompletableFuture<>();
    private final AtomicBoolean stopping = new AtomicBoolean();
    private volatile boolean running = true;
    private volatile long flushedEpochNanos;
    private long nextReportNanos;
    private boolean failed;
    private boolean stopped;
    private String summary = "";

    private JvmProfiler(ProfileSettings settings, Path folder, List<AutoCloseable> owned, JvmEnergyMeter meter,
            SampleBins bins, ProfileAccumulator accumulator, JfrSampling sampling, TimelineFiles timeline,
            Profile.Info info, AtomicLong lost, boolean inProcess, Instant jvmStart, PrintWriter log) {
        this.settings = settings;
        this.folder = folder;
        this.owned = owned;
        this.meter = meter;
        this.bins = bins;
        this.accumulator = accumulator;
        this.sampling = sampling;
        this.timeline = timeline;
        this.info = info;
        this.lost = lost;
        this.inProcess = inProcess;
        this.jvmStart = jvmStart;
        this.log = log;
        this.nextReportNanos = System.nanoTime() + settings.reportEveryNanos();
        this.ticker = Thread.ofPlatform().daemon().name("erg-profiler").unstarted(this::loop);
    }

    /**
     * Starts profiling this JVM, in process.
     *
     * @throws SourceUnavailableException when no energy source can be used, with each source's reason and fix
     * @throws IOException when the output folder or a procfs file cannot be opened
     */
    static JvmProfiler start(ProfileSettings settings, PrintWriter log) throws SourceUnavailableException,
            IOException {
        long pid = ProcessHandle.current().pid();
        Path folder = OutputFolder.claim(settings.outputDirectory(), pid);
        // the source opens on a thread of its own while JFR starts here: each takes a few hundred ms
        FutureTask<EnergySources.Selection> opening = new FutureTask<>(() -> ProfileSources.open(settings));
        Thread.ofPlatform().daemon().name("erg-profiler-source").start(opening);
        Parts parts = new Parts();
        JfrSampling sampling;
        try {
            sampling = JfrSampling.start(settings.sampler(), settings.samplingPeriodNanos(), parts.stacks,
                    parts.listener());
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
        List<AutoCloseable> owned = new ArrayList<>(List.of(source));
        try {
            Sampler sampler = ProfileSources.sampler(source, settings);
            owned.addFirst(sampler);
        } catch (RuntimeException e) {
            sampling.close();
            closeAll(owned);
            throw e;
        }
        return create(settings, folder, pid, ProcessHandle.current().info(), source, (Sampler) owned.getFirst(), owned,
                sampling, parts, true, log);
    }

    /**
     * Starts profiling the JVM {@code pid} from outside: its samples from the JFR repository {@code repository}
     * (where its {@link JfrRecorder} writes), its CPU times from procfs, the energy from {@code sampler} (shared with
     * the profilers of other JVMs; not closed here). It ends by itself when that JVM exits ({@link #finished()}).
     *
     * @throws IOException when the output folder, the repository or a procfs file cannot be opened
     */
    static JvmProfiler watch(long pid, Path repository, EnergySource source, Sampler sampler,
            ProfileSettings settings, PrintWriter log) throws IOException {
        Path folder = OutputFolder.claim(settings.outputDirectory(), pid);
        Parts parts = new Parts();
        JfrSampling sampling = JfrSampling.fromRepository(repository, parts.stacks, parts.listener());
        // a JVM that is exiting has released its memory: the kernel shows no command line for it any more
        ProcessHandle.Info jvm = ProcessHandle.of(pid).map(ProcessHandle::info).orElse(null);
        if (jvm == null || jvm.command().isEmpty()) {
            sampling.close();
            throw new IOException(endedBeforeReading(pid));
        }
        return create(settings, folder, pid, jvm, source, sampler, List.of(), sampling, parts, false, log);
    }

    /** What the JFR stream fills before the profiler exists: stacks, sample bins, lost samples, the flush time. */
    private static final class Parts {
        final StackTable stacks = new StackTable();
        final SampleBins bins = new SampleBins();
        final AtomicLong lost = new AtomicLong();
        final JvmProfiler[] self = new JvmProfiler[1];

        JfrSampling.Listener listener() {
            return JvmProfiler.listener(bins, lost, self);
        }
    }

    private static JvmProfiler create(ProfileSettings settings, Path folder, long pid, ProcessHandle.Info jvm,
            EnergySource source, Sampler sampler, List<AutoCloseable> owned, JfrSampling sampling, Parts parts,
            boolean inProcess, PrintWriter log) throws IOException {
        JvmEnergyMeter meter = null;
        TimelineFiles timeline = null;
        try {
            DomainChoice domains = DomainChoice.of(sampler.domains(), settings.domains());
            meter = JvmEnergyMeter.open(sampler, domains, settings.paths(), pid);
            if (!inProcess && !meter.pollProcess()) {
                throw new IOException(endedBeforeReading(pid));
            }
            parts.bins.open(meter.startEpochNanos());
            ApplicationFilter filter = settings.packages().isEmpty() ? null
                    : new ApplicationFilter(settings.packages());
            ProfileAccumulator accumulator = new ProfileAccumulator(parts.stacks, filter, meter.startEpochNanos());
            SamplerChoice expected = sampling.used() != null ? sampling.used() : JfrRecorder.resolve(settings.sampler());
            Profile.Info info = new Profile.Info(pid, commandLine(jvm), source.name(), source.method(),
                    source.estimated(), domains.label(), expected, settings.samplingPeriodNanos(),
                    settings.intervalNanos(), settings.packages(), Instant.ofEpochSecond(0, meter.startEpochNanos()),
                    meter.threadNanosecondResolution());
            timeline = settings.formats().contains(ReportFormat.CSV)
                    ? TimelineFiles.create(folder, source.estimated()) : null;
            JvmProfiler profiler = new JvmProfiler(settings, folder, owned, meter, parts.bins, accumulator,
                    sampling, timeline, info, parts.lost, inProcess, inProcess ? null : jvm.startInstant().orElse(null),
                    log);
            parts.self[0] = profiler;
            profiler.ticker.start();
            log.println("ergometer: profiling JVM " + pid + " with the " + expected.id() + " sampler (every "
                    + settings.samplingPeriodNanos() / 1_000_000 + " ms); " + info.kindOfEnergy() + " energy of "
                    + domains.label() + " from the " + source.name() + " source; reports in " + folder);
            return profiler;
        } catch (IOException | RuntimeException e) {
            List<AutoCloseable> opened = new ArrayList<>();
            if (timeline != null) {
                opened.add(timeline);
            }
            if (meter != null) {
                opened.add(meter);
            }
            opened.add(sampling);
            opened.addAll(owned);
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

    /** Why a JVM that exited before {@code erg profile} found it has no profile, and the fix. */
    static String endedBeforeReading(long pid) {
        return "JVM " + pid + " ended before erg profile could read its CPU time (JFR's recording started too close to"
                + " its end). Fix: profile it with --from-start";
    }

    /** A JVM's command line without the options {@code erg profile} added, for the reports. */
    static String commandLine(ProcessHandle.Info info) {
        List<String> parts = new ArrayList<>();
        info.command().ifPresent(parts::add);
        boolean afterAgent = false;
        for (String argument : info.arguments().orElse(new String[0])) {
            boolean agent = argument.startsWith("-javaagent:") && (argument.contains("ergometer-profiler")
                    || argument.contains("erg-profiler-agent"));
            boolean added = agent || argument.startsWith("-XX:FlightRecorderOptions:repository=")
                    // erg profile adds --enable-native-access=ALL-UNNAMED right after its -javaagent
                    || afterAgent && argument.equals("--enable-native-access=ALL-UNNAMED");
            if (!added) {
                parts.add(argument);
            }
            afterAgent = agent;
        }
        return parts.isEmpty() ? "java" : String.join(" ", parts);
    }

    /** The folder the reports go to. */
    Path folder() {
        return folder;
    }

    /** The profiled JVM's pid. */
    long pid() {
        return info.pid();
    }

    /** True while the profiled JVM runs. */
    boolean jvmAlive() {
        return ProcessHandle.of(info.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    /**
     * The summary, once the profile is complete: when the JVM profiled from outside has exited and its last samples
     * are in, or when {@link #stop} ends it.
     */
    CompletableFuture<String> finished() {
        return finished;
    }

    /**
     * Reads the JVM's CPU time every {@link #PROCESS_POLL_NANOS} when it is another process (in process, there is
     * no need), the threads' CPU times every {@link #POLL_NANOS} and ticks every interval; from outside, it ends the
     * profile when the JVM exits.
     */
    private void loop() {
        long now = System.nanoTime();
        long wake = inProcess ? Math.min(POLL_NANOS, settings.intervalNanos()) : PROCESS_POLL_NANOS;
        long nextPoll = now + POLL_NANOS;
        long nextTick = now + settings.intervalNanos();
        while (running) {
            LockSupport.parkNanos(Math.min(wake, Math.min(nextPoll, nextTick) - System.nanoTime()));
            if (!running) {
                return;
            }
            now = System.nanoTime();
            if (!inProcess && !pollProcess()) {
                finish();
                return;
            }
            if (now - nextTick >= 0) {
                tick();
                nextTick += settings.intervalNanos();
                if (nextTick - now < 0) {
                    nextTick = now + settings.intervalNanos();
                }
                nextPoll = now + POLL_NANOS;
            } else if (now - nextPoll >= 0) {
                pollThreads();
                nextPoll = now + POLL_NANOS;
            }
        }
        if (!inProcess && failed) {
            finish(); // the reports keep what was measured until the failure
        }
    }

    /** From outside: reads the JVM's CPU time; false once it has exited. */
    private synchronized boolean pollProcess() {
        return failed || stopped || meter.pollProcess();
    }

    /** From outside, once the JVM has exited: the last interval, its last samples, the reports. */
    private void finish() {
        String text = stop(false);
        finished.complete(text);
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
        SamplerChoice used = sampling.used();
        Profile.Info current = used == null || used == info.sampler() ? info : new Profile.Info(info.pid(),
                info.command(), info.source(), info.sourceMethod(), info.estimated(), info.domains(), used,
                info.samplingPeriodNanos(), info.intervalNanos(), info.packages(), info.start(),
                info.threadNanoseconds());
        Profile profile = accumulator.snapshot(current, lost.get(), bins.late(), bins.beforeStart());
        summary = Reports.write(folder, settings.formats(), profile);
    }

    /**
     * Ends profiling: measures the last interval, waits for JFR's last samples, writes the reports and closes
     * everything. Runs once; a call while another thread runs it waits for it, and later calls return the same
     * summary.
     *
     * @param atShutdown true from the JVM's shutdown hook in process (JFR's own hook then stops the recording)
     * @return the summary text
     */
    String stop(boolean atShutdown) {
        if (!stopping.compareAndSet(false, true)) {
            // another thread is ending it (the ticker when the JVM exits, the launcher when the command ends)
            if (Thread.currentThread() == ticker) {
                return summary;
            }
            try {
                return finished.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return summary;
            } catch (ExecutionException e) {
                return summary;
            }
        }
        running = false;
        if (Thread.currentThread() != ticker) {
            LockSupport.unpark(ticker);
            try {
                ticker.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
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
                    log.println(inProcess ? "ergometer: JFR's stream did not end within "
                            + STREAM_END_TIMEOUT.toSeconds() + " s; the samples of the last moments may be missing"
                            : "ergometer: JVM " + info.pid() + " ended without JFR's final chunk (killed with"
                                    + " SIGKILL?); the profile has its samples up to JFR's last flush, about a second"
                                    + " before the end");
                }
                log.println("ergometer: profile of JVM " + info.pid() + " written to " + folder);
                warnWhenLate();
            } catch (IOException | RuntimeException e) {
                log.println("ergometer: cannot write the profile: " + e.getMessage());
            } finally {
                List<AutoCloseable> all = new ArrayList<>();
                if (timeline != null) {
                    all.add(timeline);
                }
                all.add(meter);
                all.addAll(owned);
                if (!(inProcess && atShutdown)) {
                    all.add(sampling);
                }
                closeAll(all);
            }
            finished.complete(summary);
            return summary;
        }
    }

    /**
     * From outside: says so when the profile misses more than half of the JVM's run (JFR's recording starts alongside
     * the program, so a program of a second or so is mostly over by then).
     */
    private void warnWhenLate() {
        if (jvmStart == null || settings.fromStart()) {
            return; // from the start, JFR starts before main: what came before it is the JVM's own start-up
        }
        long missedNanos = meter.startEpochNanos() - JvmEnergyMeter.epochNanos(jvmStart);
        long runNanos = JvmEnergyMeter.epochNanos(Instant.now()) - JvmEnergyMeter.epochNanos(jvmStart);
        if (missedNanos > runNanos / 2) {
            log.println(String.format(Locale.ROOT, "ergometer: the profile of JVM %d misses its first %.1f s of"
                    + " %.1f s (JFR's recording starts alongside the program); erg profile --from-start covers all of"
                    + " it", info.pid(), missedNanos / 1e9, runNanos / 1e9));
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
