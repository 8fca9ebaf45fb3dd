package dev.ergometer.agent;

import dev.ergometer.json.JsonWriter;
import dev.ergometer.mongodb.RunStore;
import io.javalin.http.Context;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * The HTTP side of named runs: {@code erg measure --name NAME} posts its recap here and the agent stores it in the
 * fleet's MongoDB ({@link RunStore}, {@code RUNS_MONGODB_URI}); reading them back is {@code GET /api/v1/runs} (every
 * run of this machine) and {@code GET /api/v1/runs/NAME} (the latest run of that name).
 *
 * <p>{@code POST /api/v1/runs/NAME?start=ISO-8601&end=ISO-8601}, body: the measurement as {@code erg measure --format
 * json} writes it. Answers 201 when stored, 400 for a bad name, time or body, 503 when the agent has no run store, 502
 * when MongoDB fails; every error body is {@code {"error": "...what and how to fix..."}}.
 */
final class RunsEndpoint {

    private RunsEndpoint() {
    }

    static void save(Agent agent, Context ctx) {
        Optional<RunStore> runs = store(agent, ctx);
        if (runs.isEmpty()) {
            return;
        }
        String name = ctx.pathParam("name");
        Instant start;
        Instant end;
        try {
            start = Instant.parse(required(ctx, "start"));
            end = Instant.parse(required(ctx, "end"));
        } catch (DateTimeParseException | IllegalArgumentException e) {
            error(ctx, 400, "start and end must be ISO-8601 instants such as 2026-11-26T10:00:00Z: " + e.getMessage());
            return;
        }
        try {
            runs.get().save(name, start, end, ctx.body());
        } catch (IllegalArgumentException e) {
            error(ctx, 400, e.getMessage());
            return;
        } catch (IllegalStateException e) {
            error(ctx, 502, e.getMessage());
            return;
        }
        ctx.status(201).contentType(AgentHttp.JSON).result(new JsonWriter(false).beginObject()
                .name("stored").value(true).name("machine").value(runs.get().machine()).name("name").value(name)
                .name("start").value(start.toString()).endObject().toString());
    }

    static void list(Agent agent, Context ctx) {
        store(agent, ctx).ifPresent(runs -> answer(ctx, () -> runs.list()));
    }

    static void latest(Agent agent, Context ctx) {
        store(agent, ctx).ifPresent(runs -> {
            String name = ctx.pathParam("name");
            try {
                Optional<String> run = runs.latest(name);
                if (run.isPresent()) {
                    ctx.contentType(AgentHttp.JSON).result(run.get());
                } else {
                    error(ctx, 404, "no run named '" + name + "' on " + runs.machine()
                            + "; GET /api/v1/runs lists them");
                }
            } catch (IllegalArgumentException e) {
                error(ctx, 400, e.getMessage());
            } catch (IllegalStateException e) {
                error(ctx, 502, e.getMessage());
            }
        });
    }

    private static void answer(Context ctx, java.util.function.Supplier<String> body) {
        try {
            ctx.contentType(AgentHttp.JSON).result(body.get());
        } catch (IllegalStateException e) {
            error(ctx, 502, e.getMessage());
        }
    }

    private static Optional<RunStore> store(Agent agent, Context ctx) {
        Optional<RunStore> runs = agent.runs();
        if (runs.isEmpty()) {
            error(ctx, 503, "this agent stores no named runs: set RUNS_MONGODB_URI (the fleet's MongoDB, e.g."
                    + " mongodb://mongo:27017/ergometer) in its configuration and restart it");
        }
        return runs;
    }

    private static String required(Context ctx, String parameter) {
        String value = ctx.queryParam(parameter);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("the query parameter '" + parameter + "' is missing");
        }
        return value;
    }

    private static void error(Context ctx, int status, String message) {
        ctx.status(status).contentType(AgentHttp.JSON)
                .result(new JsonWriter(false).beginObject().name("error").value(message).endObject().toString());
    }
}
