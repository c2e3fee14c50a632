package dev.herald.console;

import static dev.herald.console.Html.esc;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.api.ApiKeys;
import dev.herald.api.Caller;
import dev.herald.api.Router;
import dev.herald.api.Routes;
import dev.herald.json.Json;
import dev.herald.pipeline.PipelineStats;
import io.javalin.http.Context;
import io.javalin.http.Cookie;
import io.javalin.http.SameSite;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The console's pages and actions. Sign-in checks the key against {@link ApiKeys} and keeps it in an HttpOnly,
 * SameSite=Strict cookie scoped to {@code /console}; a wrong key sets no cookie. Every state-changing form must carry
 * the CSRF token derived from the signed-in key (SHA-256 of the key and a fixed label: unforgeable without the key, the
 * same in every process); a missing or forged one is 403 and nothing is done. An organization that is not the
 * caller's (or does not exist) is a 404 page, like the API. Thread-safe.
 */
public final class ConsoleRoutes implements Routes {
    static final String COOKIE = "herald_console";
    private static final String TEXT_HTML = "text/html; charset=utf-8";

    private final ApiKeys keys;
    private final PipelineStats stats;
    private final ConsoleApi api;

    public ConsoleRoutes(ApiKeys keys, PipelineStats stats, java.time.Duration apiTimeout) {
        this.keys = keys;
        this.stats = stats;
        this.api = new ConsoleApi(apiTimeout);
    }

    /** Paths the console authenticates itself (by cookie), not the API's bearer check. */
    public static boolean owns(String path) {
        return path.equals("/console") || path.startsWith("/console/");
    }

    @Override
    public void register(Router r) {
        r.get("/console", this::overview);
        r.get("/console/sign-in", this::signInPage);
        r.post("/console/sign-in", this::signIn);
        r.post("/console/sign-out", this::signOut);
        r.get("/console/overview.json", this::overviewJson);
        r.get("/console/contacts", this::contacts);
        r.post("/console/contacts/{id}/{action}", this::contactAction);
        r.get("/console/deliveries", this::deliveries);
        r.get("/console/deliveries/{id}", this::delivery);
        r.get("/console/dead", this::dead);
        r.post("/console/dead/redrive", this::redrive);
        r.get("/console/incidents", this::incidents);
        r.get("/console/static/{file}", this::asset);
    }

    /** The signed-in caller and its key; empty when not signed in (or the key was revoked or expired since). */
    private record Session(String key, Caller caller, String csrf) {}

    private Optional<Session> session(Context ctx) {
        String key = ctx.cookie(COOKIE);
        if (key == null || key.isBlank()) return Optional.empty();
        return keys.authenticate(key).map(c -> new Session(key, c, csrf(key)));
    }

    static String csrf(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(("herald-console-csrf:" + key).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The session, or a redirect to sign-in (answered here; empty return means the caller stops). */
    private Optional<Session> require(Context ctx) {
        Optional<Session> s = session(ctx);
        if (s.isEmpty()) ctx.redirect("/console/sign-in");
        return s;
    }

    /** The organization a page is about: an organization key's own; an admin's from ?organization_id. Empty: answered. */
    private Optional<UUID> organization(Context ctx, Session s) {
        String raw = ctx.queryParam("organization_id");
        if (raw == null || raw.isBlank()) raw = ctx.formParam("organization_id");
        UUID org;
        if (raw == null || raw.isBlank()) {
            if (s.caller().organizationId() == null) {
                html(ctx, 200, Html.page("Choose an organization", "", s.csrf(), """
                        <form method="get" action="/console"><label>Organization id <input name="organization_id" id="organization_id" required></label>
                        <button>Open</button></form>"""));
                return Optional.empty();
            }
            org = s.caller().organizationId();
        } else {
            try {
                org = UUID.fromString(raw.trim());
            } catch (IllegalArgumentException e) {
                notFound(ctx, s);
                return Optional.empty();
            }
        }
        if (!s.caller().sees(org) || !api.get(ctx, s.key(), "/organizations/" + org, Map.of()).ok()) {
            notFound(ctx, s);
            return Optional.empty();
        }
        return Optional.of(org);
    }

    /** A page or action of one organization: run only when signed in (else a redirect) and the organization is visible. */
    @FunctionalInterface
    private interface OrgHandler {
        void handle(Session s, UUID org);
    }

    private void page(Context ctx, OrgHandler h) {
        Optional<Session> s = require(ctx);
        if (s.isEmpty()) return;
        organization(ctx, s.get()).ifPresent(org -> h.handle(s.get(), org));
    }

    /** As {@link #page}, for a form: the CSRF token is checked before anything else. */
    private void action(Context ctx, OrgHandler h) {
        Optional<Session> s = require(ctx);
        if (s.isEmpty() || !csrfOk(ctx, s.get())) return;
        organization(ctx, s.get()).ifPresent(org -> h.handle(s.get(), org));
    }

    private boolean csrfOk(Context ctx, Session s) {
        String given = ctx.formParam("csrf");
        if (given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), s.csrf().getBytes(StandardCharsets.UTF_8))) return true;
        html(ctx, 403, Html.page("Forbidden", "", s.csrf(), "<p id=\"error\">The form's CSRF token is missing or wrong; nothing was changed. Reload the page and try again.</p>"));
        return false;
    }

    private static void html(Context ctx, int status, String page) {
        ctx.status(status).header("Content-Security-Policy", Html.CSP).header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "no-referrer").header("Cache-Control", "no-store").contentType(TEXT_HTML).result(page);
    }

    private static void notFound(Context ctx, Session s) {
        html(ctx, 404, Html.page("Not found", "", s == null ? "" : s.csrf(), "<p id=\"error\">No such organization or record.</p>"));
    }

    void signInPage(Context ctx) {
        String error = ctx.queryParam("error") != null ? "<p id=\"error\">That key is not valid (wrong, revoked or expired). No session was started.</p>" : "";
        html(ctx, 200, """
                <!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in · Herald console</title>
                <link rel="stylesheet" href="/console/static/console.css"></head><body><main><h1>Herald console</h1>%s
                <form method="post" action="/console/sign-in"><label>API key <input type="password" name="key" id="key" autocomplete="off" required></label>
                <button id="sign-in">Sign in</button></form></main></body></html>""".formatted(error));
    }

    void signIn(Context ctx) {
        String key = ctx.formParam("key");
        if (key == null || keys.authenticate(key.trim()).isEmpty()) {
            ctx.redirect("/console/sign-in?error=1");
            return;
        }
        Cookie c = new Cookie(COOKIE, key.trim(), "/console", -1, "https".equals(ctx.scheme()), true, null, SameSite.STRICT);
        ctx.cookie(c);
        ctx.redirect("/console");
    }

    void signOut(Context ctx) {
        Optional<Session> s = session(ctx);
        if (s.isPresent() && !csrfOk(ctx, s.get())) return;
        ctx.removeCookie(COOKIE, "/console");
        ctx.redirect("/console/sign-in");
    }

    void overview(Context ctx) {
        page(ctx, (s, org) -> {
            StringBuilder b = new StringBuilder("<section id=\"live\" data-source=\"/console/overview.json?organization_id=" + org + "\">");
            for (String[] f : new String[][] {{"queued", "Queue depth"}, {"oldest", "Oldest queued"}, {"claimed", "Claimed"},
                    {"rate", "Delivered / s"}, {"delivered", "Delivered (5 min)"}, {"failed", "Failed (5 min)"}, {"dead", "Dead (5 min)"}}) {
                b.append("<div class=\"stat\"><span class=\"label\">").append(f[1]).append("</span><span class=\"value\" id=\"").append(f[0]).append("\">-</span></div>");
            }
            b.append("</section><h2>Throughput and latency (this page's samples)</h2><svg id=\"chart\" width=\"640\" height=\"120\" role=\"img\" aria-label=\"throughput and p99 latency\"></svg>");
            b.append("<h2>Step timings, last 5 minutes (ms)</h2><table id=\"steps\"><thead><tr><th>step</th><th>count</th><th>p50</th><th>p99</th></tr></thead><tbody></tbody></table>");
            html(ctx, 200, Html.page("Overview", org.toString(), s.csrf(), b.toString()));
        });
    }

    void overviewJson(Context ctx) {
        Optional<Session> s = session(ctx);
        if (s.isEmpty()) {
            ctx.status(401).json(Map.of("error", Map.of("code", "unauthorized", "message", "sign in again")));
            return;
        }
        UUID org;
        try {
            org = s.get().caller().organizationFor(UUID.fromString(String.valueOf(ctx.queryParam("organization_id"))));
        } catch (RuntimeException e) {
            ctx.status(404).json(Map.of("error", Map.of("code", "not_found", "message", "organization not found")));
            return;
        }
        OffsetDateTime since = OffsetDateTime.now().minusMinutes(5);
        PipelineStats.Queue q = stats.queue(org);
        PipelineStats.Counts c = stats.counts(org, since);
        PipelineStats.Counts lastTen = stats.counts(org, OffsetDateTime.now().minusSeconds(10));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("queued", Html.count(q.queued()));
        out.put("oldest", Html.age(q.oldestQueuedSeconds()));
        out.put("claimed", Html.count(q.claimed()));
        out.put("rate", Html.rate(lastTen.delivered() / 10.0));
        out.put("rate_value", Math.max(0, lastTen.delivered() / 10.0));
        out.put("delivered", Html.count(c.delivered()));
        out.put("failed", Html.count(c.failed()));
        out.put("dead", Html.count(c.dead()));
        List<Map<String, Object>> steps = stats.steps(org, since).stream().map(st -> Map.<String, Object>of("step", st.step(),
                "count", Html.count(st.count()), "p50", Html.ms(st.p50()), "p99", Html.ms(st.p99()),
                "p99_value", Double.isFinite(st.p99()) && st.p99() >= 0 ? st.p99() : 0)).toList();
        out.put("steps", steps);
        ctx.header("Cache-Control", "no-store").json(out);
    }

    void contacts(Context ctx) {
        page(ctx, (s, org) -> {
            ConsoleApi.Answer a = api.get(ctx, s.key(), "/organizations/" + org + "/contacts", Map.of("limit", "200"));
            StringBuilder b = new StringBuilder(message(ctx));
            b.append("<table id=\"contacts\"><thead><tr><th>contact</th><th>target</th><th>health</th><th>failures</th><th>failing since</th><th>disabled</th><th></th></tr></thead><tbody>");
            for (JsonNode c : a.body().path("items")) {
                String id = c.path("id").asText();
                JsonNode h = c.path("health");
                b.append("<tr data-contact=\"").append(esc(id)).append("\"><td>").append(esc(c.path("name").asText(id))).append("</td><td>")
                        .append(esc(c.path("target").asText())).append("</td><td class=\"status\">").append(esc(h.path("status").asText()))
                        .append("</td><td>").append(Html.count(h.path("consecutive_failures").asDouble())).append("</td><td>")
                        .append(esc(h.path("failing_since").asText(""))).append("</td><td>").append(c.path("disabled").asBoolean() ? "yes" : "no").append("</td><td>");
                for (String action : List.of("enable", "test", "recover")) {
                    b.append(form("/console/contacts/" + esc(id) + "/" + action, s.csrf(), org, action,
                            action.equals("recover") ? "<input type=\"hidden\" name=\"since\" value=\"" + OffsetDateTime.now().minusDays(7) + "\">" : ""));
                }
                b.append("</td></tr>");
            }
            b.append("</tbody></table>");
            html(ctx, 200, Html.page("Contacts", org.toString(), s.csrf(), b.toString()));
        });
    }

    private static String form(String action, String csrf, UUID org, String label, String extra) {
        return "<form method=\"post\" action=\"" + action + "\"><input type=\"hidden\" name=\"csrf\" value=\"" + esc(csrf)
                + "\"><input type=\"hidden\" name=\"organization_id\" value=\"" + org + "\">" + extra + "<button>" + esc(label) + "</button></form>";
    }

    private static String message(Context ctx) {
        String m = ctx.queryParam("message");
        return m == null ? "" : "<p id=\"message\">" + esc(m.length() > 500 ? m.substring(0, 500) : m) + "</p>";
    }

    void contactAction(Context ctx) {
        action(ctx, (s, org) -> {
            String action = ctx.pathParam("action");
            if (!List.of("enable", "test", "recover").contains(action)) {
                notFound(ctx, s);
                return;
            }
            Object body = action.equals("recover") ? Map.of("since", String.valueOf(ctx.formParam("since"))) : Map.of();
            ConsoleApi.Answer a = api.post(ctx, s.key(), "/contacts/" + ctx.pathParam("id") + "/" + action, body);
            if (a.status() == 404) {
                notFound(ctx, s);
                return;
            }
            String said = a.ok() ? action + ": " + Json.write(a.body()) : action + " refused: " + a.error();
            ctx.redirect("/console/contacts" + ConsoleApi.query(Map.of("organization_id", org.toString(), "message", said)));
        });
    }

    void deliveries(Context ctx) {
        page(ctx, (s, org) -> {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("organization_id", org.toString());
            for (String f : List.of("contact_id", "status", "event", "since", "until")) q.put(f, ctx.queryParam(f));
            q.put("limit", "100");
            ConsoleApi.Answer a = api.get(ctx, s.key(), "/deliveries", q);
            StringBuilder b = new StringBuilder("<form method=\"get\" action=\"/console/deliveries\" id=\"search\"><input type=\"hidden\" name=\"organization_id\" value=\"" + org + "\">");
            for (String f : List.of("contact_id", "status", "event", "since", "until")) {
                b.append("<label>").append(f).append(" <input name=\"").append(f).append("\" value=\"").append(esc(q.get(f) == null ? "" : q.get(f))).append("\"></label> ");
            }
            b.append("<button>Search</button></form>");
            if (!a.ok()) b.append("<p id=\"error\">").append(esc(a.error())).append("</p>");
            b.append(deliveryTable(a.body().path("items"), org, null));
            html(ctx, 200, Html.page("Deliveries", org.toString(), s.csrf(), b.toString()));
        });
    }

    private static String deliveryTable(JsonNode items, UUID org, String csrf) {
        StringBuilder b = new StringBuilder("<table class=\"deliveries\"><thead><tr><th>created</th><th>event</th><th>status</th><th>attempts</th><th>answer</th><th>error</th><th></th></tr></thead><tbody>");
        for (JsonNode d : items) {
            String id = d.path("id").asText();
            b.append("<tr data-delivery=\"").append(esc(id)).append("\" data-work-unit=\"").append(esc(d.path("work_unit_id").asText())).append("\"><td>")
                    .append(esc(d.path("created_at").asText())).append("</td><td>").append(esc(d.path("event").asText())).append("</td><td class=\"status\">")
                    .append(esc(d.path("status").asText())).append("</td><td>").append(Html.count(d.path("attempts").asDouble())).append("</td><td>")
                    .append(esc(d.path("response_code").asText(""))).append("</td><td>").append(esc(d.path("error").asText(""))).append("</td><td>")
                    .append("<a href=\"/console/deliveries/").append(esc(id)).append("?organization_id=").append(org)
                    .append("&amp;work_unit_id=").append(esc(d.path("work_unit_id").asText())).append("\">attempts</a>");
            if (csrf != null) {
                b.append(form("/console/dead/redrive", csrf, org, "redrive", "<input type=\"hidden\" name=\"work_unit_id\" value=\"" + esc(d.path("work_unit_id").asText()) + "\">"));
            }
            b.append("</td></tr>");
        }
        return b.append("</tbody></table>").toString();
    }

    void delivery(Context ctx) {
        page(ctx, (s, org) -> {
            ConsoleApi.Answer a = api.get(ctx, s.key(), "/deliveries/" + ctx.pathParam("id") + "/attempts", Map.of());
            if (!a.ok()) {
                notFound(ctx, s);
                return;
            }
            StringBuilder b = new StringBuilder("<h2>Attempts</h2><table id=\"attempts\"><thead><tr><th>#</th><th>started</th><th>ms</th><th>outcome</th><th>answer</th><th>error</th><th>process</th></tr></thead><tbody>");
            for (JsonNode t : a.body().path("attempts")) {
                b.append("<tr><td>").append(Html.count(t.path("attempt").asDouble())).append("</td><td>").append(esc(t.path("started_at").asText()))
                        .append("</td><td>").append(Html.ms(t.path("duration_ms").asDouble())).append("</td><td>").append(esc(t.path("outcome").asText()))
                        .append("</td><td>").append(esc(t.path("response_code").asText(""))).append(' ').append(esc(t.path("response_excerpt").asText("")))
                        .append("</td><td>").append(esc(t.path("error").asText(""))).append("</td><td>").append(esc(t.path("process").asText())).append("</td></tr>");
            }
            b.append("</tbody></table>");
            String unit = ctx.queryParam("work_unit_id"); // the list's link carries it; the API scopes it to the key
            if (unit != null && !unit.isBlank()) {
                ConsoleApi.Answer w = api.get(ctx, s.key(), "/work-units/" + unit, Map.of());
                if (w.ok()) b.append(waterfall(w.body().path("timings")));
            }
            html(ctx, 200, Html.page("Delivery " + ctx.pathParam("id"), org.toString(), s.csrf(), b.toString()));
        });
    }

    /** One message's steps as bars on a shared time axis (wait, claim, context, render, throttle, send), in ms. */
    static String waterfall(JsonNode timings) {
        List<String> steps = List.of("wait", "claim", "context", "render", "throttle", "send");
        double total = 0;
        for (String st : steps) {
            double v = timings.path(st + "_ms").asDouble(0);
            if (Double.isFinite(v) && v > 0 && v < 2.592e9) total += v;
        }
        StringBuilder b = new StringBuilder("<h2>Step waterfall (ms)</h2><table id=\"waterfall\"><tbody>");
        double offset = 0;
        for (String st : steps) {
            double v = timings.path(st + "_ms").asDouble(0);
            if (!Double.isFinite(v) || v < 0 || v >= 2.592e9) v = 0;
            int left = total <= 0 ? 0 : (int) Math.round(offset / total * 100);
            int width = total <= 0 ? 0 : Math.max(1, (int) Math.round(v / total * 100));
            b.append("<tr><td>").append(st).append("</td><td>").append(Html.ms(v)).append("</td><td class=\"track\"><svg width=\"400\" height=\"12\">")
                    .append("<rect x=\"").append(left * 4).append("\" width=\"").append(Math.min(width, 100 - left) * 4).append("\" height=\"12\"></rect></svg></td></tr>");
            offset += v;
        }
        return b.append("</tbody></table>").toString();
    }

    void dead(Context ctx) {
        page(ctx, (s, org) -> {
            Map<String, String> q = new LinkedHashMap<>();
            q.put("organization_id", org.toString());
            q.put("status", "failed");
            for (String f : List.of("contact_id", "event", "since", "until")) q.put(f, ctx.queryParam(f));
            q.put("limit", "200");
            ConsoleApi.Answer a = api.get(ctx, s.key(), "/deliveries", q);
            StringBuilder b = new StringBuilder(message(ctx));
            b.append(form("/console/dead/redrive", s.csrf(), org, "Redrive every dead unit shown",
                    "<input type=\"hidden\" name=\"contact_id\" value=\"" + esc(q.get("contact_id") == null ? "" : q.get("contact_id"))
                            + "\"><input type=\"hidden\" name=\"event\" value=\"" + esc(q.get("event") == null ? "" : q.get("event")) + "\">"));
            b.append(deliveryTable(a.body().path("items"), org, s.csrf()));
            html(ctx, 200, Html.page("Dead letter", org.toString(), s.csrf(), b.toString()));
        });
    }

    void redrive(Context ctx) {
        action(ctx, (s, org) -> {
            String unit = ctx.formParam("work_unit_id");
            ConsoleApi.Answer a;
            if (unit != null && !unit.isBlank()) {
                a = api.post(ctx, s.key(), "/work-units/" + unit + "/redrive", Map.of());
            } else {
                Map<String, Object> body = new LinkedHashMap<>();
                for (String f : List.of("contact_id", "event")) {
                    String v = ctx.formParam(f);
                    if (v != null && !v.isBlank()) body.put(f, v);
                }
                a = api.post(ctx, s.key(), "/work-units/redrive", body);
            }
            if (a.status() == 404) {
                notFound(ctx, s);
                return;
            }
            String said = a.ok() ? "redriven: " + Json.write(a.body()) : "redrive refused: " + a.error();
            ctx.redirect("/console/dead" + ConsoleApi.query(Map.of("organization_id", org.toString(), "message", said)));
        });
    }

    void incidents(Context ctx) {
        page(ctx, (s, org) -> {
            ConsoleApi.Answer a = api.get(ctx, s.key(), "/incidents/current", Map.of("organization_id", org.toString(), "limit", "200"));
            ConsoleApi.Answer impact = api.get(ctx, s.key(), "/impact", Map.of("organization_id", org.toString(), "limit", "200"));
            StringBuilder b = new StringBuilder("<table id=\"incidents\"><thead><tr><th>incident</th><th>kind</th><th>severity</th><th>outages</th><th>assets</th><th>intel requests</th></tr></thead><tbody>");
            for (JsonNode e : a.body().path("items")) {
                JsonNode i = e.path("incident");
                b.append("<tr><td>").append(esc(i.path("title").asText(i.path("id").asText()))).append("</td><td>").append(esc(i.path("kind").asText()))
                        .append("</td><td>").append(Html.count(i.path("severity").asDouble())).append("</td><td>").append(Html.count(e.path("outages").size()))
                        .append("</td><td>").append(Html.count(e.path("assets").size())).append("</td><td>").append(Html.count(e.path("intel_requests").size())).append("</td></tr>");
            }
            b.append("</tbody></table><h2>Affected subjects (impact)</h2><table id=\"impact\"><thead><tr><th>subject</th><th>incidents reaching it</th><th>estimated restoration</th></tr></thead><tbody>");
            for (JsonNode x : impact.body().path("items")) {
                b.append("<tr><td>").append(esc(x.path("subject").path("type").asText())).append(' ').append(esc(x.path("subject").path("name").asText(x.path("subject").path("id").asText())))
                        .append("</td><td>").append(Html.count(x.path("impacts").size())).append("</td><td>").append(esc(x.path("estimated_restoration").asText("unknown"))).append("</td></tr>");
            }
            b.append("</tbody></table>");
            html(ctx, 200, Html.page("Current incidents", org.toString(), s.csrf(), b.toString()));
        });
    }

    void asset(Context ctx) {
        String file = ctx.pathParam("file");
        String type = file.equals("console.js") ? "text/javascript; charset=utf-8" : file.equals("console.css") ? "text/css; charset=utf-8" : null;
        if (type == null) {
            ctx.status(404).result("");
            return;
        }
        try (InputStream in = ConsoleRoutes.class.getResourceAsStream("/dev/herald/console/" + file)) {
            if (in == null) throw new IllegalStateException("console asset missing from the jar: " + file);
            ctx.contentType(type).header("Cache-Control", "max-age=300").result(in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
