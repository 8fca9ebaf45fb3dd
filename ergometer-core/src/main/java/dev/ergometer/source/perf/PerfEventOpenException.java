package dev.ergometer.source.perf;

import java.util.Objects;

/**
 * Thrown when {@code perf_event_open(2)} refuses an event: carries the errno, why the kernel said no in words, and
 * what the user can do about it.
 *
 * <p>EACCES and EPERM are explained with {@code kernel.perf_event_paranoid} and the process's capabilities
 * ({@link PerfAccess}); ENOENT, EINVAL and EOPNOTSUPP mean the PMU does not know the event; ENODEV means the PMU does
 * not exist on that CPU.
 */
public final class PerfEventOpenException extends Exception {

    static final int EPERM = 1;
    static final int ENOENT = 2;
    static final int ESRCH = 3;
    static final int E2BIG = 7;
    static final int EACCES = 13;
    static final int EBUSY = 16;
    static final int ENODEV = 19;
    static final int EINVAL = 22;
    static final int ENFILE = 23;
    static final int EMFILE = 24;
    static final int ENOSYS = 38;
    static final int EOPNOTSUPP = 95;

    private static final String UNSUPPORTED_FIX = "use a type and config that the kernel lists under"
            + " bus/event_source/devices/ in sysfs, on a CPU that exists";

    private final int errno;
    private final String reason;
    private final String fix;

    PerfEventOpenException(int errno, String reason, String fix) {
        super(reason + (fix.isEmpty() ? "" : ". Fix: " + fix));
        this.errno = errno;
        this.reason = Objects.requireNonNull(reason, "reason");
        this.fix = Objects.requireNonNull(fix, "fix");
    }

    /** The errno the kernel returned (ENOSYS when this architecture's syscall number is unknown). */
    public int errno() {
        return errno;
    }

    /** Why the event could not be opened. */
    public String reason() {
        return reason;
    }

    /** What the user can do about it; empty when nothing can be done. */
    public String fix() {
        return fix;
    }

    /** True for EACCES and EPERM: the kernel (paranoid setting, capabilities, seccomp, LSM) refused this user. */
    public boolean permissionDenied() {
        return isPermission(errno);
    }

    /** True for ENOENT, EINVAL and EOPNOTSUPP: the PMU type or the event config is not one the kernel supports. */
    public boolean eventNotSupported() {
        return errno == ENOENT || errno == EINVAL || errno == EOPNOTSUPP;
    }

    /** True for ENODEV: the PMU does not exist on the requested CPU. */
    public boolean noSuchPmu() {
        return errno == ENODEV;
    }

    /**
     * The exception for an errno of {@code perf_event_open}.
     *
     * @param event the event as {@link PerfEventOpen#describe} names it
     * @param access the paranoid setting and capabilities, needed for EACCES and EPERM (may be null otherwise)
     */
    static PerfEventOpenException fromErrno(int errno, String event, PerfAccess access) {
        String refused = "perf_event_open(" + event + ") failed with " + errnoName(errno) + ": ";
        return switch (errno) {
            case EACCES, EPERM -> {
                PerfAccess known = Objects.requireNonNull(access, "access is needed to explain " + errnoName(errno));
                yield new PerfEventOpenException(errno, refused + known.refusalReason(), known.refusalFix());
            }
            case ENOENT -> new PerfEventOpenException(errno, refused + "event not supported: no PMU of this"
                    + " kernel knows this type and config", UNSUPPORTED_FIX);
            case EINVAL, EOPNOTSUPP -> new PerfEventOpenException(errno, refused + "event not supported: the"
                    + " kernel or the PMU rejects it (a config it does not know, a CPU that does not exist, or"
                    + " attributes the PMU does not allow)", UNSUPPORTED_FIX);
            case ENODEV -> new PerfEventOpenException(errno, refused + "no such PMU on this CPU: the event's PMU"
                    + " does not exist on the requested CPU, or that CPU is offline",
                    "open the event on a CPU listed in the PMU's cpumask");
            case ESRCH -> new PerfEventOpenException(errno, refused + "no such process", "");
            case EMFILE, ENFILE -> new PerfEventOpenException(errno, refused + "too many open files",
                    "raise the open-file limit (ulimit -n)");
            case EBUSY -> new PerfEventOpenException(errno, refused + "the PMU is in exclusive use by another"
                    + " event", "stop the other perf user (perf record, a profiler) and try again");
            case E2BIG -> new PerfEventOpenException(errno, refused + "this kernel rejects perf_event_attr of "
                    + PerfEventOpen.ATTR_SIZE_BYTES + " bytes", "use Linux 4.1 or later");
            case ENOSYS -> new PerfEventOpenException(errno, refused + "this kernel has no perf events"
                    + " (CONFIG_PERF_EVENTS is off)", "use another source (erg domains lists them)");
            default -> new PerfEventOpenException(errno, refused + "see perf_event_open(2) for this errno", "");
        };
    }

    /** The exception when Ergometer does not know perf_event_open's syscall number on this CPU architecture. */
    static PerfEventOpenException unknownArchitecture(String event, String arch) {
        return new PerfEventOpenException(ENOSYS, "perf_event_open(" + event + ") cannot be called: Ergometer knows"
                + " its syscall number on x86_64 (298), aarch64 and riscv64 (241), not on " + arch,
                "use another source (erg domains lists them)");
    }

    static boolean isPermission(int errno) {
        return errno == EACCES || errno == EPERM;
    }

    /** An errno as messages show it: {@code EACCES (errno 13)}. */
    static String errnoName(int errno) {
        String name = switch (errno) {
            case EPERM -> "EPERM";
            case ENOENT -> "ENOENT";
            case ESRCH -> "ESRCH";
            case 4 -> "EINTR";
            case 5 -> "EIO";
            case E2BIG -> "E2BIG";
            case 9 -> "EBADF";
            case EACCES -> "EACCES";
            case 14 -> "EFAULT";
            case EBUSY -> "EBUSY";
            case ENODEV -> "ENODEV";
            case EINVAL -> "EINVAL";
            case ENFILE -> "ENFILE";
            case EMFILE -> "EMFILE";
            case ENOSYS -> "ENOSYS";
            case 75 -> "EOVERFLOW";
            case EOPNOTSUPP -> "EOPNOTSUPP";
            default -> null;
        };
        return name == null ? "errno " + errno : name + " (errno " + errno + ")";
    }
}
