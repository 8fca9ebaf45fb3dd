package dev.ergometer.attribution;

import dev.ergometer.json.JsonReader;
import dev.ergometer.sampler.Ticker;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The names of containers, asked of the Docker Engine API over its Unix socket and cached: Docker's own, or Podman's
 * Docker-compatible service ({@code podman system service}, socket {@code $XDG_RUNTIME_DIR/podman/podman.sock} or
 * {@code /run/podman/podman.sock}), which answers the same requests.
 *
 * <pre>{@code
 * ContainerNames names = ContainerNames.fromEnvironment();     // $DOCKER_HOST if unix://..., else /var/run/docker.sock
 * ContainerNames.Lookup lookup = names.lookup(Set.of(containerId));
 * lookup.namesById().get(containerId);                          // "web", or null when unknown
 * }</pre>
 *
 * <p>The list ({@code GET /containers/json?all=true}) is fetched again at most every {@value #MAX_AGE_NANOS} ns, and
 * at once when an id is looked up that the last list did not have (once per id until the next periodic refresh, so
 * the containers of other runtimes, which Docker never knows, cost nothing). The API version is the daemon's own, from
 * the {@code API-Version} header of {@code GET /_ping}, as the Docker client negotiates it: a pinned old version is
 * refused by newer daemons (Docker 29 accepts 1.44 and later), and the fields read ({@code Id}, {@code Names}) are the
 * same in every version. Without that header the unversioned path is used.
 *
 * <p>Never fails: no socket (no Docker here) or no daemon behind it means no names, silently, and the containers keep
 * their ids. A daemon that refuses us (permission denied on the socket, HTTP 401/403) or answers something unusable is
 * reported once, with the fix, in a {@link Lookup#warning()}. Thread-safe.
 */
public final class ContainerNames {

    /** The longest a fetched list is used before it is fetched again: 5 s. */
    public static final long MAX_AGE_NANOS = 5_000_000_000L;

    /** How long one request may take before the daemon is taken as unreachable: 2 s. */
    public static final long TIMEOUT_NANOS = 2_000_000_000L;

    /** Where the Docker Engine listens unless {@code DOCKER_HOST} says otherwise. */
    public static final Path DEFAULT_SOCKET = Path.of("/var/run/docker.sock");

    static final String PERMISSION_FIX = "run Ergometer as root, or add this user to the docker group (sudo usermod"
            + " -aG docker $USER, then log in again); for rootless Docker or Podman set DOCKER_HOST to that user's"
            + " socket (unix://$XDG_RUNTIME_DIR/docker.sock, unix://$XDG_RUNTIME_DIR/podman/podman.sock)";

    private static final Pattern API_VERSION = Pattern.compile("[0-9]+\\.[0-9]+");
    private static final Pattern CONTAINER_ID = Pattern.compile("[0-9a-f]{64}");

    /**
     * Container names found for a set of ids.
     *
     * @param namesById the name of each id whose container the daemon knows
     * @param warning a problem met with the daemon, for people; given once in this object's life
     */
    public record Lookup(Map<String, String> namesById, Optional<String> warning) {
        public Lookup {
            namesById = Map.copyOf(namesById);
            Objects.requireNonNull(warning, "warning");
        }
    }

    private final DockerEngineClient client;
    private final Ticker ticker;
    private Map<String, String> names = Map.of();
    private final Set<String> missed = new HashSet<>();
    private boolean fetched;
    private long fetchedAtNanos;
    private String apiPrefix;
    private boolean warned;

    private ContainerNames(DockerEngineClient client, Ticker ticker) {
        this.client = client;
        this.ticker = ticker;
    }

    /** Names from the daemon at {@code $DOCKER_HOST} when it is {@code unix://PATH}, else at /var/run/docker.sock. */
    public static ContainerNames fromEnvironment() {
        return at(socketFor(System.getenv("DOCKER_HOST")));
    }

    /** Names from the Docker Engine API at this Unix socket. */
    public static ContainerNames at(Path socket) {
        return at(socket, Ticker.system());
    }

    /** Names from the Docker Engine API at this Unix socket, with the given clock for the cache's age. */
    public static ContainerNames at(Path socket, Ticker ticker) {
        return new ContainerNames(new DockerEngineClient(socket, TIMEOUT_NANOS), Objects.requireNonNull(ticker));
    }

    /** No names at all: containers keep their ids, no daemon is asked. */
    public static ContainerNames none() {
        return new ContainerNames(null, Ticker.system());
    }

    /** The socket named by a {@code DOCKER_HOST} value: its path when it is {@code unix://PATH}, else the default. */
    static Path socketFor(String dockerHost) {
        if (dockerHost != null && dockerHost.startsWith("unix://") && dockerHost.length() > "unix://".length()) {
            return Path.of(dockerHost.substring("unix://".length()));
        }
        return DEFAULT_SOCKET;
    }

    /** The socket asked, if any. */
    public Optional<Path> socket() {
        return client == null ? Optional.empty() : Optional.of(client.socket());
    }

    /** The names of the given container ids (full, 64 hexadecimal digits) that the daemon knows. */
    public synchronized Lookup lookup(Set<String> containerIds) {
        if (client == null || containerIds.isEmpty()) {
            return new Lookup(Map.of(), Optional.empty());
        }
        long now = ticker.nanos();
        boolean stale = !fetched || now - fetchedAtNanos >= MAX_AGE_NANOS;
        boolean unknown = false;
        for (String id : containerIds) {
            unknown |= !names.containsKey(id) && !missed.contains(id);
        }
        Optional<String> warning = Optional.empty();
        if (stale || unknown) {
            if (stale) {
                missed.clear();
            }
            Optional<String> problem = fetch();
            fetched = true;
            fetchedAtNanos = now;
            if (problem.isPresent() && !warned) {
                warned = true;
                warning = problem;
            }
            for (String id : containerIds) {
                if (!names.containsKey(id)) {
                    missed.add(id);
                }
            }
        }
        Map<String, String> found = new HashMap<>();
        for (String id : containerIds) {
            String name = names.get(id);
            if (name != null) {
                found.put(id, name);
            }
        }
        return new Lookup(found, warning);
    }

    /** Fetches the list into {@link #names}; a problem worth telling people, if any (no daemon is none). */
    private Optional<String> fetch() {
        String where = "the Docker Engine API at " + client.socket();
        try {
            if (apiPrefix == null) {
                apiPrefix = negotiate();
            }
            DockerEngineClient.Reply reply = client.get(apiPrefix + "/containers/json?all=true");
            if (reply.status() == 400 && !apiPrefix.isEmpty()) {
                apiPrefix = negotiate(); // the daemon was upgraded or downgraded under us
                reply = client.get(apiPrefix + "/containers/json?all=true");
            }
            if (reply.status() == 401 || reply.status() == 403) {
                return Optional.of(where + " refused to list containers (HTTP " + reply.status() + message(reply)
                        + "): containers are shown by id. Fix: " + PERMISSION_FIX + "; behind a socket proxy or an"
                        + " authorization plugin, allow GET /containers/json");
            }
            if (reply.status() != 200) {
                return Optional.of(where + " answered HTTP " + reply.status() + message(reply)
                        + " to GET /containers/json: containers are shown by id");
            }
            names = parse(reply.body());
            return Optional.empty();
        } catch (IOException e) {
            String message = String.valueOf(e.getMessage());
            if (message.contains("No such file or directory") || message.contains("Connection refused")) {
                apiPrefix = null;
                return Optional.empty(); // no Docker here, or not running: ids only, as without Docker
            }
            if (message.contains("Permission denied")) {
                return Optional.of("cannot connect to " + where + ": permission denied: containers are shown by id."
                        + " Fix: " + PERMISSION_FIX);
            }
            apiPrefix = null;
            return Optional.of("cannot get container names from " + where + ": " + message
                    + ": containers are shown by id");
        } catch (IllegalArgumentException e) {
            return Optional.of(where + " answered GET /containers/json with something that is not a list of"
                    + " containers (" + e.getMessage() + "): containers are shown by id");
        }
    }

    /** The API path prefix to use: {@code /v<the daemon's version>}, or none when the daemon does not say it. */
    private String negotiate() throws IOException {
        DockerEngineClient.Reply ping = client.get("/_ping");
        String version = ping.header("API-Version");
        if (ping.status() == 200 && version != null && API_VERSION.matcher(version).matches()) {
            return "/v" + version;
        }
        return "";
    }

    /** Id to name, from a {@code /containers/json} reply. */
    static Map<String, String> parse(String body) {
        Map<String, String> byId = new HashMap<>();
        for (Object item : JsonReader.array(body)) {
            if (!(item instanceof Map<?, ?> container)) {
                throw new IllegalArgumentException("an item of the list is not an object");
            }
            Object id = container.get("Id");
            Object names = container.get("Names");
            if (id instanceof String text && CONTAINER_ID.matcher(text).matches() && names instanceof List<?> list) {
                String name = primaryName(list);
                if (name != null) {
                    byId.put(text, name);
                }
            }
        }
        return Map.copyOf(byId);
    }

    /**
     * The container's own name among its names: Docker prefixes names with '/' and lists legacy link aliases as
     * {@code /other/alias}; the first name without a second '/' is the container's.
     */
    private static String primaryName(List<?> names) {
        String first = null;
        for (Object value : names) {
            if (value instanceof String name && !name.isBlank()) {
                String bare = name.startsWith("/") ? name.substring(1) : name;
                if (!bare.contains("/")) {
                    return bare;
                }
                first = first == null ? bare : first;
            }
        }
        return first;
    }

    private static String message(DockerEngineClient.Reply reply) {
        try {
            Object message = JsonReader.object(reply.body()).get("message");
            return message instanceof String text ? ": " + text : "";
        } catch (IllegalArgumentException e) {
            String body = reply.body().strip();
            return body.isEmpty() ? "" : ": " + (body.length() > 200 ? body.substring(0, 200) + "..." : body);
        }
    }
}
