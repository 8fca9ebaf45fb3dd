package dev.ergometer.source.perf;

import dev.ergometer.source.SystemPaths;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.Locale;
import java.util.Objects;

/**
 * The {@code perf_event_open(2)} system call, called through the FFM API as {@code syscall(SYS_perf_event_open, attr,
 * pid, cpu, group_fd, flags)}: opens one counting event and returns it as a {@link PerfEvent}.
 *
 * <p>Usage:
 * <pre>{@code
 * PerfEventOpen perf = PerfEventOpen.on(SystemPaths.real());
 * try (PerfEvent taskClock = perf.open(PerfEventOpen.PERF_TYPE_SOFTWARE, 1, 0, -1)) { // this thread's task-clock
 *     long nanos = taskClock.readCount();
 * }
 * }</pre>
 *
 * <p>The event is a plain counter: {@code struct perf_event_attr} (size {@value #ATTR_SIZE_BYTES},
 * {@code PERF_ATTR_SIZE_VER5}) carries the type and config and nothing else, so the event is enabled at open
 * ({@code disabled=0}), not inherited by children ({@code inherit=0}), excludes nothing (the RAPL PMU rejects the
 * {@code exclude_*} bits with EINVAL), does not sample and reads as a single u64. The descriptor is opened with
 * {@code PERF_FLAG_FD_CLOEXEC}, so commands that Ergometer starts do not inherit it.
 *
 * <p>The {@link SystemPaths} are used only to explain a refusal: {@code perf_event_paranoid} and the process's
 * capabilities are read from its procfs when the kernel answers EACCES or EPERM.
 */
public final class PerfEventOpen {

    /** {@code PERF_TYPE_SOFTWARE}: the kernel's software events (cpu-clock, task-clock, ...). */
    public static final int PERF_TYPE_SOFTWARE = 1;
    /** {@code PERF_COUNT_SW_CPU_CLOCK}: nanoseconds of a CPU's clock. */
    public static final long PERF_COUNT_SW_CPU_CLOCK = 0;
    /** {@code PERF_COUNT_SW_TASK_CLOCK}: nanoseconds a task was on a CPU. */
    public static final long PERF_COUNT_SW_TASK_CLOCK = 1;
    /** The size of {@code struct perf_event_attr} we pass: {@code PERF_ATTR_SIZE_VER5} (Linux 4.1 and later). */
    public static final int ATTR_SIZE_BYTES = 112;

    private static final long PERF_FLAG_FD_CLOEXEC = 1L << 3;
    private static final long NO_GROUP = -1;

    /** {@code struct perf_event_attr} from linux/perf_event.h, up to {@code PERF_ATTR_SIZE_VER5}. */
    static final StructLayout ATTR_LAYOUT = MemoryLayout.structLayout(
            ValueLayout.JAVA_INT.withName("type"),
            ValueLayout.JAVA_INT.withName("size"),
            ValueLayout.JAVA_LONG.withName("config"),
            ValueLayout.JAVA_LONG.withName("sample_period"),
            ValueLayout.JAVA_LONG.withName("sample_type"),
            ValueLayout.JAVA_LONG.withName("read_format"),
            // bit 0 disabled, 1 inherit, 2 pinned, 3 exclusive, 4 exclude_user, 5 exclude_kernel, 6 exclude_hv, ...
            ValueLayout.JAVA_LONG.withName("flags"),
            ValueLayout.JAVA_INT.withName("wakeup_events"),
            ValueLayout.JAVA_INT.withName("bp_type"),
            ValueLayout.JAVA_LONG.withName("config1"),
            ValueLayout.JAVA_LONG.withName("config2"),
            ValueLayout.JAVA_LONG.withName("branch_sample_type"),
            ValueLayout.JAVA_LONG.withName("sample_regs_user"),
            ValueLayout.JAVA_INT.withName("sample_stack_user"),
            ValueLayout.JAVA_INT.withName("clockid"),
            ValueLayout.JAVA_LONG.withName("sample_regs_intr"),
            ValueLayout.JAVA_INT.withName("aux_watermark"),
            ValueLayout.JAVA_SHORT.withName("sample_max_stack"),
            ValueLayout.JAVA_SHORT.withName("reserved_2"));

    private static final VarHandle ATTR_TYPE = attrField("type");
    private static final VarHandle ATTR_SIZE = attrField("size");
    private static final VarHandle ATTR_CONFIG = attrField("config");
    private static final VarHandle ATTR_FLAGS = attrField("flags");

    private static final Linker LINKER = Linker.nativeLinker();
    static final StructLayout CALL_STATE = Linker.Option.captureStateLayout();
    static final VarHandle ERRNO = CALL_STATE.varHandle(MemoryLayout.PathElement.groupElement("errno"));

    /**
     * {@code long syscall(long number, ...)}: variadic after the number. Every variadic argument is passed as a
     * {@code long}, which is what glibc's and musl's {@code syscall()} read with {@code va_arg(ap, long)}.
     */
    private static final MethodHandle SYSCALL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("syscall").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS,
                    ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG),
            Linker.Option.firstVariadicArg(1),
            Linker.Option.captureCallState("errno"));

    private static final String ARCH = System.getProperty("os.arch", "unknown");
    /** {@code __NR_perf_event_open}: 298 on x86_64, 241 on aarch64 and riscv64; 0 when unknown. */
    static final long SYS_PERF_EVENT_OPEN = switch (ARCH) {
        case "amd64", "x86_64" -> 298;
        case "aarch64", "riscv64" -> 241;
        default -> 0;
    };

    static {
        if (ATTR_LAYOUT.byteSize() != ATTR_SIZE_BYTES) {
            throw new AssertionError("perf_event_attr layout is " + ATTR_LAYOUT.byteSize()
                    + " bytes, expected " + ATTR_SIZE_BYTES);
        }
    }

    private final SystemPaths paths;

    private PerfEventOpen(SystemPaths paths) {
        this.paths = Objects.requireNonNull(paths, "paths");
    }

    /** The system call, explaining refusals with the {@code perf_event_paranoid} and capabilities under these roots. */
    public static PerfEventOpen on(SystemPaths paths) {
        return new PerfEventOpen(paths);
    }

    /**
     * Opens a counting event.
     *
     * @param type the PMU type ({@link #PERF_TYPE_SOFTWARE}, or the number in a PMU's sysfs {@code type} file)
     * @param config the event within the PMU
     * @param pid the process or thread to count, 0 for the calling thread, -1 for every process on {@code cpu}
     * @param cpu the CPU to count on, or -1 for any CPU the task runs on
     * @throws PerfEventOpenException when the kernel refuses, with errno, the reason and the fix
     */
    public PerfEvent open(int type, long config, int pid, int cpu) throws PerfEventOpenException {
        String event = describe(type, config, pid, cpu);
        if (SYS_PERF_EVENT_OPEN == 0) {
            throw PerfEventOpenException.unknownArchitecture(event, ARCH);
        }
        long fd;
        int errno;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment attr = arena.allocate(ATTR_LAYOUT); // zeroed: no sampling, no exclusions
            ATTR_TYPE.set(attr, 0L, type);
            ATTR_SIZE.set(attr, 0L, ATTR_SIZE_BYTES);
            ATTR_CONFIG.set(attr, 0L, config);
            ATTR_FLAGS.set(attr, 0L, 0L); // disabled=0: counts from now on; inherit=0; exclude_*=0
            MemorySegment callState = arena.allocate(CALL_STATE);
            fd = (long) SYSCALL.invokeExact(callState, SYS_PERF_EVENT_OPEN, attr,
                    (long) pid, (long) cpu, NO_GROUP, PERF_FLAG_FD_CLOEXEC);
            errno = (int) ERRNO.get(callState, 0L);
        } catch (Throwable t) {
            throw new IllegalStateException("cannot call perf_event_open through FFM: " + t, t);
        }
        if (fd < 0) {
            PerfAccess access = PerfEventOpenException.isPermission(errno) ? PerfAccess.read(paths) : null;
            throw PerfEventOpenException.fromErrno(errno, event, access);
        }
        if (fd > Integer.MAX_VALUE) {
            throw new IllegalStateException("perf_event_open(" + event + ") returned " + fd + ", not a descriptor");
        }
        return PerfEvent.adopt((int) fd, event);
    }

    /** How an event reads in messages: {@code type 1, config 0x1, pid 0 (this thread), any CPU}. */
    static String describe(int type, long config, int pid, int cpu) {
        String who = switch (pid) {
            case -1 -> "all processes";
            case 0 -> "pid 0 (this thread)";
            default -> "pid " + pid;
        };
        String where = cpu < 0 ? "any CPU" : "CPU " + cpu;
        return String.format(Locale.ROOT, "type %d, config 0x%x, %s, %s", type, config, who, where);
    }

    private static VarHandle attrField(String name) {
        return ATTR_LAYOUT.varHandle(MemoryLayout.PathElement.groupElement(name));
    }
}
