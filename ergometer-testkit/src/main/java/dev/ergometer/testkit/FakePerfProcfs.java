package dev.ergometer.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The procfs files that decide and explain what perf_event_open allows, written under a fake procfs root:
 * {@code sys/kernel/perf_event_paranoid}, the {@code CapEff} line of {@code self/status}, and the CPU flags of
 * {@code cpuinfo} (where {@code hypervisor} marks a VM).
 *
 * <pre>{@code
 * FakePerfProcfs.writeParanoid(procfs, 2);
 * FakePerfProcfs.writeEffectiveCapabilities(procfs, FakePerfProcfs.NO_CAPABILITIES);
 * }</pre>
 */
public final class FakePerfProcfs {

    /** No capability at all: an ordinary user. */
    public static final long NO_CAPABILITIES = 0;
    /** CAP_PERFMON (bit 38) alone. */
    public static final long CAP_PERFMON = 1L << 38;
    /** CAP_SYS_ADMIN (bit 21) alone. */
    public static final long CAP_SYS_ADMIN = 1L << 21;
    /** Every capability up to CAP_CHECKPOINT_RESTORE (40): root. */
    public static final long ALL_CAPABILITIES = 0x1ff_ffff_ffffL;

    private FakePerfProcfs() {}

    /** Writes {@code sys/kernel/perf_event_paranoid} with the given value. */
    public static Path writeParanoid(Path procfs, int paranoid) throws IOException {
        Path file = procfs.resolve("sys/kernel/perf_event_paranoid");
        Files.createDirectories(file.getParent());
        return Files.writeString(file, paranoid + "\n");
    }

    /** Writes {@code self/status} as the kernel does, with the given effective capability mask. */
    public static Path writeEffectiveCapabilities(Path procfs, long capEff) throws IOException {
        Path file = procfs.resolve("self/status");
        Files.createDirectories(file.getParent());
        String mask = String.format(Locale.ROOT, "%016x", capEff);
        return Files.writeString(file, "Name:\tjava\nState:\tR (running)\nUid:\t1000\t1000\t1000\t1000\n"
                + "CapInh:\t0000000000000000\nCapPrm:\t" + mask + "\nCapEff:\t" + mask + "\n"
                + "CapBnd:\t000001ffffffffff\nCapAmb:\t0000000000000000\n");
    }

    /** Writes {@code cpuinfo} with one processor having the given flags ({@code hypervisor} for a VM). */
    public static Path writeCpuFlags(Path procfs, String... flags) throws IOException {
        Files.createDirectories(procfs);
        return Files.writeString(procfs.resolve("cpuinfo"), "processor\t: 0\nvendor_id\t: GenuineIntel\n"
                + "model name\t: Fake CPU\nflags\t\t: " + String.join(" ", flags) + "\n\n");
    }
}
