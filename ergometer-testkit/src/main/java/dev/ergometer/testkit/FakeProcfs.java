package dev.ergometer.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Objects;

/**
 * A fake procfs in a folder, with files laid out and formatted like the kernel's: {@code stat} (the aggregate
 * {@code cpu} line, one {@code cpuN} line per CPU and the usual counters after them), {@code cpuinfo} (one block per
 * logical CPU, x86 or ARM style) and {@code meminfo}.
 *
 * <p>Each setter rewrites its file in place (same inode), so a file opened once and read again with {@code pread}
 * sees the new content, as with procfs. Processes get {@code <pid>/stat} and {@code <pid>/cgroup} from
 * {@link #process}; other files are written with {@link #write(String, String)}.
 *
 * <pre>{@code
 * FakeProcfs proc = FakeProcfs.machine(tempDir, 4)
 *         .x86Cpu("GenuineIntel", "Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz", "fpu vme avx2")
 *         .memTotalKib(16 * 1024 * 1024);
 * proc.cpuTimes(CpuTimes.of(100, 300));
 * }</pre>
 */
public final class FakeProcfs {

    /** The model name written until {@link #x86Cpu} says otherwise. */
    public static final String DEFAULT_MODEL_NAME = "Fake CPU @ 1.00GHz";

    private final Path root;
    private final int cpus;
    private CpuTimes cpuTimes = CpuTimes.of(0, 0);

    private FakeProcfs(Path root, int cpus) {
        this.root = root;
        this.cpus = cpus;
    }

    /**
     * A machine with {@code cpus} logical CPUs under {@code root}: {@code stat} with zero times, an x86
     * {@code cpuinfo} ({@code GenuineIntel}, {@link #DEFAULT_MODEL_NAME}) and {@code meminfo} with 16 GiB.
     */
    public static FakeProcfs machine(Path root, int cpus) {
        Objects.requireNonNull(root, "root");
        if (cpus < 1) {
            throw new IllegalArgumentException("a machine has at least 1 CPU, got " + cpus);
        }
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new FakeProcfs(root, cpus)
                .cpuTimes(CpuTimes.of(0, 0))
                .x86Cpu("GenuineIntel", DEFAULT_MODEL_NAME, "fpu vme de pse tsc msr pae mce cx8 apic sep")
                .memTotalKib(16L * 1024 * 1024);
    }

    /** The procfs root (what {@code --procfs} points at). */
    public Path root() {
        return root;
    }

    /** The number of logical CPUs of this machine. */
    public int cpus() {
        return cpus;
    }

    /** A path under this procfs, for example {@code path("stat")}. */
    public Path path(String relative) {
        return root.resolve(relative);
    }

    /** The times of all CPUs together, as last written to {@code stat}. */
    public CpuTimes cpuTimes() {
        return cpuTimes;
    }

    /**
     * Writes {@code stat}: the aggregate {@code cpu} line with {@code total}, then {@code cpu0..cpuN-1} sharing it
     * evenly, then the counters that follow in a real file ({@code intr}, {@code ctxt}, {@code btime}, ...).
     */
    public FakeProcfs cpuTimes(CpuTimes total) {
        this.cpuTimes = Objects.requireNonNull(total, "total");
        StringBuilder stat = new StringBuilder(total.line("cpu")).append('\n');
        for (int cpu = 0; cpu < cpus; cpu++) {
            stat.append(total.share(cpu, cpus).line("cpu" + cpu)).append('\n');
        }
        stat.append("intr 117717 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 1 1 15 0 0 0 0 85 36\n")
                .append("ctxt 2351223\n")
                .append("btime 1700000000\n")
                .append("processes 4242\n")
                .append("procs_running 1\n")
                .append("procs_blocked 0\n")
                .append("softirq 71233 0 20112 3 2912 0 0 312 31245 0 16649\n");
        return write("stat", stat.toString());
    }

    /** Adds {@code busyTicks} of user time and {@code idleTicks} of idle time to the current times. */
    public FakeProcfs advance(long busyTicks, long idleTicks) {
        return cpuTimes(cpuTimes.plus(CpuTimes.of(busyTicks, idleTicks)));
    }

    /** Writes an x86 {@code cpuinfo}: a block per CPU with {@code vendor_id}, {@code model name} and {@code flags}. */
    public FakeProcfs x86Cpu(String vendorId, String modelName, String flags) {
        StringBuilder info = new StringBuilder();
        for (int cpu = 0; cpu < cpus; cpu++) {
            info.append("processor\t: ").append(cpu).append('\n')
                    .append("vendor_id\t: ").append(vendorId).append('\n')
                    .append("cpu family\t: 6\n")
                    .append("model\t\t: 85\n")
                    .append("model name\t: ").append(modelName).append('\n')
                    .append("stepping\t: 7\n")
                    .append("cpu MHz\t\t: 2500.000\n")
                    .append("cache size\t: 36608 KB\n")
                    .append("siblings\t: ").append(cpus).append('\n')
                    .append("cpu cores\t: ").append(cpus).append('\n')
                    .append("flags\t\t: ").append(flags).append('\n')
                    .append("bogomips\t: 5000.00\n")
                    .append('\n');
        }
        return write("cpuinfo", info.toString());
    }

    /**
     * Writes an arm64 {@code cpuinfo}, which has no {@code model name}: one block per CPU with {@code CPU implementer}
     * and {@code CPU part} (for example 0x41 and 0xd0c for an Arm Neoverse N1, the core of AWS Graviton2).
     */
    public FakeProcfs armCpu(int implementer, int part) {
        StringBuilder info = new StringBuilder();
        for (int cpu = 0; cpu < cpus; cpu++) {
            info.append("processor\t: ").append(cpu).append('\n')
                    .append("BogoMIPS\t: 243.75\n")
                    .append("Features\t: fp asimd evtstrm aes pmull sha1 sha2 crc32 atomics fphp asimdhp cpuid\n")
                    .append("CPU implementer\t: 0x").append(String.format(Locale.ROOT, "%02x", implementer))
                    .append('\n')
                    .append("CPU architecture: 8\n")
                    .append("CPU variant\t: 0x3\n")
                    .append("CPU part\t: 0x").append(String.format(Locale.ROOT, "%03x", part)).append('\n')
                    .append("CPU revision\t: 1\n")
                    .append('\n');
        }
        return write("cpuinfo", info.toString());
    }

    /** Writes {@code meminfo} with the given {@code MemTotal} (KiB, printed as "kB" like the kernel) and a few more. */
    public FakeProcfs memTotalKib(long memTotalKib) {
        return write("meminfo", String.format(Locale.ROOT,
                "MemTotal:       %8d kB\nMemFree:        %8d kB\nMemAvailable:   %8d kB\nBuffers:        %8d kB\n"
                        + "Cached:         %8d kB\nSwapTotal:      %8d kB\nSwapFree:       %8d kB\n",
                memTotalKib, memTotalKib / 2, memTotalKib * 3 / 4, 1024L, memTotalKib / 8, 0L, 0L));
    }

    /**
     * Writes {@code <pid>/stat} as the kernel prints it (52 fields; the command name in parentheses, as given, spaces
     * and parentheses included), with the given times in clock ticks, and {@code <pid>/cgroup} with one cgroup v2
     * line ({@code 0::<cgroupPath>}) unless that file exists already.
     */
    public FakeProcfs process(int pid, String comm, int ppid, long utimeTicks, long stimeTicks, long cutimeTicks,
            long cstimeTicks, long startTimeTicks, String cgroupPath) {
        String stat = pid + " (" + comm + ") S " + ppid + " " + pid + " " + pid + " 34816 " + pid + " 4194560 1234 0 5 0 "
                + utimeTicks + " " + stimeTicks + " " + cutimeTicks + " " + cstimeTicks + " 20 0 1 0 " + startTimeTicks
                + " 10039296 886 18446744073709551615 94250000000000 94250000100000 140730000000000 0 0 0 65536"
                + " 3686404 1266761467 1 0 0 17 1 0 0 0 0 0 94250000200000 94250000210000 94250010000000"
                + " 140730000100000 140730000100010 140730000100010 140730000200000 0\n";
        write(pid + "/stat", stat);
        if (!Files.exists(path(pid + "/cgroup"))) {
            write(pid + "/cgroup", "0::" + cgroupPath + "\n");
        }
        return this;
    }

    /** Removes {@code <pid>/} and all its files: the process has ended and its parent has waited for it. */
    public FakeProcfs endProcess(int pid) {
        Path dir = path(Integer.toString(pid));
        try (var files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Writes any file under this procfs in place, creating its folders: the one writer every setter uses. */
    public FakeProcfs write(String relative, String content) {
        Path file = path(relative);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, content, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }

    /** Removes a file (for example {@code cpuinfo}, to look like a system that does not have it). */
    public FakeProcfs delete(String relative) {
        try {
            Files.deleteIfExists(path(relative));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
