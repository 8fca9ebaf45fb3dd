package dev.ergometer.service;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.time.Clock;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's HTTP API (Javalin): JouleTrace's endpoints under {@code /api/v1}, {@code /ping}, and the API's
 * description at {@code /openapi.json} and {@code /docs}. With a token, every {@code /api/v1} call but health must
 * carry it. Bodies larger than the limit get 413; request logs name the method, path and status only (no header, no
 * body: tokens and submitted code never reach a log).
 */
final class ServiceHttp {

    private static final Logger LOG = LoggerFactory.getLogger(ServiceHttp.class);
    private static final String JSON = "application/json; charset=utf-8";

    private final Javalin app;

    private ServiceHttp(Javalin app) {
        this.app = app;
    }

    /** What the API needs from the rest of the service. */
    record Parts(TaskBoard board, RequestSchema schema, Measurement validator, TaskResponses responses,
            ApiDocs docs, ObjectMapper json, Clock clock, Optional<BearerToken> token, long maxRequestBytes,
            int maxConcurrentValidations, Supplier<ObjectNode> health) {
    }

    static ServiceHttp start(Parts parts, String bind, int port) {
        Semaphore validations = new Semaphore(parts.maxConcurrentValidations());
        String openApi = parts.docs().openApi();
        String html = parts.docs().html();
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = parts.maxRequestBytes();
            cfg.requestLogger.http((ctx, ms) -> LOG.info("{} {} {} {} ms", ctx.method(), ctx.path(),
                    ctx.statusCode(), Math.round(ms)));
            cfg.routes.before("/api/*", ctx -> authorize(parts, ctx));
            cfg.routes.post("/api/v1/measure", ctx -> measure(parts, ctx));
            cfg.routes.get("/api/v1/tasks/{task_id}", ctx -> {
                ObjectNode body = parts.board().describe(taskId(ctx)).orElseThrow(() -> notFound(ctx));
                json(ctx, 200, body);
            });
            cfg.routes.delete("/api/v1/tasks/{task_id}", ctx -> {
                if (!parts.board().cancel(taskId(ctx))) {
                    throw notFound(ctx);
                }
                ctx.status(204);
            });
            cfg.routes.post("/api/v1/validate", ctx -> validate(parts, validations, ctx));
            cfg.routes.get("/api/v1/health", ctx -> {
                ObjectNode body = parts.health().get();
                json(ctx, "unhealthy".equals(body.path("status").asText()) ? 503 : 200, body);
            });
            cfg.routes.get("/ping", ctx -> json(ctx, 200, parts.json().createObjectNode().put("status", "ok")
                    .put("service", "ergometer")));
            cfg.routes.get("/", ctx -> json(ctx, 200, parts.json().createObjectNode()
                    .put("service", "Ergometer measurement service").put("docs", "/docs").put("api", "/api/v1")));
            cfg.routes.get("/openapi.json", ctx -> ctx.contentType(JSON).result(openApi));
            cfg.routes.get("/docs", ctx -> ctx.contentType("text/html; charset=utf-8").result(html));
            cfg.routes.exception(ApiError.class, (e, ctx) -> error(parts, ctx, e.status(), e.error(),
                    e.getMessage()));
            cfg.routes.exception(HttpResponseException.class, (e, ctx) -> error(parts, ctx, e.getStatus(),
                    e.getStatus() == 413 ? "payload_too_large" : "http_error", e.getStatus() == 413
                            ? "the body is larger than MAX_REQUEST_BYTES=" + parts.maxRequestBytes() + " bytes"
                            : e.getMessage()));
            cfg.routes.exception(Exception.class, (e, ctx) -> {
                LOG.error("{} {} failed: {}", ctx.method(), ctx.path(), e.toString());
                error(parts, ctx, 500, "internal_server_error", "the service failed: " + e.getMessage());
            });
            cfg.routes.error(404, ctx -> {
                if (ctx.result() == null) {
                    error(parts, ctx, 404, "not_found", "no endpoint " + ctx.method() + " " + ctx.path()
                            + "; see /docs");
                }
            });
        });
        try {
            app.start(bind, port);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot serve HTTP on " + bind + ":" + port + ": " + e.getMessage()
                    + "; choose another HTTP_PORT (0 for any free one) or HTTP_BIND", e);
        }
        return new ServiceHttp(app);
    }

    int port() {
        return app.port();
    }

    void stop() {
        app.stop();
    }

    private static void authorize(Parts parts, Context ctx) {
        if (parts.token().isEmpty() || ctx.path().equals("/api/v1/health")) {
            return;
        }
        if (!parts.token().get().accepts(ctx.header("Authorization"))) {
            ctx.header("WWW-Authenticate", "Bearer");
            throw new ApiError(401, "unauthorized", "this service needs `Authorization: Bearer TOKEN` with its"
                    + " API_TOKEN");
        }
    }

    private static void measure(Parts parts, Context ctx) throws Exception {
        byte[] body = ctx.bodyAsBytes();
        switch (parts.schema().measure(body)) {
            case RequestSchema.Parsed.Invalid invalid -> unprocessable(parts, ctx, invalid);
            case RequestSchema.Parsed.Valid valid -> json(ctx, 202, parts.board().submit(body, valid.request()));
        }
    }

    private static void validate(Parts parts, Semaphore validations, Context ctx) throws Exception {
        byte[] body = ctx.bodyAsBytes();
        switch (parts.schema().validate(body)) {
            case RequestSchema.Parsed.Invalid invalid -> unprocessable(parts, ctx, invalid);
            case RequestSchema.Parsed.Valid valid -> {
                if (!validations.tryAcquire()) {
                    throw new ApiError(429, "too_many_requests", "MAX_CONCURRENT_VALIDATIONS validations are"
                            + " running; retry shortly, or queue a measurement");
                }
                try {
                    long start = System.nanoTime();
                    ValidationSummary summary = parts.validator().validate(valid.request());
                    json(ctx, 200, parts.responses().validation(UUID.randomUUID().toString(), summary,
                            (System.nanoTime() - start) / 1e9));
                } catch (java.io.IOException e) {
                    LOG.error("validation failed in the sandbox: {}", e.toString());
                    throw new ApiError(503, "sandbox_unavailable", "the sandbox could not run: " + e.getMessage());
                } finally {
                    validations.release();
                }
            }
        }
    }

    private static void unprocessable(Parts parts, Context ctx, RequestSchema.Parsed.Invalid invalid) {
        ObjectNode body = parts.json().createObjectNode();
        body.put("error", "validation_error");
        body.put("message", "Request validation failed with " + invalid.errors().size() + " error"
                + (invalid.errors().size() == 1 ? "" : "s"));
        ArrayNode fields = body.putArray("field_errors");
        for (FieldError error : invalid.errors()) {
            fields.addObject().put("field", error.field()).put("message", error.message()).put("type", error.type());
        }
        body.put("timestamp", parts.clock().millis() / 1e3);
        json(ctx, 422, body);
    }

    private static UUID taskId(Context ctx) {
        try {
            return UUID.fromString(ctx.pathParam("task_id"));
        } catch (IllegalArgumentException e) {
            throw notFound(ctx);
        }
    }

    private static ApiError notFound(Context ctx) {
        return new ApiError(404, "not_found", "no task " + ctx.pathParam("task_id"));
    }

    private static void error(Parts parts, Context ctx, int status, String error, String message) {
        ObjectNode body = parts.json().createObjectNode();
        body.put("error", error);
        body.put("message", message);
        body.put("timestamp", parts.clock().millis() / 1e3);
        json(ctx, status, body);
    }

    private static void json(Context ctx, int status, ObjectNode body) {
        ctx.status(status);
        ctx.contentType(JSON);
        ctx.result(body.toString());
    }
}
