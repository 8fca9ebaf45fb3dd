package dev.ergometer.cli;

import dev.ergometer.attribution.Consumer;
import dev.ergometer.attribution.TopSnapshot;
import dev.ergometer.attribution.TopSnapshotJson;
import dev.ergometer.json.JsonReader;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@code erg top}'s snapshots read from a running {@code erg agent} over HTTP: {@code GET /api/v1/top} gives the
 * agent's latest attributed interval. JDK and core only (the agent's own classes are not on {@code erg top}'s class
 * path).
 */
final class AgentTopFeed implements TopFeed {

    /** Where {@code erg top} looks for an agent when not told: the agent's default bind address and port. */
    static final URI LOCAL_AGENT = URI.create("http://127.0.0.1:9464");

    /** How long the look for a local agent may take, so that {@code erg top} starts at once without one. */
    static final Duration PROBE_TIMEOUT = Duration.ofMillis(300);

    /** The most rows the agent gives in one answer. */
    static final int MAX_ROWS = 1000;

    private final URI base;
    private final HttpClient client;
    private final Duration requestTimeout;

    private AgentTopFeed(URI base, Duration requestTimeout) {
        this.base = base;
        this.requestTimeout = requestTimeout;
        this.client = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
    }

    /**
     * A feed from the agent at {@code url} ({@code http://host:port}), not contacted yet.
     *
     * @param requestTimeout how long one answer may take
     * @throws IllegalArgumentException when {@code url} is not an http(s) URL with a host
     */
    static AgentTopFeed at(String url, Duration requestTimeout) {
        URI uri;
        try {
            uri = URI.create(url.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--agent takes the agent's URL such as http://127.0.0.1:9464, got '"
                    + url + "': " + e.getMessage(), e);
        }
        if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null) {
            throw new IllegalArgumentException("--agent takes the agent's URL such as http://127.0.0.1:9464"
                    + " (http://host:port), got '" + url + "'");
        }
        String text = uri.toString();
        return new AgentTopFeed(URI.create(text.endsWith("/") ? text.substring(0, text.length() - 1) : text),
                requestTimeout);
    }

    /**
     * The agent at {@link #LOCAL_AGENT}, when one answers there as an Ergometer agent (see {@link #find}); empty
     * otherwise, so that {@code erg top} measures in process.
     */
    static Optional<AgentTopFeed> findLocal(Duration requestTimeout) {
        return find(LOCAL_AGENT, requestTimeout);
    }

    /**
     * The agent at {@code url}, when it answers {@code /health} as an Ergometer agent within {@link #PROBE_TIMEOUT}
     * and attributes energy; empty when nothing listens, something else does, or its attribution is off.
     */
    static Optional<AgentTopFeed> find(URI url, Duration requestTimeout) {
        AgentTopFeed probe = new AgentTopFeed(url, PROBE_TIMEOUT);
        try (probe) {
            if (!probe.answersAsAgent()) {
                return Optional.empty();
            }
            HttpResponse<String> top = probe.get("/api/v1/top?limit=0");
            if (top.statusCode() != 200 && !"no-interval-yet".equals(errorReason(top.body()))) {
                return Optional.empty();   // attribution off, or an agent without /api/v1/top
            }
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
        return Optional.of(new AgentTopFeed(url, requestTimeout));
    }

    /** Whether {@code /health} answers with the agent's JSON (status 200, or 503 when its samples are late). */
    private boolean answersAsAgent() throws IOException, InterruptedException {
        HttpResponse<String> health = get("/health");
        if (health.statusCode() != 200 && health.statusCode() != 503) {
            return false;
        }
        try {
            Map<String, Object> body = JsonReader.object(health.body());
            return body.get("ok") instanceof Boolean && body.get("source") instanceof String
                    && body.containsKey("uptime_s") && body.containsKey("samples");
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    @Override
    public String origin() {
        return "via agent at " + base;
    }

    @Override
    public boolean firstSnapshotNeedsAnInterval() {
        return false;
    }

    @Override
    public TopSnapshot next(Consumer.Kind kind, int limit) throws Unavailable {
        String path = "/api/v1/top?view=" + TopSnapshot.viewName(kind) + "&limit="
                + Math.clamp(limit, 0, MAX_ROWS);
        HttpResponse<String> response;
        try {
            response = get(path);
        } catch (IOException e) {
            throw new Unavailable("no answer from the agent at " + base + " (" + describe(e) + "); is `erg agent`"
                    + " still running? Retrying; `erg top --local` measures in this process instead", false, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable("interrupted while asking the agent at " + base, false, e);
        }
        if (response.statusCode() == 200) {
            try {
                return TopSnapshotJson.read(response.body());
            } catch (IllegalArgumentException e) {
                throw new Unavailable("the agent at " + base + " answered " + path + " with JSON this erg cannot read: "
                        + e.getMessage(), false, e);
            }
        }
        String reason = errorReason(response.body());
        String message = errorMessage(response.body());
        if (response.statusCode() == 404) {
            throw new Unavailable(base + path + " is not there (404): the agent is an older Ergometer without"
                    + " /api/v1/top, or " + base + " is not an agent; upgrade it, or run `erg top --local`", false,
                    null);
        }
        throw new Unavailable("the agent at " + base + " answered " + response.statusCode()
                + (message == null ? "" : ": " + message), "no-interval-yet".equals(reason), null);
    }

    @Override
    public TopSnapshot again(Consumer.Kind kind, int limit) throws Unavailable {
        return next(kind, limit);
    }

    @Override
    public void close() {
        client.close();
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path)).timeout(requestTimeout)
                .header("Accept", "application/json").GET().build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private String describe(IOException e) {
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer within " + requestTimeout.toMillis() / 1e3 + " s";
        }
        if (e instanceof java.net.ConnectException && (e.getMessage() == null || e.getMessage().isBlank())) {
            return "connection refused";
        }
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
    }

    /** The {@code reason} of an agent's error JSON, or null. */
    private static String errorReason(String body) {
        return member(body, "reason");
    }

    /** The {@code error} of an agent's error JSON, or null. */
    private static String errorMessage(String body) {
        return member(body, "error");
    }

    private static String member(String body, String name) {
        try {
            return JsonReader.object(body).get(name) instanceof String s ? s : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
