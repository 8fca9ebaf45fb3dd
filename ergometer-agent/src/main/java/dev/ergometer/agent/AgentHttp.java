package dev.ergometer.agent;

import dev.ergometer.agent.AgentState.ConsumerPower;
import dev.ergometer.agent.AgentState.DomainReading;
import dev.ergometer.json.JsonWriter;
import dev.ergometer.prometheus.ExpositionFormat;
import dev.ergometer.prometheus.PrometheusText;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's HTTP server (Javalin): {@code /metrics} in Prometheus text or OpenMetrics by the Accept header,
 * {@code /health}, and the JSON API {@code /api/v1/domains}, {@code /api/v1/power}, {@code /api/v1/consumers},
 * {@code /api/v1/top} (the latest attributed interval as {@code erg top} shows it, {@link TopEndpoint}),
 * {@code /api/v1/groups} (the process groups the agent follows, read-only), named runs ({@link RunsEndpoint}), and
 * the dashboard at {@code /} with its history and live events ({@link DashboardEndpoint}).
 */
final class AgentHttp {

    /** How long {@link #stop()} waits for the HTTP server. */
    static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    private static final Logger LOG = LoggerFactory.getLogger(AgentHttp.class);

    static final String JSON = "application/json; charset=utf-8";

    private final Javalin app;

    private AgentHttp(Javalin app) {
        this.app = app;
    }

    static AgentHttp start(Agent agent, String bind, int port) {
        Javalin app = Javalin.create(cfg -> {
            cfg.startup.showJavalinBanner = false;
            cfg.routes.get("/metrics", ctx -> metrics(agent, ctx));
            cfg.routes.get("/health", ctx -> health(agent, ctx));
            cfg.routes.get("/api/v1/domains", ctx -> json(ctx, domains(agent.state())));
            cfg.routes.get("/api/v1/power", ctx -> json(ctx, power(agent.state())));
            cfg.routes.get("/api/v1/consumers", ctx -> json(ctx, consumers(agent.state())));
            cfg.routes.get("/api/v1/top", ctx -> TopEndpoint.serve(agent, ctx));
            cfg.routes.post("/api/v1/runs/{name}", ctx -> RunsEndpoint.save(agent, ctx));
            cfg.routes.get("/api/v1/runs", ctx -> RunsEndpoint.list(agent, ctx));
            cfg.routes.get("/api/v1/runs/{name}", ctx -> RunsEndpoint.latest(agent, ctx));
            cfg.routes.get("/api/v1/groups", ctx -> {
                ctx.status(agent.groups().available() ? 200 : 503);
                json(ctx, agent.groups().listJson());
            });
            DashboardEndpoint.routes(cfg.routes, agent);
        });
        try {
            app.start(bind, port);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cannot serve HTTP on " + bind + ":" + port + ": " + e.getMessage()
                    + "; choose another HTTP_PORT (0 for any free one) or HTTP_BIND", e);
        }
        return new AgentHttp(app);
    }

    int port() {
        return app.port();
    }

    /**
     * Stops the server, waiting at most {@link #STOP_TIMEOUT}. Jetty 12 can wait forever while it closes a connection
     * whose pending write never completes (a client that stopped reading an event stream and then closed its socket:
     * jetty/jetty.project#12435); then the agent goes on stopping and says so, and the JVM's exit ends the rest.
     */
    void stop() {
        Thread stopping = Thread.ofPlatform().daemon().name("ergometer-http-stop").start(app::stop);
        try {
            if (!stopping.join(STOP_TIMEOUT)) {
                LOG.warn("ergometer agent: the HTTP server did not stop within {} s (a client connection that stopped"
                        + " reading); going on without it", STOP_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void metrics(Agent agent, Context ctx) {
        ExpositionFormat format = ExpositionFormat.forAccept(ctx.header("Accept"));
        ctx.contentType(format.contentType());
        ctx.result(PrometheusText.write(AgentMetrics.of(agent), format));
    }

    private static void health(Agent agent, Context ctx) {
        AgentState state = agent.state();
        double ageSeconds = state.sampleWallMillis() == 0 ? -1
                : (System.currentTimeMillis() - state.sampleWallMillis()) / 1e3;
        double allowedSeconds = Math.max(5, 3 * agent.samplePeriodNanos() / 1e9);
        boolean ok = ageSeconds >= 0 ? ageSeconds <= allowedSeconds : agent.uptimeSeconds() <= allowedSeconds;
        JsonWriter json = new JsonWriter(false).beginObject()
                .name("ok").value(ok)
                .name("source").value(state.source())
                .name("estimated").value(state.estimated())
                .name("uptime_s").value(agent.uptimeSeconds())
                .name("samples").value(agent.samplesTaken());
        json.name("last_sample_age_s");
        if (ageSeconds < 0) {
            json.nullValue();
        } else {
            json.value(ageSeconds);
        }
        ctx.status(ok ? 200 : 503);
        json(ctx, json.endObject().toString());
    }

    private static String domains(AgentState state) {
        JsonWriter json = new JsonWriter(false).beginObject().name("source").value(state.source())
                .name("estimated").value(state.estimated()).name("method").value(state.method())
                .name("domains").beginArray();
        for (DomainReading reading : state.domains()) {
            json.beginObject().name("id").value(reading.domain().id());
            if (reading.socket().isPresent()) {
                json.name("socket").value(reading.socket().getAsInt());
            }
            json.name("energy_joules").value(reading.energyJoules()).endObject();
        }
        return json.endArray().endObject().toString();
    }

    private static String power(AgentState state) {
        JsonWriter json = new JsonWriter(false).beginObject().name("timestamp_ms").value(state.sampleWallMillis())
                .name("power_watts").beginObject();
        for (DomainReading reading : state.domains()) {
            json.name(reading.domain().id()).value(reading.powerWatts());
        }
        return json.endObject().endObject().toString();
    }

    private static String consumers(AgentState state) {
        JsonWriter json = new JsonWriter(false).beginObject().name("interval_s").value(state.consumersIntervalSeconds())
                .name("consumers").beginArray();
        for (ConsumerPower c : state.consumers()) {
            json.beginObject().name("id").value(c.consumerId()).name("label").value(c.consumerLabel())
                    .name("kind").value(c.kind()).name("domain").value(c.domainId())
                    .name("energy_joules").value(c.energyJoules()).name("power_watts").value(c.powerWatts())
                    .endObject();
        }
        return json.endArray().endObject().toString();
    }

    private static void json(Context ctx, String body) {
        ctx.contentType(JSON);
        ctx.result(body);
    }
}
