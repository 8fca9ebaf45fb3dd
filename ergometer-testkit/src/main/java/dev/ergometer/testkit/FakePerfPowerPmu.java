package dev.ergometer.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * A fake perf {@code power} PMU: the {@code bus/event_source/devices/power/} tree that the kernel's RAPL perf driver
 * writes in sysfs ({@code type}, {@code cpumask}, {@code format/event}, {@code events/energy-*} with their
 * {@code .scale} and {@code .unit}), written under a fake sysfs root.
 *
 * <p>The tree only describes events; perf_event_open is still the real system call. Pointing the PMU at a software
 * event makes it count something known on any machine, VMs included:
 * <pre>{@code
 * FakePerfPowerPmu.ofType(FakePerfPowerPmu.PERF_TYPE_SOFTWARE)
 *         .withCpumask("0,1")
 *         .withEvent("energy-pkg", FakePerfPowerPmu.PERF_COUNT_SW_CPU_CLOCK, FakePerfPowerPmu.NANOSECONDS_AS_JOULES)
 *         .writeTo(sysfs);     // energy-pkg now counts 1 "joule" per second of each CPU's clock
 * }</pre>
 *
 * <p>Immutable: each {@code with...} returns a new description.
 */
public final class FakePerfPowerPmu {

    /** {@code PERF_TYPE_SOFTWARE}, the kernel's software PMU. */
    public static final int PERF_TYPE_SOFTWARE = 1;
    /** {@code PERF_COUNT_SW_CPU_CLOCK}: counts nanoseconds of a CPU's clock (1e9 per second per CPU). */
    public static final long PERF_COUNT_SW_CPU_CLOCK = 0;
    /** {@code PERF_COUNT_SW_TASK_CLOCK}: counts nanoseconds a task spent on a CPU. */
    public static final long PERF_COUNT_SW_TASK_CLOCK = 1;
    /** A scale that turns a nanosecond count into joules one for one per second: 1e-9 J per count. */
    public static final String NANOSECONDS_AS_JOULES = "1e-9";
    /** The scale real RAPL events have: 2^-32 J per count. */
    public static final String RAPL_JOULES_PER_COUNT = "2.3283064365386962890625e-10";
    /** The unit file's content for energy events. */
    public static final String JOULES = "Joules";

    private final int type;
    private final String cpumask;
    private final List<Event> events;

    private FakePerfPowerPmu(int type, String cpumask, List<Event> events) {
        this.type = type;
        this.cpumask = Objects.requireNonNull(cpumask, "cpumask");
        this.events = List.copyOf(events);
    }

    /** A PMU with the given type number (what perf_event_open receives), CPU 0 in its cpumask and no events yet. */
    public static FakePerfPowerPmu ofType(int type) {
        return new FakePerfPowerPmu(type, "0", List.of());
    }

    /** The same PMU with another {@code cpumask} content: one CPU per package, {@code 0,8} on two sockets. */
    public FakePerfPowerPmu withCpumask(String newCpumask) {
        return new FakePerfPowerPmu(type, newCpumask, events);
    }

    /** The same PMU with an event {@code event=0xNN}, the given scale and the unit {@code Joules}. */
    public FakePerfPowerPmu withEvent(String name, long config, String scale) {
        return withEventFiles(name, String.format(Locale.ROOT, "event=0x%02x", config), scale, JOULES);
    }

    /**
     * The same PMU with an event whose files hold exactly the given text (a null text leaves that file out), for
     * malformed or unusual descriptions.
     */
    public FakePerfPowerPmu withEventFiles(String name, String terms, String scale, String unit) {
        List<Event> more = new ArrayList<>(events);
        more.add(new Event(Objects.requireNonNull(name, "name"), terms, scale, unit));
        return new FakePerfPowerPmu(type, cpumask, more);
    }

    /**
     * Writes the tree under a sysfs root.
     *
     * @return the PMU directory, {@code <sysfs>/bus/event_source/devices/power}
     */
    public Path writeTo(Path sysfs) throws IOException {
        Path pmu = sysfs.resolve("bus/event_source/devices/power");
        Path eventsDirectory = pmu.resolve("events");
        Files.createDirectories(eventsDirectory);
        Files.createDirectories(pmu.resolve("format"));
        Files.writeString(pmu.resolve("type"), type + "\n");
        Files.writeString(pmu.resolve("cpumask"), cpumask + "\n");
        Files.writeString(pmu.resolve("format/event"), "config:0-7\n");
        for (Event event : events) {
            writeIfPresent(eventsDirectory.resolve(event.name), event.terms);
            writeIfPresent(eventsDirectory.resolve(event.name + ".scale"), event.scale);
            writeIfPresent(eventsDirectory.resolve(event.name + ".unit"), event.unit);
        }
        return pmu;
    }

    private static void writeIfPresent(Path file, String text) throws IOException {
        if (text != null) {
            Files.writeString(file, text + "\n");
        }
    }

    private record Event(String name, String terms, String scale, String unit) {}
}
