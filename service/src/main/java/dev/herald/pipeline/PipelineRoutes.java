package dev.herald.pipeline;

import dev.herald.api.ApiException;
import dev.herald.api.ApiSettings;
import dev.herald.api.Caller;
import dev.herald.api.PageRequest;
import dev.herald.api.Requests;
import dev.herald.api.Router;
import dev.herald.api.Routes;
import dev.herald.contacts.ContactHealth;
import io.javalin.http.Context;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * {@code GET /work-units/{id}} (state, attempts and step timings, from the database so any process answers),
 * {@code POST /work-units/{id}/redrive} (dead → queued, else 409), {@code POST /work-units/redrive} (dead units by
 * contact, event and window; answers the count), {@code GET /deliveries} (newest first, paginated, filtered by
 * contact, status, event and window), {@code GET /deliveries/{id}/attempts}, {@code POST /contacts/{id}/enable} and
 * {@code POST /contacts/{id}/recover}. Every call is scoped to the caller's organization; another's record answers
 * exactly like a missing one (404).
 */
final class PipelineRoutes implements Routes {
    private final WorkQueue queue;
    private final Deliveries deliveries;
    private final Attempts attempts;
    private final Recovery recovery;
    private final ContactHealth health;
    private final ApiSettings api;
    private final Clock clock;
    private final dev.herald.contacts.Contacts contacts;
    private final TestSend testSend;

    PipelineRoutes(WorkQueue queue, Deliveries deliveries, Attempts attempts, Recovery recovery, ContactHealth health,
                   ApiSettings api, Clock clock, dev.herald.contacts.Contacts contacts, TestSend testSend) {
        this.contacts = contacts;
        this.testSend = testSend;
        this.queue = queue;
        this.deliveries = deliveries;
        this.attempts = attempts;
        this.recovery = recovery;
        this.health = health;
        this.api = api;
        this.clock = clock;
    }

    /** The routes on their own (they need no consumers): any process answers from the database. */
    static PipelineRoutes create(dev.herald.infra.Database db, ApiSettings api, Pipeline.Parts parts) {
        return new PipelineRoutes(new WorkQueue(db), new Deliveries(db), new Attempts(db), new Recovery(db),
                new ContactHealth(db), api, Clock.systemUTC(), new dev.herald.contacts.Contacts(db),
                new TestSend(new PipelineReads(db), parts.renderer(), parts.gate(), parts.sender(), Clock.systemUTC()));
    }

    /** Body of {@code POST /contacts/{id}/enable}. */
    record Enable(Boolean requeue) {}

    /** Body of {@code POST /contacts/{id}/recover}. */
    record Recover(OffsetDateTime since, OffsetDateTime until) {}

    /** Body of {@code POST /work-units/redrive}. */
    record RedriveMatching(UUID organizationId, UUID contactId, String event, OffsetDateTime since, OffsetDateTime until,
                           Integer limit) {}

    @Override
    public void register(Router r) {
        r.get("/work-units/{id}", this::get);
        r.post("/work-units/{id}/redrive", this::redrive);
        r.post("/work-units/redrive", this::redriveMatching);
        r.get("/deliveries", this::list);
        r.get("/deliveries/{id}/attempts", this::attempts);
        r.post("/contacts/{id}/enable", this::enable);
        r.post("/contacts/{id}/recover", this::recover);
        r.post("/contacts/{id}/test", this::test);
    }

    void test(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID id = Requests.pathUuid(ctx, "id");
        UUID org = contacts.organizationFor(caller, id);
        var contact = contacts.target(org, id).orElseThrow(() -> ApiException.conflict("contact " + id + " is deleted"));
        if (contact.disabled()) throw ApiException.conflict("contact " + id + " is disabled; enable it first (POST /contacts/" + id + "/enable)");
        ctx.json(testSend.send(contact));
    }

    void get(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID id = Requests.pathUuid(ctx, "id");
        WorkUnit w = queue.find(id).filter(u -> caller.sees(u.organizationId()))
                .orElseThrow(() -> ApiException.notFound("work unit " + id));
        ctx.json(w);
    }

    void redrive(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID id = Requests.pathUuid(ctx, "id");
        WorkUnit w = queue.find(id).filter(u -> caller.sees(u.organizationId()))
                .orElseThrow(() -> ApiException.notFound("work unit " + id));
        switch (queue.redrive(w.organizationId(), id)) {
            case REDRIVEN -> ctx.json(queue.find(id).orElseThrow(() -> ApiException.notFound("work unit " + id)));
            case NOT_DEAD -> throw ApiException.conflict("work unit " + id + " is " + queue.find(id).map(WorkUnit::state).orElse("gone")
                    + ", not dead; only dead work units can be redriven");
            case NOT_FOUND -> throw ApiException.notFound("work unit " + id);
        }
    }

    void list(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID org = caller.organizationFor(Requests.queryUuid(ctx, "organization_id", false));
        PageRequest req = PageRequest.from(ctx, api.listDefaultLimit(), api.listMaxLimit());
        String status = ctx.queryParam("status");
        if (status != null && !Deliveries.STATUSES.contains(status)) {
            throw ApiException.badRequest("status must be one of " + new java.util.TreeSet<>(Deliveries.STATUSES) + ", got '"
                    + Requests.abbreviate(status) + "'");
        }
        String event = ctx.queryParam("event");
        if (event != null && (event.isEmpty() || event.length() > 100)) throw ApiException.badRequest("event must be 1 to 100 characters");
        OffsetDateTime since = queryTime(ctx, "since");
        OffsetDateTime until = queryTime(ctx, "until");
        if (since != null && until != null && since.isAfter(until)) throw ApiException.badRequest("since must not be after until");
        ctx.json(deliveries.list(org, new Deliveries.Filter(Requests.queryUuid(ctx, "contact_id", false), status, event, since, until), req));
    }

    void attempts(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID id = Requests.pathUuid(ctx, "id");
        UUID org = deliveries.organizationOf(id).filter(caller::sees).orElseThrow(() -> ApiException.notFound("delivery " + id));
        ctx.json(java.util.Map.of("delivery_id", id, "attempts", attempts.list(org, id, api.listMaxLimit())));
    }

    void enable(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID id = Requests.pathUuid(ctx, "id");
        UUID org = contacts.organizationFor(caller, id);
        Enable body = ctx.body().isBlank() ? new Enable(false) : Requests.body(ctx, Enable.class);
        ContactHealth.Enabled enabled = health.enable(org, id);
        if (!enabled.found()) throw ApiException.notFound("contact " + id);
        int requeued = 0;
        if (Boolean.TRUE.equals(body.requeue()) && enabled.wasDisabledAt() != null) {
            // What failed from the start of the failing streak that led to the disabling until now.
            requeued = recovery.recover(org, id, enabled.troubleSince(), OffsetDateTime.now(clock).plusSeconds(1));
        }
        ctx.json(java.util.Map.of("contact_id", id, "was_disabled", enabled.wasDisabledAt() != null, "requeued", requeued));
    }

    void recover(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID id = Requests.pathUuid(ctx, "id");
        UUID org = contacts.organizationFor(caller, id);
        Recover body = Requests.body(ctx, Recover.class);
        OffsetDateTime now = OffsetDateTime.now(clock);
        if (body.since() == null) throw ApiException.unprocessable("since is required (an RFC 3339 time)");
        OffsetDateTime until = body.until() == null ? now : body.until();
        if (body.since().isAfter(now)) throw ApiException.unprocessable("since is in the future");
        if (body.until() != null && body.until().isAfter(now.plusMinutes(1))) throw ApiException.unprocessable("until is in the future");
        if (body.since().isAfter(until)) throw ApiException.unprocessable("since must not be after until");
        int n = recovery.recover(org, id, body.since(), until);
        ctx.json(java.util.Map.of("contact_id", id, "requeued", n, "since", body.since(), "until", until));
    }

    void redriveMatching(Context ctx) {
        Caller caller = Caller.of(ctx);
        RedriveMatching body = Requests.body(ctx, RedriveMatching.class);
        UUID org = caller.organizationFor(body.organizationId());
        OffsetDateTime now = OffsetDateTime.now(clock);
        OffsetDateTime since = body.since() == null ? OffsetDateTime.parse("2000-01-01T00:00:00Z") : body.since();
        OffsetDateTime until = body.until() == null ? now.plusSeconds(1) : body.until();
        if (since.isAfter(until)) throw ApiException.unprocessable("since must not be after until");
        if (body.event() != null && (body.event().isEmpty() || body.event().length() > 100)) {
            throw ApiException.unprocessable("event must be 1 to 100 characters");
        }
        int limit = body.limit() == null ? api.bulkMaxIds() : body.limit();
        if (limit < 1 || limit > api.bulkMaxIds()) throw ApiException.unprocessable("limit must be between 1 and " + api.bulkMaxIds());
        if (body.contactId() != null && contacts.organizationOf(body.contactId()).filter(org::equals).isEmpty()) {
            throw ApiException.notFound("contact " + body.contactId());
        }
        int n = recovery.redriveMatching(org, body.contactId(), body.event(), since, until, limit);
        ctx.json(java.util.Map.of("redriven", n));
    }

    private static OffsetDateTime queryTime(Context ctx, String name) {
        String raw = ctx.queryParam(name);
        if (raw == null || raw.isEmpty()) return null;
        try {
            OffsetDateTime t = OffsetDateTime.parse(raw);
            if (t.getYear() < 1 || t.getYear() > 9999) throw new IllegalArgumentException();
            return t;
        } catch (RuntimeException e) {
            throw ApiException.badRequest(name + " must be an RFC 3339 time such as 2026-01-31T12:00:00Z");
        }
    }
}
