package dev.ergometer.source.perf;

import dev.ergometer.model.Domain;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.VirtualMachine;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import java.util.stream.Stream;

/**
 * The perf {@code power} PMU as sysfs describes it under {@code bus/event_source/devices/power/}: its type number,
 * the CPUs to open its events on (one per package, from {@code cpumask}) and its RAPL energy events with their
 * configs and scales.
 *
 * <p>An event file holds perf's term syntax, for example {@code event=0x02}. Only the {@code event} term is used as
 * the config: the power PMU's format ({@code format/event}) is {@code config:0-7} and it has no other term; any
 * other term ({@code umask=...}) is ignored.
 *
 * @param directory the PMU's sysfs directory
 * @param type the PMU type to pass to perf_event_open
 * @param cpus the CPUs to open on, in cpumask order: the index is the socket
 * @param events the energy events this source knows, in {@link Kind} order
 */
record PowerPmu(Path directory, int type, List<Integer> cpus, List<EnergyEvent> events) {

    static final String DIRECTORY = "bus/event_source/devices/power";
    private static final String UNIT = "Joules";
    private static final String NOT_A_KERNEL_TREE = "the kernel writes these files itself: if --sysfs or"
            + " ERGOMETER_SYSFS points at a copied tree, copy it again; otherwise report this with the file's content";

    PowerPmu {
        cpus = List.copyOf(cpus);
        events = List.copyOf(events);
    }

    /**
     * One energy event of the PMU.
     *
     * @param kind which RAPL domain it measures
     * @param config the {@code event} term's value
     * @param joulesPerCount the {@code .scale} file: joules per count
     */
    record EnergyEvent(Kind kind, long config, double joulesPerCount) {

        /** The event's sysfs name, {@code energy-pkg} for example. */
        String name() {
            return kind.eventName;
        }

        /** The domain this event measures on the given socket. */
        Domain domain(int socket) {
            return kind.domainOf.apply(socket);
        }

        /** True for events that measure the whole platform (psys), opened on the first CPU only. */
        boolean platformWide() {
            return kind == Kind.PSYS;
        }
    }

    /** The RAPL events of the power PMU, and the pyJoules domain of each. */
    enum Kind {
        PKG("energy-pkg", Domain::packageOf),
        CORES("energy-cores", Domain::coreOf),
        GPU("energy-gpu", Domain::uncoreOf),
        RAM("energy-ram", Domain::dramOf),
        PSYS("energy-psys", socket -> Domain.psys(0));

        private final String eventName;
        private final IntFunction<Domain> domainOf;

        Kind(String eventName, IntFunction<Domain> domainOf) {
            this.eventName = eventName;
            this.domainOf = domainOf;
        }
    }

    /**
     * Reads the PMU description under the sysfs root.
     *
     * @throws SourceUnavailableException when there is no power PMU, or its description cannot be read or parsed
     */
    static PowerPmu read(SystemPaths paths) throws SourceUnavailableException {
        Path directory = paths.sys(DIRECTORY);
        if (!Files.isDirectory(directory)) {
            throw new SourceUnavailableException(PerfPowerSource.NAME, noPmuReason(paths, directory),
                    "use another source (erg domains lists them)");
        }
        int type = parseType(directory.resolve("type"));
        List<Integer> cpus = parseCpuList(directory.resolve("cpumask"));
        Path eventsDirectory = directory.resolve("events");
        List<EnergyEvent> events = new ArrayList<>();
        for (Kind kind : Kind.values()) {
            Path eventFile = eventsDirectory.resolve(kind.eventName);
            if (Files.isRegularFile(eventFile)) {
                events.add(new EnergyEvent(kind, parseConfig(eventFile),
                        parseScale(eventsDirectory.resolve(kind.eventName + ".scale"))));
                requireJoules(eventsDirectory.resolve(kind.eventName + ".unit"));
            }
        }
        if (events.isEmpty()) {
            throw unavailable(eventsDirectory + " lists no energy event (energy-pkg, energy-cores, energy-gpu,"
                    + " energy-ram, energy-psys): this power PMU measures no RAPL domain this source knows",
                    "use another source (erg domains lists them)");
        }
        return new PowerPmu(directory, type, cpus, events);
    }

    private static String noPmuReason(SystemPaths paths, Path directory) {
        String why = VirtualMachine.detected(paths)
                ? "this is a VM (the hypervisor flag is set in " + paths.proc("cpuinfo") + "), and VMs rarely"
                        + " expose RAPL"
                : "this CPU has no RAPL, or the kernel was built without the RAPL perf driver";
        return "no perf power PMU (" + directory + " is absent): " + why;
    }

    private static int parseType(Path file) throws SourceUnavailableException {
        String text = readSmallFile(file);
        try {
            int type = Integer.parseInt(text);
            if (type < 0) {
                throw new NumberFormatException("negative");
            }
            return type;
        } catch (NumberFormatException e) {
            throw unavailable(file + " holds '" + text + "', expected the PMU's type number", NOT_A_KERNEL_TREE);
        }
    }

    /** Parses a CPU list as the kernel prints it: {@code 0}, {@code 0,8}, {@code 0-3,8}. */
    static List<Integer> parseCpuList(Path file) throws SourceUnavailableException {
        String text = readSmallFile(file);
        List<Integer> cpus = new ArrayList<>();
        try {
            for (String part : text.split(",")) {
                int dash = part.indexOf('-');
                int first = Integer.parseInt(part.substring(0, dash < 0 ? part.length() : dash).strip());
                int last = dash < 0 ? first : Integer.parseInt(part.substring(dash + 1).strip());
                if (first < 0 || last < first) {
                    throw new NumberFormatException("bad range " + part);
                }
                for (int cpu = first; cpu <= last; cpu++) {
                    cpus.add(cpu);
                }
            }
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw unavailable(file + " holds '" + text + "', expected a CPU list such as 0,8", NOT_A_KERNEL_TREE);
        }
        return cpus;
    }

    /** Parses perf's term syntax ({@code event=0x02}, {@code event=0x02,umask=0x01}) and returns the event term. */
    static long parseConfig(Path file) throws SourceUnavailableException {
        String text = readSmallFile(file);
        for (String term : text.split(",")) {
            int equals = term.indexOf('=');
            if (equals > 0 && term.substring(0, equals).strip().equals("event")) {
                String value = term.substring(equals + 1).strip();
                try {
                    return value.startsWith("0x") || value.startsWith("0X")
                            ? Long.parseUnsignedLong(value.substring(2), 16)
                            : Long.parseUnsignedLong(value);
                } catch (NumberFormatException e) {
                    throw unavailable(file + " holds '" + text + "': the event term '" + value + "' is not a"
                            + " number", NOT_A_KERNEL_TREE);
                }
            }
        }
        throw unavailable(file + " holds '" + text + "', expected an event term such as event=0x02",
                NOT_A_KERNEL_TREE);
    }

    private static double parseScale(Path file) throws SourceUnavailableException {
        String text = readSmallFile(file);
        double scale;
        try {
            scale = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            throw unavailable(file + " holds '" + text + "', expected joules per count such as"
                    + " 2.3283064365386962890625e-10", NOT_A_KERNEL_TREE);
        }
        if (!(scale > 0) || Double.isInfinite(scale) || Math.floor(0x1p64 * scale * 1e6) < 1) {
            throw unavailable(file + " holds " + text + ": a scale must be positive, finite and at least 2^-64 µJ"
                    + " per count", NOT_A_KERNEL_TREE);
        }
        return scale;
    }

    private static void requireJoules(Path file) throws SourceUnavailableException {
        String unit = readSmallFile(file);
        if (!unit.equals(UNIT)) {
            throw unavailable(file + " says the event counts in '" + unit + "', not " + UNIT,
                    "use another source (erg domains lists them)");
        }
    }

    private static String readSmallFile(Path file) throws SourceUnavailableException {
        try {
            return Files.readString(file).strip();
        } catch (NoSuchFileException e) {
            throw unavailable(file + " is missing from the power PMU's description", NOT_A_KERNEL_TREE);
        } catch (AccessDeniedException e) {
            throw unavailable(file + " cannot be read by this user", "make sysfs readable, or run as root");
        } catch (IOException e) {
            throw unavailable("cannot read " + file + ": " + e, NOT_A_KERNEL_TREE);
        }
    }

    private static SourceUnavailableException unavailable(String reason, String fix) {
        return new SourceUnavailableException(PerfPowerSource.NAME, reason, fix);
    }
}
