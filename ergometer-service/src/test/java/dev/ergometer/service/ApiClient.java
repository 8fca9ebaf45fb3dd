package dev.ergometer.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Predicate;

/** A small client of the service's API for tests: JSON in and out, an optional bearer token, and polling. */
final class ApiClient {

    /** A response: its status and its body parsed as JSON (null when it is not JSON). */
    record Response(int status, JsonNode json, String body, HttpResponse<String> raw) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    ApiClient(int port, String token) {
        this.base = "http://127.0.0.1:" + port;
        this.token = token;
    }

    Response get(String path) throws Exception {
        return send(request(path).GET());
    }

    Response delete(String path) throws Exception {
        return send(request(path).DELETE());
    }

    Response post(String path, String body) throws Exception {
        return send(request(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
    }

    /** Polls the task until {@code done} holds for its body, failing after {@code timeout}. */
    JsonNode pollTask(String taskId, Predicate<JsonNode> done, Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            Response response = get("/api/v1/tasks/" + taskId);
            if (response.status() == 200) {
                last = response.json();
                if (done.test(last)) {
                    return last;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("task " + taskId + " did not get there within " + timeout + "; last: " + last);
    }

    /** Polls until the task has completed or failed. */
    JsonNode awaitFinished(String taskId, Duration timeout) throws Exception {
        return pollTask(taskId, body -> body.path("status").asText().matches("completed|failed"), timeout);
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private Response send(HttpRequest.Builder builder) throws Exception {
        HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = null;
        try {
            json = response.body().isEmpty() ? null : JSON.readTree(response.body());
        } catch (Exception notJson) {
            // HTML or empty
        }
        return new Response(response.statusCode(), json, response.body(), response);
    }
}
