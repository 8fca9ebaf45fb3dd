package dev.ergometer.groups;

import dev.ergometer.sampler.Sampler;
import dev.ergometer.sampler.Ticker;
import dev.ergometer.source.EnergySource;
import dev.ergometer.source.EnergySources;
import dev.ergometer.source.SourceFactory;
import dev.ergometer.source.SourceUnavailableException;
import dev.ergometer.source.SystemPaths;
import dev.ergometer.source.model.ProcStatCpuLine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * vJoule's process-group API: the machine's energy and the energy of process groups (cgroups) since they were
 * tracked, per component (CPU, RAM, GPU), answered at once, in this process or by a running {@code erg agent}.
 *
 * <p>{@link #open()} asks the agent when its Unix socket ({@value #AGENT_SOCKET_VARIABLE}, default
 * {@code /run/ergometer/agent.sock}) exists and answers: the agent keeps the attribution state, so answers come at
 * once, and members of its {@code ergometer} Unix group may create groups of their own processes without root.
 * Otherwise the API works in this process ({@link #openLocal()}): a {@link Sampler} over the best energy source and
 * an attribution loop that, every interval (and at every query), splits each domain's energy with
 * {@link dev.ergometer.attribution.Attribution#split}: an idle part, the groups' parts by their cgroup CPU time over
 * the node's busy time, and the rest (work outside the groups). Each group accumulates its parts from the moment it
 * is tracked, so {@code machine == idle + groups + removed + unattributed} exactly, in microjoules, at every moment. A
 * process that ends keeps its energy: its CPU time stays in its cgroup's counter. {@link #backend()} and
 * {@link #toString()} say which of the two answers.
 *
 * <p>The model's limits: RAM energy is shared by CPU time too (GPU energy goes by the processes' GPU utilisation from
 * NVML, or stays unattributed without it); groups must not nest (a nested group's CPU time would be counted twice and every share scaled down);
 * see docs/attribution.md.
 *
 * <pre>{@code
 * try (ProcessGroups api = ProcessGroups.open()) {
 *     MeteredGroup self = api.group("this");
 *     Consumption machineBefore = api.machine();
 *     Consumption selfBefore = self.consumption();
 *     work();
 *     Consumption machineUsed = api.machine().minus(machineBefore);
 *     Consumption selfUsed = self.consumption().minus(selfBefore);
 *     System.out.println(selfUsed + " = " + selfUsed.percentOf(machineUsed).cpuPercent() + " % of " + machineUsed);
 * }
 * }</pre>
 *
 * <p>Creating groups (and {@code this}) needs write access to the cgroup tree: root in process, or through a running
 * {@code erg agent} membership of its socket's group (and then only with one's own processes). Thread-safe.
 */
public final class ProcessGroups implements AutoCloseable {

    /** The name of the group holding the current process. */
    public static final String THIS = "this";

    /** The environment variable naming the agent's socket. */
    public static final String AGENT_SOCKET_VARIABLE = "ERGOMETER_AGENT_SOCKET";

    /** Where {@code erg agent} serves process groups unless {@code AGENT_SOCKET} says otherwise. */
    public static final Path DEFAULT_AGENT_SOCKET = Path.of("/run/ergometer/agent.sock");

    /** Which side answers a {@link ProcessGroups}. */
    public enum Backend {
        /** This process: its own sampler and attribution loop, its own cgroup writes. */
        IN_PROCESS,
        /** A running {@code erg agent}, over its Unix socket. */
        AGENT
    }

    private final GroupsBackend backend;
    private final String agentNote;

    private ProcessGroups(GroupsBackend backend, String agentNote) {
        this.backend = backend;
        this.agentNote = agentNote;
    }

    /**
     * Opens the API: through the running agent when its socket ({@value #AGENT_SOCKET_VARIABLE}, else
     * {@link #DEFAULT_AGENT_SOCKET}) exists and answers, else in this process ({@link #openLocal()}); when a socket
     * exists but does not answer, {@link #toString()} says why.
     *
     * @throws SourceUnavailableException in process, when no energy source can be used (the message lists why for
     *     each)
     * @throws CgroupException in process, when no usable cgroup tree is mounted
     * @throws IOException in process, when {@code /proc/stat} cannot be opened
     */
    public static ProcessGroups open() throws SourceUnavailableException, CgroupException, IOException {
        return open(agentSocket(System.getenv()));
    }

    /**
     * Like {@link #open()}, with the agent's socket given: through the agent when {@code agentSocket} exists and
     * answers, else in this process ({@link #toString()} says why the agent was not used).
     */
    public static ProcessGroups open(Path agentSocket)
            throws SourceUnavailableException, CgroupException, IOException {
        String note;
        if (Files.exists(agentSocket)) {
            try {
                return openAgent(agentSocket);
            } catch (IOException e) {
                note = "agent socket not used: " + e.getMessage();
            }
        } else {
            note = "no agent socket at " + agentSocket;
        }
        ProcessGroups local = openLocal();
        return new ProcessGroups(local.backend, note);
    }

    /**
     * Opens the API in this process: the best energy source ({@link EnergySources#openBest}) over
     * {@link SystemPaths#fromEnvironment()}, the cgroup trees, and an attribution interval of one second.
     *
     * @throws SourceUnavailableException when no energy source can be used (the message lists why for each)
     * @throws CgroupException when no usable cgroup tree is mounted
     * @throws IOException when {@code /proc/stat} cannot be opened
     */
    public static ProcessGroups openLocal() throws SourceUnavailableException, CgroupException, IOException {
        return openLocal(SystemPaths.fromEnvironment(), EnergySources.all(), Ticker.system(),
                Sampler.DEFAULT_INTERVAL_NANOS);
    }

    /** In this process, like {@link #openLocal()}, over the given roots, among the given factories, on a clock. */
    public static ProcessGroups open(SystemPaths paths, List<SourceFactory> factories, Ticker ticker)
            throws SourceUnavailableException, CgroupException, IOException {
        return openLocal(paths, factories, ticker, Sampler.DEFAULT_INTERVAL_NANOS);
    }

    /** In this process: the same as {@link #openLocal(SystemPaths, List, Ticker, long)}. */
    public static ProcessGroups open(SystemPaths paths, List<SourceFactory> factories, Ticker ticker,
            long intervalNanos) throws SourceUnavailableException, CgroupException, IOException {
        return openLocal(paths, factories, ticker, intervalNanos);
    }

    /**
     * Opens the API in this process over the given roots, choosing among the given source factories, on the given
     * clock, attributing every {@code intervalNanos} in the background (and at every query).
     */
    public static ProcessGroups openLocal(SystemPaths paths, List<SourceFactory> factories, Ticker ticker,
            long intervalNanos) throws SourceUnavailableException, CgroupException, IOException {
        checkInterval(intervalNanos);
        CgroupFs cgroups = CgroupFs.discover(paths);
        EnergySource source = EnergySources.openBest(factories, paths, ticker).source();
        Sampler sampler = null;
        try {
            sampler = new Sampler(source, ticker, intervalNanos).start();
            return new ProcessGroups(engine(paths, sampler, true, cgroups, intervalNanos), null);
        } catch (IOException | RuntimeException e) {
            if (sampler != null) {
                sampler.close();
            }
            source.close();
            throw e;
        }
    }

    /**
     * Opens the API in this process over a sampler the caller owns (and its source), as {@code erg agent} shares its
     * own: {@link #close()} leaves both open. The machine's consumption counts from now.
     *
     * @throws CgroupException when no usable cgroup tree is mounted
     * @throws IOException when {@code /proc/stat} cannot be opened
     */
    public static ProcessGroups openLocal(SystemPaths paths, Sampler sampler, long intervalNanos)
            throws CgroupException, IOException {
        checkInterval(intervalNanos);
        return new ProcessGroups(engine(paths, sampler, false, CgroupFs.discover(paths), intervalNanos), null);
    }

    /**
     * Opens the API through the {@code erg agent} serving the given Unix socket; every answer comes from the agent.
     *
     * @throws IOException when the socket is absent, not permitted to this user (the message says how to join the
     *     socket's group), refuses the connection (no agent is running) or does not answer in time
     */
    public static ProcessGroups openAgent(Path socket) throws IOException {
        return new ProcessGroups(AgentGroups.connect(socket), null);
    }

    /** The agent's socket: {@value #AGENT_SOCKET_VARIABLE} when set and not blank, else the default path. */
    public static Path agentSocket(Map<String, String> environment) {
        String value = environment.get(AGENT_SOCKET_VARIABLE);
        return value == null || value.isBlank() ? DEFAULT_AGENT_SOCKET : Path.of(value.strip());
    }

    private static LocalGroups engine(SystemPaths paths, Sampler sampler, boolean ownsSampler, CgroupFs cgroups,
            long intervalNanos) throws IOException {
        ProcStatCpuLine node = ProcStatCpuLine.open(paths.proc("stat"));
        try {
            return new LocalGroups(sampler, ownsSampler, cgroups, node, intervalNanos);
        } catch (RuntimeException e) {
            node.close();
            throw e;
        }
    }

    private static void checkInterval(long intervalNanos) {
        if (intervalNanos <= 0) {
            throw new IllegalArgumentException("the attribution interval must be > 0 ns, got " + intervalNanos);
        }
    }

    /** Which side answers: this process or the agent. */
    public Backend backend() {
        return backend.kind();
    }

    /**
     * The energy source measured, in process.
     *
     * @throws IllegalStateException through the agent, whose source lives in the agent: use {@link #sourceName()}
     *     and {@link #estimated()}
     */
    public EnergySource source() {
        return local("source()", "use sourceName() and estimated()").source();
    }

    /**
     * The cgroup trees groups are found and created in, in process.
     *
     * @throws IllegalStateException through the agent, which finds and creates the groups
     */
    public CgroupFs cgroups() {
        return local("cgroups()", "use CgroupFs.discover(SystemPaths.real()) to look at the trees yourself")
                .cgroups();
    }

    /** The energy source's name ({@code powercap}, {@code model}, ...), wherever it is read. */
    public String sourceName() {
        return backend.sourceName();
    }

    /** True when the numbers come from a model (the {@code model} source) and not from hardware counters. */
    public boolean estimated() {
        return backend.estimated();
    }

    private LocalGroups local(String what, String instead) {
        if (backend instanceof LocalGroups local) {
            return local;
        }
        throw new IllegalStateException(what + " exists only in process; this ProcessGroups is answered by "
                + backend.describe() + ": " + instead);
    }

    /**
     * The machine's energy since this API was opened (vJoule's {@code getCurrentMachineConsumption}); through the
     * agent, since the agent started.
     */
    public Consumption machine() {
        return backend.machine();
    }

    /** The part of the machine's energy spent while the CPUs were idle, since {@link #machine()} counts. */
    public Consumption idle() {
        return backend.idle();
    }

    /**
     * The machine's active energy no group was given since {@link #machine()} counts: work outside the groups,
     * energy from before a group was tracked, and rounding remainders.
     */
    public Consumption unattributed() {
        return backend.unattributed();
    }

    /**
     * The machine's energy and how it splits, all at one moment:
     * {@code machine == idle + sum(groups) + removed + unattributed}, exactly, component by component. Through the
     * agent, every group the agent follows (for every user) is listed.
     */
    public Balance balance() {
        return backend.balance();
    }

    /**
     * How the machine's energy splits, at one moment.
     *
     * @param machine the machine's energy
     * @param idle the part spent while the CPUs were idle
     * @param unattributed the active part no group was given
     * @param groups each tracked group's part, by name, in the order they were asked for
     * @param removed the parts of groups no longer followed (removed, or forgotten by every client of the agent)
     */
    public record Balance(Consumption machine, Consumption idle, Consumption unattributed,
            Map<String, Consumption> groups, Consumption removed) {
        public Balance {
            groups = Collections.unmodifiableMap(new LinkedHashMap<>(groups));
        }

        /** A balance where no group was removed yet. */
        public Balance(Consumption machine, Consumption idle, Consumption unattributed,
                Map<String, Consumption> groups) {
            this(machine, idle, unattributed, groups, new Consumption(machine.timeNanos(), 0, 0, 0,
                    machine.estimated()));
        }

        /** {@code idle + groups + removed + unattributed}: equal to {@link #machine()}, always. */
        public Consumption parts() {
            Consumption sum = idle.plus(unattributed).plus(removed);
            for (Consumption group : groups.values()) {
                sum = sum.plus(group);
            }
            return sum;
        }
    }

    /**
     * A group by name (vJoule's {@code getGroup}): {@value #THIS} for the current process, else an existing cgroup
     * by its path from the hierarchies' roots ({@code "slice/group"}). Its consumption counts from now; asking twice
     * for the same name gives the same group.
     *
     * <p>{@value #THIS} is a real group, as in vJoule: {@code ergometer.slice/this-PID}, created and this JVM moved
     * into it (and back on {@link #close()}). When another {@code ProcessGroups} of this JVM already made it, that
     * group is used (and left to its maker to remove).
     *
     * @throws CgroupException when the cgroup does not exist, or creating {@code this} is not permitted (run as root,
     *     or join the agent's {@code ergometer} group)
     */
    public MeteredGroup group(String name) throws CgroupException {
        return name.equals(THIS) ? backend.thisGroup(ProcessHandle.current().pid()) : backend.find(name);
    }

    /**
     * The group {@value #THIS} of another process: {@code ergometer.slice/this-PID}, created and the process moved
     * into it (and back on {@link #close()}), as a server answering for its clients needs it. Through the agent, only
     * for a process of one's own user (root excepted).
     *
     * @throws CgroupException when the process does not exist, or moving it is not permitted
     */
    public MeteredGroup thisGroup(long pid) throws CgroupException {
        return backend.thisGroup(pid);
    }

    /**
     * Creates the group {@code ergometer.slice/NAME} with the given processes (vJoule's {@code createGroup}); its
     * consumption counts from now. {@link #close()} removes it and moves its processes back.
     *
     * @throws CgroupException when it exists already, no pid could be moved, the tree is not writable by this user
     *     (run as root, or through {@code erg agent}), or through the agent a pid belongs to another user
     * @throws IllegalArgumentException when the name is not a valid {@link GroupName}
     */
    public MeteredGroup createGroup(String name, long... pids) throws CgroupException {
        return backend.create(name, pids.clone());
    }

    /**
     * Stops following a group; a group this {@code ProcessGroups} created is removed (its processes moved back). Its
     * energy so far moves to {@link Balance#removed()}.
     *
     * @throws CgroupException when the created group could not be removed (it is no longer followed all the same)
     * @throws IllegalArgumentException when the group is not one this {@code ProcessGroups} follows
     */
    public void remove(MeteredGroup group) throws CgroupException {
        if (group.backend() != backend) {
            throw new IllegalArgumentException(group + " belongs to another ProcessGroups");
        }
        backend.remove(group);
    }

    /** The groups tracked, in the order they were asked for. */
    public List<MeteredGroup> groups() {
        return backend.groups();
    }

    /**
     * Removes exactly the groups this object created (moving their processes back where they came from), and closes
     * the sampler and the source it opened (or the connection to the agent). Groups found, not created, are left
     * alone.
     *
     * @throws IllegalStateException when a created group could not be removed; everything else is closed first
     */
    @Override
    public void close() {
        backend.close();
    }

    /** Which backend answers and how, for example {@code ProcessGroups[agent at /run/ergometer/agent.sock, ...]}. */
    @Override
    public String toString() {
        return "ProcessGroups[" + backend.describe() + (agentNote == null ? "" : "; " + agentNote) + "]";
    }
}
