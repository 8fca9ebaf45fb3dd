package dev.ergometer.agent;

import dev.ergometer.agent.AgentState.DomainReading;
import dev.ergometer.carbon.CarbonSettings;
import dev.ergometer.json.JsonWriter;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * The agent's dashboard: one page ({@code GET /} and {@code /dashboard}) with its stylesheet and script, all from
 * the class path (no framework, no CDN, no web fonts: it works on a machine without internet), fed by
 * {@code GET /api/v1/history} (the last minutes, read once when the page opens) and {@code GET /api/v1/events}
 * (server-sent events, one {@code sample} event per sample, its id the sample's number, from
 * {@link DashboardFeed}).
 *
 * <p>A point, in the history and in each event:
 * <pre>{@code
 * {"t":1760000000123,"n":42,"power_watts":{"package_0":12.1},"energy_joules":{"package_0":503.2},
 *  "co2e_g":{"package_0":0.0671},"cost":{"package_0":0.000021}}
 * }</pre>
 * An event also carries {@code "attributions"} (how many attributed intervals the agent has taken, so the page
 * fetches {@code /api/v1/top} when a new one exists) and {@code "attribution"} (whether attribution is on).
 */
final class DashboardEndpoint {

    /** How long a quiet stream waits before a keep-alive comment, which also finds a browser that went away. */
    static final Duration KEEP_ALIVE = Duration.ofSeconds(10);

    /** How long a browser waits before it reconnects a lost stream (the {@code retry} field). */
    static final Duration RECONNECT = Duration.ofSeconds(2);

    private static final String RESOURCES = "/dev/ergometer/agent/dashboard/";

    /** Only this origin: the page loads nothing from anywhere else, and a browser enforces it. */
    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none';"
            + " frame-ancestors 'none'";

    private static final byte[] PAGE = resource("index.html");
    private static final byte[] STYLE = resource("dashboard.css");
    private static final byte[] SCRIPT = resource("dashboard.js");

    private DashboardEndpoint() {
    }

    static void routes(RoutesConfig routes, Agent agent) {
        routes.get("/", ctx -> asset(ctx, "text/html; charset=utf-8", PAGE));
        routes.get("/dashboard", ctx -> asset(ctx, "text/html; charset=utf-8", PAGE));
        routes.get("/dashboard.css", ctx -> asset(ctx, "text/css; charset=utf-8", STYLE));
        routes.get("/dashboard.js", ctx -> asset(ctx, "text/javascript; charset=utf-8", SCRIPT));
        routes.get("/api/v1/history", ctx -> {
            ctx.contentType(AgentHttp.JSON);
            ctx.result(history(agent));
        });
        routes.get("/api/v1/events", ctx -> stream(agent, ctx));
    }

    private static void asset(Context ctx, String contentType, byte[] body) {
        ctx.header("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        ctx.header("X-Content-Type-Options", "nosniff");
        ctx.header("Cache-Control", "no-cache");
        ctx.contentType(contentType);
        ctx.result(body);
    }

    /**
     * {@code GET /api/v1/events}: writes the feed's states to one browser as server-sent events until it goes away,
     * is dropped for reading too slowly, or the agent stops. Runs on the request's own HTTP thread, never on the
     * scheduler's; 503 when the agent stops or serves {@link DashboardFeed#MAX_CLIENTS} streams already.
     *
     * <p>A plain handler writing the {@code text/event-stream} format itself rather than Javalin's {@code sse()}:
     * with Javalin 7.2's asynchronous SseClient, a browser that vanished in the middle of a write left a Javalin
     * thread failing forever on the recycled response.
     */
    static void stream(Agent agent, Context ctx) {
        DashboardFeed.Client feed;
        try {
            feed = agent.dashboard().connect();
        } catch (IllegalStateException refused) {
            ctx.status(503);
            ctx.contentType(AgentHttp.JSON);
            ctx.result(new JsonWriter(false).beginObject().name("ok").value(false).name("error")
                    .value(refused.getMessage()).endObject().toString());
            return;
        }
        HttpServletResponse response = ctx.res();
        response.setStatus(200);
        response.setCharacterEncoding("UTF-8");
        response.setContentType("text/event-stream");
        response.setHeader("Cache-Control", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");   // a proxy in front must not buffer the stream
        try (feed) {
            OutputStream out = response.getOutputStream();
            send(out, ": ergometer agent: one sample event per sample\nretry: " + RECONNECT.toMillis() + "\n\n");
            while (true) {
                AgentState state = feed.next(KEEP_ALIVE);
                if (state != null) {
                    send(out, "id: " + state.samplesTaken() + "\nevent: sample\ndata: " + event(agent, state)
                            + "\n\n");
                } else if (feed.over()) {
                    return;
                } else {
                    send(out, ": keep-alive\n\n");
                }
            }
        } catch (IOException gone) {
            // the browser went away, or the agent stops and HTTP closed the connection
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void send(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The data of one {@code sample} event: a point, and whether a new attributed interval exists. */
    static String event(Agent agent, AgentState state) {
        JsonWriter json = new JsonWriter(false).beginObject();
        point(json, state);
        return json.name("attribution").value(agent.config().attribution())
                .name("attributions").value(agent.attributionsTaken()).endObject().toString();
    }

    /** {@code GET /api/v1/history}: what the page needs to draw itself, and the points of the last minutes. */
    static String history(Agent agent) {
        AgentState state = agent.state();
        AgentConfig config = agent.config();
        CarbonSettings carbon = config.carbon();
        JsonWriter json = new JsonWriter(false).beginObject()
                .name("host").value(config.hostName())
                .name("source").value(state.source())
                .name("method").value(state.method())
                .name("estimated").value(state.estimated())
                .name("interval_s").value(agent.samplePeriodNanos() / 1e9)
                .name("window_s").value(DashboardFeed.HISTORY_WINDOW.toSeconds())
                .name("uptime_s").value(agent.uptimeSeconds())
                .name("samples").value(agent.samplesTaken())
                .name("attribution").value(config.attribution())
                .name("attributions").value(agent.attributionsTaken())
                .name("carbon").beginObject()
                .name("grid_g_per_kwh").value(carbon.grid().gramsPerKilowattHour())
                .name("grid_source").value(carbon.grid().source())
                .name("price_per_kwh").value(carbon.price().perKilowattHour())
                .name("currency").value(state.currency())
                .name("price_source").value(carbon.price().source())
                .endObject()
                .name("domains").beginArray();
        for (DomainReading reading : state.domains()) {
            json.value(reading.domain().id());
        }
        json.endArray().name("points").beginArray();
        for (AgentState point : agent.dashboard().history()) {
            json.beginObject();
            point(json, point);
            json.endObject();
        }
        return json.endArray().endObject().toString();
    }

    private static void point(JsonWriter json, AgentState state) {
        List<DomainReading> domains = state.domains();
        json.name("t").value(state.sampleWallMillis()).name("n").value(state.samplesTaken());
        json.name("power_watts").beginObject();
        domains.forEach(d -> json.name(d.domain().id()).value(d.powerWatts()));
        json.endObject().name("energy_joules").beginObject();
        domains.forEach(d -> json.name(d.domain().id()).value(d.energyJoules()));
        json.endObject().name("co2e_g").beginObject();
        domains.forEach(d -> json.name(d.domain().id()).value(d.co2eGrams()));
        json.endObject().name("cost").beginObject();
        domains.forEach(d -> json.name(d.domain().id()).value(d.cost()));
        json.endObject();
    }

    private static byte[] resource(String name) {
        try (InputStream in = DashboardEndpoint.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("the dashboard's " + name + " is missing from the class path ("
                        + RESOURCES + name + "): the ergometer-agent jar is incomplete; rebuild it");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the dashboard's " + name + " from the class path", e);
        }
    }
}
