package dev.ergometer.source.perf;

import dev.ergometer.source.SystemPaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * What this process may open with {@code perf_event_open}: the {@code kernel.perf_event_paranoid} setting and whether
 * the process holds CAP_PERFMON or CAP_SYS_ADMIN, which lift it.
 *
 * <p>The energy events of the power PMU are system-wide (per CPU, every process), which the kernel allows when
 * {@code perf_event_paranoid <= 0} or the process is {@code perfmon_capable()}: this is the energy source that works
 * without root.
 *
 * @param paranoid the value of {@code /proc/sys/kernel/perf_event_paranoid}, empty when it could not be read
 * @param perfmonCapable true when the effective capabilities include CAP_PERFMON (38) or CAP_SYS_ADMIN (21)
 */
public record PerfAccess(OptionalInt paranoid, boolean perfmonCapable) {

    private static final int CAP_SYS_ADMIN = 21;
    private static final int CAP_PERFMON = 38;

    /** The fix for a refusal caused by the paranoid setting. */
    static final String PARANOID_FIX = "sudo sysctl kernel.perf_event_paranoid=0 (then the perf source works without"
            + " root; put kernel.perf_event_paranoid = 0 in /etc/sysctl.d/ to keep it after a reboot), or run as root,"
            + " or grant CAP_PERFMON (Linux >= 5.8; CAP_SYS_ADMIN before)";

    public PerfAccess {
        Objects.requireNonNull(paranoid, "paranoid");
    }

    /**
     * Reads {@code sys/kernel/perf_event_paranoid} and the {@code CapEff} line of {@code self/status} under the
     * procfs root; a file that cannot be read counts as unknown paranoid and no capability.
     */
    public static PerfAccess read(SystemPaths paths) {
        return new PerfAccess(readParanoid(paths.proc("sys/kernel/perf_event_paranoid")),
                hasPerfmon(paths.proc("self/status")));
    }

    /** True when this process may open system-wide (per-CPU) events such as the power PMU's energy counters. */
    public boolean systemWideAllowed() {
        return perfmonCapable || (paranoid.isPresent() && paranoid.getAsInt() <= 0);
    }

    /** The paranoid setting and what it allows, for example {@code kernel.perf_event_paranoid is 2 (users ...)}. */
    public String paranoidSetting() {
        if (paranoid.isEmpty()) {
            return "kernel.perf_event_paranoid could not be read";
        }
        int value = paranoid.getAsInt();
        String meaning;
        if (value <= -1) {
            meaning = "every user may open every event, system-wide ones included";
        } else if (value == 0) {
            meaning = "every user may open system-wide (per-CPU) events, but not raw tracepoints";
        } else if (value == 1) {
            meaning = "users without CAP_PERFMON may measure only their own processes, not whole CPUs";
        } else if (value == 2) {
            meaning = "users without CAP_PERFMON may measure only the user-space part of their own processes";
        } else {
            meaning = "users without CAP_PERFMON may not use perf_event_open at all (a distribution patch)";
        }
        return "kernel.perf_event_paranoid is " + value + " (" + meaning + ")";
    }

    /** One line for {@code erg domains}: the setting, the capabilities, and whether system-wide events open. */
    public String description() {
        String setting = paranoidSetting();
        if (perfmonCapable) {
            return setting + "; this process has CAP_PERFMON or CAP_SYS_ADMIN, so it may open the system-wide"
                    + " energy events";
        }
        if (systemWideAllowed()) {
            return setting + ", so any user, root or not, may open the system-wide energy events";
        }
        return setting + "; this process has neither CAP_PERFMON nor CAP_SYS_ADMIN, so it may not open the"
                + " system-wide energy events: " + PARANOID_FIX;
    }

    /** Why the kernel refused an event with EACCES or EPERM, given this access. */
    String refusalReason() {
        if (!systemWideAllowed()) {
            return paranoidSetting() + " and this process has neither CAP_PERFMON nor CAP_SYS_ADMIN; system-wide"
                    + " events such as the power PMU's energy counters need perf_event_paranoid <= 0 or CAP_PERFMON";
        }
        String allowedBy = perfmonCapable ? "this process has CAP_PERFMON or CAP_SYS_ADMIN" : paranoidSetting();
        return "although " + allowedBy + ", something else blocks perf_event_open: a seccomp filter (container"
                + " runtimes block it by default) or a security module (SELinux, AppArmor, lockdown)";
    }

    /** What to do about a refusal, given this access. */
    String refusalFix() {
        if (!systemWideAllowed()) {
            return PARANOID_FIX;
        }
        return "run on the host, or allow perf_event_open in the container (docker run --cap-add PERFMON with a"
                + " seccomp profile that allows perf_event_open), or look for an SELinux/AppArmor denial in the audit"
                + " log";
    }

    private static OptionalInt readParanoid(Path file) {
        try {
            return OptionalInt.of(Integer.parseInt(Files.readString(file).strip()));
        } catch (IOException | NumberFormatException e) {
            return OptionalInt.empty();
        }
    }

    private static boolean hasPerfmon(Path status) {
        List<String> lines;
        try {
            lines = Files.readAllLines(status);
        } catch (IOException e) {
            return false;
        }
        for (String line : lines) {
            if (line.startsWith("CapEff:")) {
                try {
                    long effective = Long.parseUnsignedLong(line.substring("CapEff:".length()).strip(), 16);
                    return (effective & (1L << CAP_PERFMON)) != 0 || (effective & (1L << CAP_SYS_ADMIN)) != 0;
                } catch (NumberFormatException e) {
                    return false;
                }
            }
        }
        return false;
    }
}
