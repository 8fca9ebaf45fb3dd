package dev.ergometer.attribution;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Who used the energy: the host as a whole, a process, a cgroup, a container or a Kubernetes pod.
 *
 * <p>Each consumer has a stable {@link #id()} for machines (a metric label, a map key in JSON) and a {@link #label()}
 * for people. Ids are Ergometer's own ({@code process/1234@5678}, {@code container/docker/3f2a...}); they are not
 * domain ids and do not follow pyJoules' naming.
 */
public sealed interface Consumer permits Consumer.Host, Consumer.Process, Consumer.Cgroup, Consumer.Container,
        Consumer.Pod {

    /** The kinds of consumer, from the whole machine down to a process. */
    enum Kind { HOST, POD, CONTAINER, CGROUP, PROCESS }

    /** The kind of this consumer. */
    Kind kind();

    /** A stable identifier, unique among consumers of all kinds. */
    String id();

    /** A short description for people, for example {@code java (pid 1234)}. */
    String label();

    /** The machine as a whole. */
    record Host() implements Consumer {
        @Override
        public Kind kind() {
            return Kind.HOST;
        }

        @Override
        public String id() {
            return "host";
        }

        @Override
        public String label() {
            return "host";
        }
    }

    /**
     * A process, told apart from a later process with the same pid by its start time.
     *
     * <p>Two values are equal when pid and start time are: the command name ({@code comm}) may change during the
     * process's life ({@code prctl(PR_SET_NAME)}) and is only a description.
     *
     * @param pid the process id, {@code > 0}
     * @param startTimeTicks when the process started, in clock ticks after boot (field 22 of {@code /proc/PID/stat})
     * @param comm the command name as the kernel keeps it (at most 15 bytes, may hold spaces and parentheses)
     */
    record Process(int pid, long startTimeTicks, String comm) implements Consumer {
        public Process {
            if (pid <= 0) {
                throw new IllegalArgumentException("a pid is > 0, got " + pid);
            }
            if (startTimeTicks < 0) {
                throw new IllegalArgumentException("a start time is >= 0 ticks, got " + startTimeTicks);
            }
            Objects.requireNonNull(comm, "comm");
        }

        @Override
        public Kind kind() {
            return Kind.PROCESS;
        }

        @Override
        public String id() {
            return "process/" + pid + "@" + startTimeTicks;
        }

        @Override
        public String label() {
            return comm + " (pid " + pid + ")";
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Process p && p.pid == pid && p.startTimeTicks == startTimeTicks;
        }

        @Override
        public int hashCode() {
            return Integer.hashCode(pid) * 31 + Long.hashCode(startTimeTicks);
        }
    }

    /**
     * A control group, by its path from the root of its hierarchy as {@code /proc/PID/cgroup} prints it.
     *
     * @param path an absolute path such as {@code /system.slice/docker-3f2a.scope}, without {@code ..} or a trailing
     *     slash ({@code /} itself is the root group)
     */
    record Cgroup(String path) implements Consumer {
        public Cgroup {
            Objects.requireNonNull(path, "path");
            if (!path.startsWith("/")) {
                throw new IllegalArgumentException("a cgroup path starts with '/' (relative to the hierarchy's root),"
                        + " got '" + path + "'");
            }
            if (path.length() > 1 && path.endsWith("/")) {
                throw new IllegalArgumentException("a cgroup path has no trailing '/': '" + path + "'");
            }
            for (String part : path.split("/")) {
                if (part.equals("..") || part.equals(".")) {
                    throw new IllegalArgumentException("a cgroup path has no '.' or '..' parts: '" + path + "'");
                }
            }
            if (path.contains("//") || path.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("malformed cgroup path '" + path + "'");
            }
        }

        /** A cgroup from a path with or without its leading slash ({@code "slice/group"} or {@code "/slice/group"}). */
        public static Cgroup of(String path) {
            return new Cgroup(path.startsWith("/") ? path : "/" + path);
        }

        @Override
        public Kind kind() {
            return Kind.CGROUP;
        }

        @Override
        public String id() {
            return "cgroup" + path;
        }

        @Override
        public String label() {
            return path;
        }
    }

    /**
     * A container, by its runtime and full id; the name is known only when the runtime was asked for it.
     *
     * @param runtime {@code docker}, {@code containerd}, {@code cri-o} or {@code podman}
     * @param id the container id, lower-case hexadecimal (64 digits for the runtimes above)
     * @param name the container's name, or {@code null} when unknown
     */
    record Container(String runtime, String id, String name) implements Consumer {

        private static final Pattern HEX_ID = Pattern.compile("[0-9a-f]{12,64}");
        private static final Pattern RUNTIME = Pattern.compile("[a-z][a-z0-9-]*");

        public Container {
            Objects.requireNonNull(runtime, "runtime");
            Objects.requireNonNull(id, "id");
            if (!RUNTIME.matcher(runtime).matches()) {
                throw new IllegalArgumentException("a runtime name is lower-case letters, digits and '-', got '"
                        + runtime + "'");
            }
            if (!HEX_ID.matcher(id).matches()) {
                throw new IllegalArgumentException("a container id is 12 to 64 lower-case hexadecimal digits, got '"
                        + id + "'");
            }
            if (name != null && name.isBlank()) {
                throw new IllegalArgumentException("a container name is not blank; use null when it is unknown");
            }
        }

        /** A container whose name is not known. */
        public Container(String runtime, String id) {
            this(runtime, id, null);
        }

        /** The container's name, when known. */
        public Optional<String> knownName() {
            return Optional.ofNullable(name);
        }

        /** This container with a name. */
        public Container withName(String newName) {
            return new Container(runtime, id, newName);
        }

        /**
         * The container's full id as its runtime gives it (64 hexadecimal digits); {@link #id()} is Ergometer's
         * consumer id, {@code container/<runtime>/<id>}.
         */
        public String containerId() {
            return id;
        }

        /** The first 12 digits of the id, as {@code docker ps} shows it. */
        public String shortId() {
            return id.substring(0, 12);
        }

        @Override
        public Kind kind() {
            return Kind.CONTAINER;
        }

        @Override
        public String id() {
            return "container/" + runtime + "/" + id;
        }

        @Override
        public String label() {
            return (name != null ? name : shortId()) + " (" + runtime + ")";
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Container c && c.runtime.equals(runtime) && c.id.equals(id);
        }

        @Override
        public int hashCode() {
            return runtime.hashCode() * 31 + id.hashCode();
        }
    }

    /**
     * A Kubernetes pod, by its UID and quality-of-service class, as the kubelet names its cgroup.
     *
     * @param uid the pod's UID in its usual form, with dashes ({@code 8a1c...-...})
     */
    record Pod(String uid, QosClass qosClass) implements Consumer {

        private static final Pattern UID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

        public Pod {
            Objects.requireNonNull(uid, "uid");
            Objects.requireNonNull(qosClass, "qosClass");
            if (!UID.matcher(uid).matches()) {
                throw new IllegalArgumentException("a pod UID looks like 01234567-89ab-cdef-0123-456789abcdef, got '"
                        + uid + "'");
            }
        }

        @Override
        public Kind kind() {
            return Kind.POD;
        }

        @Override
        public String id() {
            return "pod/" + uid;
        }

        @Override
        public String label() {
            return "pod " + uid + " (" + qosClass.label() + ")";
        }
    }

    /** A pod's Kubernetes quality-of-service class, which the kubelet puts in its cgroup path. */
    enum QosClass {
        GUARANTEED("Guaranteed"), BURSTABLE("Burstable"), BEST_EFFORT("BestEffort");

        private final String label;

        QosClass(String label) {
            this.label = label;
        }

        /** The class as Kubernetes spells it. */
        public String label() {
            return label;
        }
    }
}
