package dev.herald.api;

import dev.herald.errors.DomainException;
import dev.herald.infra.DatabaseException;
import dev.herald.infra.Metrics;
import dev.herald.json.Json;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.javalin.http.HandlerType;
import io.javalin.json.JavalinJackson;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API: Javalin on virtual threads, JSON errors per the contract, API-key authentication on every route but
 * {@code GET /health} (readiness: checks the database), {@code GET /health/live} (liveness: touches nothing) (and
 * {@code GET /metrics} from loopback when {@code metrics.open-on-loopback}), one log line per
 * request with its time, and a graceful stop that lets in-flight requests finish within {@code http.shutdown-grace}.
 */
public final class HttpServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HttpServer.class);
    private static final Logger access = LoggerFactory.getLogger("herald.access");

    /** What {@code GET /health} reports; {@code ready} false answers 503. */
    public record Health(boolean ready, Map<String, String> checks) {}

    private static final String LIVE = "{\"status\":\"ok\"}";

    private final Javalin app;

    private HttpServer(Javalin app) {
        this.app = app;
    }

    /** Starts the server on {@code http.host}:{@code http.port} with the given features' routes. */
    public static HttpServer start(HttpSettings settings, Metrics metrics, ApiKeys keys, Supplier<Health> health, List<Routes> features) {
        return start(settings, metrics, keys, null, null, health, features);
    }

    /**
     * As above, with {@code Idempotency-Key} honoured on every POST and PATCH ({@code idempotency} null: ignored) and
     * every state-changing call reported to {@code audit} once answered (null: none).
     */
    public static HttpServer start(HttpSettings settings, Metrics metrics, ApiKeys keys, Idempotency idempotency, AuditSink audit,
                                   Supplier<Health> health, List<Routes> features) {
        boolean openMetrics = settings.metricsOpenOnLoopback();
        boolean logRequests = settings.logRequests();
        Javalin app = Javalin.create(cfg -> {
            cfg.concurrency.useVirtualThreads = true;
            cfg.startup.showJavalinBanner = false;
            cfg.http.maxRequestSize = settings.maxBodyBytes();
            cfg.jetty.host = settings.host();
            cfg.jetty.port = settings.port();
            cfg.jetty.modifyServer(server -> {
                server.setStopTimeout(settings.shutdownGrace().toMillis());
                server.setErrorHandler(new JsonErrorHandler()); // what Jetty refuses before a route runs: JSON, not HTML
            });
            cfg.jetty.modifyServletContextHandler(h -> h.setErrorHandler(new JsonErrorHandler()));
            cfg.staticFiles.enableWebjars(); // /webjars/swagger-ui/... for /docs, from the jar
            cfg.http.prefer405over404 = true; // a known path with another method is 405, not "no route"
            cfg.jsonMapper(new JavalinJackson(Json.mapper(), true));
            if (logRequests) {
                cfg.requestLogger.http((ctx, ms) -> access.info("{} {} {} {}ms", ctx.method(), ctx.path(), ctx.statusCode(),
                        String.format("%.1f", ms)));
            }
            cfg.routes.before(ctx -> authenticate(ctx, keys, openMetrics));
            cfg.routes.get("/health", ctx -> {
                Health h = health.get();
                ctx.status(h.ready() ? 200 : 503).json(Map.of("status", h.ready() ? "ok" : "unavailable", "checks", h.checks()));
            });
            // liveness: the process is up and serving HTTP; touches nothing else (readiness is /health)
            cfg.routes.get("/health/live", ctx -> ctx.contentType("application/json").result(LIVE));
            cfg.routes.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8").result(metrics.scrape()));
            Router router = new Router() {
                @Override public void get(String path, Handler h) { cfg.routes.get(path, h); }
                @Override public void post(String path, Handler h) { cfg.routes.post(path, audited(audit, "POST", path, idempotency == null ? h : idempotency.wrap(h))); }
                @Override public void patch(String path, Handler h) { cfg.routes.patch(path, audited(audit, "PATCH", path, idempotency == null ? h : idempotency.wrap(h))); }
                @Override public void put(String path, Handler h) { cfg.routes.put(path, audited(audit, "PUT", path, h)); }
                @Override public void delete(String path, Handler h) { cfg.routes.delete(path, audited(audit, "DELETE", path, h)); }
            };
            features.forEach(f -> f.register(router));
            cfg.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
            cfg.routes.exception(DomainException.class, (e, ctx) -> {
                ApiException mapped = ApiException.of(e);
                error(ctx, mapped.status(), mapped.code(), mapped.getMessage());
            });
            cfg.routes.exception(DatabaseException.class, (e, ctx) -> {
                switch (e.kind()) {
                    case TIMEOUT -> error(ctx, 503, "database_timeout", "the database did not answer in time; retry later");
                    case UNAVAILABLE -> error(ctx, 503, "database_unavailable", "the database is unavailable; retry later");
                    default -> internal(ctx, e);
                }
            });
            cfg.routes.exception(Exception.class, (e, ctx) -> internal(ctx, e));
            cfg.routes.error(404, ctx -> {
                String type = ctx.res().getContentType();
                if (type == null || !(type.contains("json") || type.contains("html"))) { // a page's own 404 (the console) stays
                    error(ctx, 404, "not_found", "no route for " + ctx.method() + " " + ctx.path());
                }
            });
            cfg.routes.error(405, ctx -> error(ctx, 405, "method_not_allowed", ctx.method() + " is not allowed on " + ctx.path()));
            cfg.routes.error(413, ctx -> error(ctx, 413, "too_large", "request body is larger than " + settings.maxBodyBytes() + " bytes"));
        });
        app.start();
        log.info("Herald API listening on http://{}:{}", settings.host(), app.port());
        return new HttpServer(app);
    }

    private static void authenticate(Context ctx, ApiKeys keys, boolean openMetrics) {
        String path = ctx.path();
        if (ctx.method() == HandlerType.GET && (path.equals("/health") || path.equals("/health/live") || OpenApiRoutes.open(path))) {
            return;
        }
        if (path.equals("/console") || path.startsWith("/console/")) {
            return; // the console authenticates its own requests by cookie, then calls this API with the key (dev.herald.console)
        }
        if (ctx.method() == HandlerType.GET && path.equals("/metrics") && openMetrics && loopback(ctx)) {
            return;
        }
        String header = ctx.header("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            throw ApiException.unauthorized("missing API key: send Authorization: Bearer <key>");
        }
        Optional<Caller> caller = keys.authenticate(header.substring(7).trim());
        if (caller.isEmpty()) {
            throw ApiException.unauthorized("invalid API key");
        }
        if (path.equals("/metrics") && !caller.get().admin()) {
            throw ApiException.notFound("route");
        }
        if (caller.get().readOnly() && ctx.method() != HandlerType.GET && ctx.method() != HandlerType.HEAD) {
            throw ApiException.forbidden("this API key may only read (scope read); " + ctx.method() + " needs a write key");
        }
        ctx.attribute(Caller.ATTRIBUTE, caller.get());
    }

    /**
     * {@code h}, reporting the call to {@code audit} once it was answered: the route template, the record's id (a UUID
     * path parameter, else the {@code id} of a JSON answer) and the status (of the exception the edge maps, when it threw).
     */
    static Handler audited(AuditSink audit, String method, String route, Handler h) {
        if (audit == null) return h;
        return ctx -> {
            int status = 500;
            try {
                h.handle(ctx);
                status = ctx.statusCode();
            } catch (ApiException e) {
                status = e.status();
                throw e;
            } catch (DomainException e) {
                status = ApiException.of(e).status();
                throw e;
            } finally {
                Caller caller = ctx.attribute(Caller.ATTRIBUTE);
                audit.record(caller == null ? null : caller.keyId(), caller == null ? null : caller.organizationId(), method, route,
                        recordId(ctx, status), status);
            }
        };
    }

    private static String recordId(Context ctx, int status) {
        for (String v : ctx.pathParamMap().values()) {
            if (v.length() == 36 && v.charAt(8) == '-') return v;
        }
        if (status >= 200 && status < 300) {
            try {
                String body = ctx.result();
                if (body != null && body.startsWith("{")) {
                    var id = Json.mapper().readTree(body).get("id");
                    if (id != null && id.isTextual()) return id.asText();
                }
            } catch (Exception e) {
                return null;
            }
        }
        return null;
    }

    private static boolean loopback(Context ctx) {
        try {
            return InetAddress.getByName(ctx.req().getRemoteAddr()).isLoopbackAddress();
        } catch (Exception e) {
            return false;
        }
    }

    static void error(Context ctx, int status, String code, String message) {
        ctx.status(status).json(Map.of("error", Map.of("code", code, "message", message == null ? code : message)));
    }

    private static void internal(Context ctx, Exception e) {
        String ref = UUID.randomUUID().toString().substring(0, 8);
        log.error("unhandled error {} on {} {}", ref, ctx.method(), ctx.path(), e);
        error(ctx, 500, "internal", "internal error (reference " + ref + ")");
    }

    /** The port the server listens on (useful with {@code --port 0}). */
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
