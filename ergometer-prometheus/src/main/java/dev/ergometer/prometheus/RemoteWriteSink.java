package dev.ergometer.prometheus;

import dev.ergometer.ErgometerVersion;
import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sink;
import dev.ergometer.sink.SinkException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import org.xerial.snappy.Snappy;

/**
 * A {@link Sink} that pushes each batch to a Prometheus remote-write 1.0 receiver in one HTTP POST: a protobuf
 * {@code WriteRequest} ({@link WriteRequestEncoder}), compressed with snappy's block format, with the headers the
 * specification requires.
 *
 * <p>One call is one attempt: a 5xx or 429 answer and an I/O error are reported as retryable, any other non-2xx
 * answer as permanent (the specification forbids retrying a 4xx other than 429). Retries, backoff and buffering
 * belong to the {@link dev.ergometer.sink.SinkQueue} that drives the sink.
 *
 * <pre>{@code
 * Sink sink = RemoteWriteSink.to(URI.create("http://prometheus:9090/api/v1/write"));
 * try (SinkQueue queue = SinkQueue.start("remote-write", sink, 5, Backoff.prometheusDefault(), Duration.ofSeconds(10))) {
 *     queue.offer(batch);
 * }
 * }</pre>
 */
public final class RemoteWriteSink implements Sink {

    /** The remote-write protocol version this sender speaks, sent as {@code X-Prometheus-Remote-Write-Version}. */
    public static final String PROTOCOL_VERSION = "0.1.0";

    /** The User-Agent every request carries: {@code ergometer/<version>}. */
    public static final String USER_AGENT = "ergometer/" + ErgometerVersion.current();

    private static final int MAX_ERROR_BODY_CHARS = 512;

    private final URI endpoint;
    private final Duration requestTimeout;
    private final HttpClient client;

    private RemoteWriteSink(URI endpoint, Duration requestTimeout) {
        this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        String scheme = endpoint.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException("remote-write URL must be http:// or https://, got " + endpoint
                    + " (e.g. REMOTE_WRITE_URL=http://prometheus:9090/api/v1/write)");
        }
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("remote-write request timeout must be > 0, got " + requestTimeout);
        }
        this.client = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
    }

    /** A sender to {@code endpoint} (e.g. {@code http://localhost:9090/api/v1/write}) with a 10 s request timeout. */
    public static RemoteWriteSink to(URI endpoint) {
        return new RemoteWriteSink(endpoint, Duration.ofSeconds(10));
    }

    /** A sender to {@code endpoint} whose requests give up after {@code requestTimeout}. */
    public static RemoteWriteSink to(URI endpoint, Duration requestTimeout) {
        return new RemoteWriteSink(endpoint, requestTimeout);
    }

    public URI endpoint() {
        return endpoint;
    }

    @Override
    public void accept(Batch batch) throws SinkException {
        if (batch.isEmpty()) {
            return;
        }
        byte[] body;
        try {
            body = Snappy.compress(WriteRequestEncoder.encode(batch));
        } catch (IOException e) {
            throw SinkException.permanent("remote-write: snappy compression of " + batch.size()
                    + " samples failed: " + e.getMessage(), e);
        }
        HttpRequest request = HttpRequest.newBuilder(endpoint)
                .timeout(requestTimeout)
                .header("Content-Encoding", "snappy")
                .header("Content-Type", "application/x-protobuf")
                .header("X-Prometheus-Remote-Write-Version", PROTOCOL_VERSION)
                .header("User-Agent", USER_AGENT)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw SinkException.retryable("remote-write to " + endpoint + " failed: " + SinkException.describe(e)
                    + "; is the receiver running and reachable?", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw SinkException.retryable("remote-write to " + endpoint + " was interrupted", e);
        }
        int status = response.statusCode();
        String answer = readBody(response);
        if (status / 100 == 2) {
            return;
        }
        String message = "remote-write to " + endpoint + " answered HTTP " + status
                + (answer.isEmpty() ? "" : ": " + answer.strip());
        if (status / 100 == 5 || status == 429) {
            throw SinkException.retryable(message, null);
        }
        throw SinkException.permanent(message + (status == 404
                ? " (a Prometheus server receives remote-write only with --web.enable-remote-write-receiver)"
                : " (the receiver refused the batch; it is dropped, not retried)"), null);
    }

    private static String readBody(HttpResponse<InputStream> response) {
        try (InputStream in = response.body()) {
            byte[] bytes = in.readNBytes(MAX_ERROR_BODY_CHARS);
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Closes the HTTP client and its connections. */
    @Override
    public void close() {
        client.close();
    }

    @Override
    public String toString() {
        return "RemoteWriteSink[" + endpoint + "]";
    }
}
