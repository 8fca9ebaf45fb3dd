package dev.ergometer.otlp;

import dev.ergometer.ErgometerVersion;
import dev.ergometer.sink.Batch;
import dev.ergometer.sink.Sink;
import dev.ergometer.sink.SinkException;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.exporter.internal.FailedExportException;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.resources.Resource;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.net.ssl.SSLException;

/**
 * A {@link Sink} that pushes each batch to an OpenTelemetry receiver (a Collector, or any backend speaking OTLP/HTTP
 * with protobuf bodies) as OTel metrics, through the OpenTelemetry SDK's OTLP HTTP exporter.
 *
 * <p>Samples become metrics as {@link MetricTranslator} describes: names unchanged, {@code _total} series as
 * cumulative monotonic sums, others as gauges, labels (with {@code estimated}) as attributes, units from the name.
 * One call is one {@code export}: the exporter's own retries are off and no periodic reader runs, since retries,
 * backoff and buffering belong to the {@link dev.ergometer.sink.SinkQueue} that drives the sink. A failure is
 * retryable when the receiver could not be reached, did not answer in time, or answered 5xx or 429; any other
 * answer (a 4xx: malformed request, refused credentials, wrong path) is permanent, as is a TLS failure.
 *
 * <pre>{@code
 * Sink sink = new OtlpSink(OtlpSettings.to("http://collector:4318/v1/metrics"));
 * try (SinkQueue queue = SinkQueue.start(sink.name(), sink, 5, Backoff.prometheusDefault(), Duration.ofSeconds(10))) {
 *     queue.offer(batch);
 * }
 * }</pre>
 */
public final class OtlpSink implements Sink {

    /** The instrumentation scope of every metric this sink sends. */
    public static final String SCOPE_NAME = "dev.ergometer";

    /** Ergometer's version, sent as the instrumentation scope version. */
    public static final String VERSION = ErgometerVersion.current();

    /** Extra time given to the exporter, beyond its own request timeout, to report how the attempt ended. */
    private static final long REPORT_GRACE_MILLIS = 1_000;
    private static final int MAX_ERROR_BODY_CHARS = 512;

    private final OtlpSettings settings;
    private final OtlpHttpMetricExporter exporter;
    private final MetricTranslator translator;
    private final ReentrantLock lock = new ReentrantLock();

    /**
     * A sink sending to {@code settings.endpoint()}; builds the exporter (no connection is opened before the first
     * batch).
     */
    public OtlpSink(OtlpSettings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        OtlpHttpMetricExporterBuilder builder = OtlpHttpMetricExporter.builder()
                .setEndpoint(settings.endpoint().toString())
                .setTimeout(settings.timeout())
                .setConnectTimeout(settings.timeout())
                .setRetryPolicy(null)
                .setMeterProvider(MeterProvider::noop);
        settings.headers().forEach(builder::addHeader);
        this.exporter = builder.build();
        AttributesBuilder resource = Attributes.builder();
        settings.resourceAttributes().forEach(resource::put);
        this.translator = new MetricTranslator(Resource.create(resource.build()),
                InstrumentationScopeInfo.builder(SCOPE_NAME).setVersion(VERSION).build());
    }

    /** The name of this sink in metrics labels and logs: {@code otlp}. */
    public String name() {
        return "otlp";
    }

    public OtlpSettings settings() {
        return settings;
    }

    @Override
    public void accept(Batch batch) throws SinkException {
        if (batch.isEmpty()) {
            return;
        }
        lock.lock();
        try {
            MetricTranslator.Translation translation;
            try {
                translation = translator.translate(batch);
            } catch (IllegalArgumentException | ArithmeticException e) {
                throw SinkException.permanent("OTLP: cannot translate a batch of " + batch.size() + " samples: "
                        + e.getMessage(), e);
            }
            CompletableResultCode result = exporter.export(translation.metrics());
            result.join(settings.timeout().toMillis() + REPORT_GRACE_MILLIS, TimeUnit.MILLISECONDS);
            if (!result.isDone()) {
                if (Thread.currentThread().isInterrupted()) {
                    throw SinkException.retryable("OTLP export to " + settings.endpoint() + " was interrupted", null);
                }
                throw SinkException.retryable("OTLP export to " + settings.endpoint() + " got no answer within "
                        + settings.timeout() + "; is the receiver overloaded, or the timeout too short?", null);
            }
            if (result.isSuccess()) {
                translator.commit(translation);
                return;
            }
            throw failure(result.getFailureThrowable());
        } finally {
            lock.unlock();
        }
    }

    /** What went wrong, from the throwable the exporter failed the export with. */
    private SinkException failure(Throwable thrown) {
        String target = "OTLP export to " + settings.endpoint();
        if (thrown instanceof FailedExportException.HttpExportException http && http.getResponse() != null) {
            return answered(http.getResponse());
        }
        Throwable cause = thrown instanceof FailedExportException ? thrown.getCause() : thrown;
        if (cause == null) {
            return SinkException.retryable(target + " failed without a reason from the exporter", thrown);
        }
        if (cause instanceof SSLException) {
            return SinkException.permanent(target + " failed in TLS: " + SinkException.describe(cause)
                    + "; check the URL's scheme and that the receiver's certificate is trusted by this JVM", thrown);
        }
        if (cause instanceof HttpTimeoutException) {
            return SinkException.retryable(target + " timed out after " + settings.timeout()
                    + " (" + SinkException.describe(cause) + "); is the receiver overloaded or unreachable?", thrown);
        }
        if (cause instanceof IOException) {
            return SinkException.retryable(target + " failed: " + SinkException.describe(cause)
                    + "; is the receiver running and reachable?", thrown);
        }
        return SinkException.retryable(target + " failed: " + SinkException.describe(cause), thrown);
    }

    private SinkException answered(HttpResponse response) {
        int status = response.getStatusCode();
        String body = OtlpErrorBody.describe(response.getResponseBody(), MAX_ERROR_BODY_CHARS);
        String message = "OTLP export to " + settings.endpoint() + " answered HTTP " + status
                + (body.isEmpty() ? "" : ": " + body);
        if (status / 100 == 5 || status == 429) {
            return SinkException.retryable(message, null);
        }
        String hint = switch (status) {
            case 401, 403 -> " (the receiver refused the credentials: check the Authorization or API key header)";
            case 404 -> " (no OTLP metrics receiver at that path: OTLP/HTTP receivers take metrics at "
                    + OtlpSettings.METRICS_PATH + ", usually on port 4318)";
            case 413 -> " (the batch is too large for the receiver: send smaller batches)";
            case 415 -> " (the receiver does not take application/x-protobuf: is it an OTLP/HTTP receiver?)";
            default -> " (the receiver refused the batch; it is dropped, not retried)";
        };
        return SinkException.permanent(message + hint, null);
    }

    /** Shuts the exporter down (its HTTP client and threads), waiting at most the request timeout. */
    @Override
    public void close() {
        exporter.shutdown().join(settings.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public String toString() {
        return "OtlpSink[" + settings.endpoint() + "]";
    }
}
