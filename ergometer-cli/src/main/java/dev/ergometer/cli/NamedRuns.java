package dev.ergometer.cli;

import dev.ergometer.json.JsonReader;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Named runs of {@code erg measure --name NAME}: the recap goes to the machine's {@code erg agent}, which stores it in
 * the fleet's MongoDB ({@code POST /api/v1/runs/NAME}, see docs/agent.md). JDK HTTP only: the CLI never loads a
 * database driver.
 */
final class NamedRuns {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private final URI agent;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    NamedRuns(URI agent) {
        this.agent = agent;
    }

    /**
     * Checks, before anything is measured, that the name is valid and that the agent answers and stores runs.
     *
     * @throws IllegalArgumentException when the name is invalid
     * @throws IOException when the agent does not answer or stores no runs (the message says what to do)
     */
    void checkReady(String name) throws IOException, InterruptedException {
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("--name '" + name + "' must be 1 to 100 letters, digits, '.', '_' or"
                    + " '-', starting with a letter or digit");
        }
        HttpResponse<String> answer = send(HttpRequest.newBuilder(agent.resolve("/api/v1/runs")).GET());
        if (answer.statusCode() != 200) {
            throw new IOException("the agent at " + agent + " cannot store named runs: " + error(answer));
        }
    }

    /** Stores the recap; returns the agent's confirmation. */
    String store(String name, Instant start, Instant end, String measurementJson)
            throws IOException, InterruptedException {
        URI uri = agent.resolve("/api/v1/runs/" + name + "?start=" + encode(start) + "&end=" + encode(end));
        HttpResponse<String> answer = send(HttpRequest.newBuilder(uri)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(measurementJson)));
        if (answer.statusCode() != 201) {
            throw new IOException("the agent at " + agent + " did not store run '" + name + "': " + error(answer));
        }
        return answer.body();
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        try {
            return client.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IOException("no erg agent answers at " + agent + ": start one (`erg agent`, with RUNS_MONGODB_URI"
                    + " set) or give its address with --agent", e);
        }
    }

    private static String error(HttpResponse<String> answer) {
        try {
            Object message = JsonReader.object(answer.body()).get("error");
            if (message != null) {
                return message + " (HTTP " + answer.statusCode() + ")";
            }
        } catch (IllegalArgumentException notJson) {
            // an old agent or another server: say what came back
        }
        return "HTTP " + answer.statusCode() + " " + answer.body().strip();
    }

    private static String encode(Instant instant) {
        return URLEncoder.encode(instant.toString(), StandardCharsets.UTF_8);
    }

    /** The confirmation's machine, for the one line erg measure prints. */
    static String machine(String confirmation) {
        Map<String, Object> stored = JsonReader.object(confirmation);
        return String.valueOf(stored.get("machine"));
    }
}
