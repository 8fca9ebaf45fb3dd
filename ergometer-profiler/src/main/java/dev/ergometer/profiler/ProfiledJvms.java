package dev.ergometer.profiler;

import dev.ergometer.sampler.Sampler;
import dev.ergometer.source.EnergySource;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * The JVMs {@code erg profile} profiles, found by their JFR repositories: each JVM the command starts with the
 * recorder ({@link JfrRecorder}) makes a folder {@code yyyy_MM_dd_HH_mm_ss_PID} in the repository folder that
 * {@code erg profile} named, and gets a {@link JvmProfiler} watching it from outside as soon as the folder appears.
 * A thread of its own looks for new folders every {@value #SCAN_MILLIS} ms while the command runs, until it has
 * found the one JVM of a {@code java} command (a script may start several: then it looks until the script ends).
 * A JVM found late loses no sample (its repository is read from the start), only the CPU time it used before.
 */
final class ProfiledJvms implements AutoCloseable {

    static final long SCAN_MILLIS = 100;

    private final Path repository;
    private final EnergySource source;
    private final Sampler sampler;
    private final ProfileSettings settings;
    private final PrintWriter log;
    private final boolean oneJvm;
    private final Set<Path> seen = new HashSet<>();
    private final List<JvmProfiler> profilers = new ArrayList<>();
    private final Thread scanner;
    private volatile boolean scanning = true;

    private ProfiledJvms(Path repository, EnergySource source, Sampler sampler, ProfileSettings settings,
            boolean oneJvm, PrintWriter log) {
        this.oneJvm = oneJvm;
        this.repository = repository;
        this.source = source;
        this.sampler = sampler;
        this.settings = settings;
        this.log = log;
        this.scanner = Thread.ofPlatform().daemon().name("erg-profile-jvms").unstarted(this::scanLoop);
    }

    /**
     * Starts looking for JVMs in {@code repository}.
     *
     * @param oneJvm true when the command is one JVM (a {@code java} command): looking stops once it is found
     */
    static ProfiledJvms watch(Path repository, EnergySource source, Sampler sampler, ProfileSettings settings,
            boolean oneJvm, PrintWriter log) {
        ProfiledJvms jvms = new ProfiledJvms(repository, source, sampler, settings, oneJvm, log);
        jvms.scanner.start();
        return jvms;
    }

    private void scanLoop() {
        while (scanning) {
            if (scan() > 0 && oneJvm) {
                return;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(SCAN_MILLIS));
        }
    }

    /** Starts a profiler for each JVM folder not seen yet; returns how many JVMs are profiled. */
    private synchronized int scan() {
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(repository, Files::isDirectory)) {
            for (Path folder : folders) {
                if (seen.add(folder)) {
                    start(folder);
                }
            }
        } catch (IOException e) {
            log.println("ergometer: cannot look for JVMs in " + repository + ": " + e.getMessage());
        }
        return profilers.size();
    }

    private void start(Path folder) {
        long pid = pidOf(folder.getFileName().toString());
        if (pid < 0) {
            return; // not a JVM's repository
        }
        try {
            profilers.add(JvmProfiler.watch(pid, folder, source, sampler, settings, log));
            // a JVM started with from-start waits for this before its main runs (JfrRecorder)
            Files.createFile(repository.resolve(JfrRecorder.ATTACHED_PREFIX + pid));
        } catch (IOException | RuntimeException e) {
            log.println("ergometer: cannot profile JVM " + pid + ": " + (ProcessHandle.of(pid).isEmpty()
                    ? JvmProfiler.endedBeforeReading(pid) : e.getMessage()));
        }
    }

    /** The pid at the end of a JFR repository folder's name ({@code 2026_11_26_03_40_53_22056}), or -1. */
    static long pidOf(String name) {
        int underscore = name.lastIndexOf('_');
        if (underscore < 0 || underscore == name.length() - 1) {
            return -1;
        }
        try {
            return Long.parseLong(name.substring(underscore + 1));
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Once the command has ended: looks a last time for JVMs, waits up to {@code timeoutMillis} for each profile to
     * complete (its JVM exited and its last samples are in), and ends those whose JVM still runs (a JVM the command
     * left behind), saying so.
     *
     * @return how many JVMs were profiled
     */
    int finish(long timeoutMillis) {
        scanning = false;
        LockSupport.unpark(scanner);
        try {
            scanner.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<JvmProfiler> all;
        synchronized (this) {
            scan();
            all = List.copyOf(profilers);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (JvmProfiler profiler : all) {
            if (profiler.jvmAlive()) {
                log.println("ergometer: JVM " + profiler.pid() + ", started by the command, still runs after it"
                        + " ended; its profile ends here: " + profiler.folder());
                profiler.stop(false);
                continue;
            }
            try {
                profiler.finished().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                log.println("ergometer: JFR's last samples of JVM " + profiler.pid() + " did not come in time; its"
                        + " profile ends here: " + profiler.folder());
                profiler.stop(false);
            } catch (ExecutionException e) {
                log.println("ergometer: the profile in " + profiler.folder() + " failed: " + e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                profiler.stop(false);
            }
        }
        return all.size();
    }

    @Override
    public void close() {
        scanning = false;
        LockSupport.unpark(scanner);
        List<JvmProfiler> all;
        synchronized (this) {
            all = List.copyOf(profilers);
        }
        all.forEach(p -> p.stop(false));
    }
}
