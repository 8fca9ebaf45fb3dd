package dev.ergometer.agent;

import dev.ergometer.attribution.AttributedInterval;
import dev.ergometer.attribution.Consumer;
import dev.ergometer.attribution.TopSnapshot;
import dev.ergometer.attribution.TopSnapshotJson;
import dev.ergometer.json.JsonWriter;
import io.javalin.http.Context;
import java.util.Optional;

/**
 * {@code GET /api/v1/top?view=processes|cgroups|containers&limit=N}: the agent's latest attributed interval as
 * {@code erg top} shows it ({@link TopSnapshotJson}). 400 for a bad view or limit, 503 when attribution is off or has
 * not produced an interval yet; errors are {@code {"ok":false,"reason":...,"error":...}}.
 */
final class TopEndpoint {

    /** Rows when the request gives no limit. */
    static final int DEFAULT_LIMIT = 20;

    /** The most rows one request may ask for. */
    static final int MAX_LIMIT = 1000;

    private TopEndpoint() {
    }

    static void serve(Agent agent, Context ctx) {
        Consumer.Kind kind;
        int limit;
        try {
            kind = TopSnapshot.view(Optional.ofNullable(ctx.queryParam("view")).orElse("processes"));
            limit = limit(ctx.queryParam("limit"));
        } catch (IllegalArgumentException e) {
            error(ctx, 400, "bad-request", e.getMessage());
            return;
        }
        if (!agent.config().attribution()) {
            error(ctx, 503, "attribution-off", "this agent does not attribute energy (ATTRIBUTION=false): set"
                    + " ATTRIBUTION=true and reload it (SIGHUP), or run `erg top --local` to measure in process");
            return;
        }
        Optional<AttributedInterval> interval = agent.latestAttribution();
        if (interval.isEmpty()) {
            error(ctx, 503, "no-interval-yet", "no attributed interval yet: the first one ends "
                    + agent.config().attributionInterval().toMillis() / 1e3 + " s (ATTRIBUTION_INTERVAL_S) after the"
                    + " agent started or attribution was turned on; ask again then");
            return;
        }
        AgentState state = agent.state();
        TopSnapshot top = TopSnapshot.of(interval.get(), kind, limit, state.source(), state.method(),
                state.estimated());
        ctx.contentType(AgentHttp.JSON);
        ctx.result(TopSnapshotJson.write(top));
    }

    private static int limit(String text) {
        if (text == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(text.strip());
            if (limit >= 0 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new IllegalArgumentException("limit is a number of rows from 0 to " + MAX_LIMIT + ", got '" + text
                + "'");
    }

    private static void error(Context ctx, int status, String reason, String message) {
        ctx.status(status);
        ctx.contentType(AgentHttp.JSON);
        ctx.result(new JsonWriter(false).beginObject().name("ok").value(false).name("reason").value(reason)
                .name("error").value(message).endObject().toString());
    }
}
