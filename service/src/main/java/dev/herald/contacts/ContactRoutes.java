package dev.herald.contacts;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.herald.errors.DomainException;
import dev.herald.api.ApiException;
import dev.herald.api.ApiSettings;
import dev.herald.api.Caller;
import dev.herald.api.PageRequest;
import dev.herald.api.Requests;
import dev.herald.api.Router;
import dev.herald.api.Routes;
import dev.herald.json.Json;
import dev.herald.organizations.Organizations;
import io.javalin.http.Context;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.UUID;

/**
 * {@code POST /organizations/{id}/contacts}, {@code GET /organizations/{id}/contacts} (paginated, deleted ones left
 * out), {@code GET /organizations/{id}/contacts/{contactId}}, and by the contact's own id {@code GET}, {@code PATCH} and
 * {@code DELETE /contacts/{id}} and {@code POST /contacts/{id}/secret/rotate}. Secrets are write-only: a webhook created
 * (or rotated) without a secret gets a generated one, answered once and never again. Every change is validated like
 * creation; another organization's contact answers exactly like a missing one (404), a deleted one 409 on changes.
 */
final class ContactRoutes implements Routes {
    static final int MAX_JSON_CHARS = 4096;

    private final Contacts contacts;
    private final ContactChanges changes;
    private final Organizations organizations;
    private final java.time.Duration secretOverlap;
    final TargetValidator validator;
    private final int defaultLimit;
    private final int maxLimit;
    private final java.time.Duration maxRetryHorizon;
    private final int maxWithinHops;

    ContactRoutes(Contacts contacts, ContactChanges changes, Organizations organizations, ContactSettings settings, ApiSettings api) {
        this.contacts = contacts;
        this.changes = changes;
        this.secretOverlap = settings.secretOverlap();
        this.organizations = organizations;
        this.validator = new TargetValidator(settings.allowPrivateTargets());
        this.defaultLimit = api.listDefaultLimit();
        this.maxLimit = api.listMaxLimit();
        this.maxRetryHorizon = settings.maxRetryHorizon();
        this.maxWithinHops = settings.maxWithinHops();
    }

    /** Body of {@code POST /organizations/{id}/contacts}. */
    record CreateContact(String channel, String target, String secret, JsonNode throttle, JsonNode subscription, JsonNode outboundAuth,
                         Boolean operational, JsonNode retrySchedule, String name, String description, JsonNode rateLimit,
                         String signing) {
        @Override
        public String toString() { return "CreateContact[" + channel + " " + target + "]"; }
    }

    @Override
    public void register(Router r) {
        r.post("/organizations/{id}/contacts", this::create);
        r.get("/organizations/{id}/contacts", this::list);
        r.get("/organizations/{id}/contacts/{contactId}", this::get);
        r.get("/contacts/{id}", this::getById);
        r.patch("/contacts/{id}", this::patch);
        r.delete("/contacts/{id}", this::delete);
        r.post("/contacts/{id}/secret/rotate", this::rotate);
    }

    void getById(Context ctx) {
        UUID id = Requests.pathUuid(ctx, "id");
        UUID org = contacts.organizationFor(Caller.of(ctx), id);
        ctx.json(contacts.find(org, id).orElseThrow(() -> ApiException.notFound("contact " + id)));
    }

    void patch(Context ctx) {
        UUID id = Requests.pathUuid(ctx, "id");
        UUID org = contacts.organizationFor(Caller.of(ctx), id);
        JsonNode body = Requests.body(ctx, JsonNode.class);
        if (!body.isObject()) throw ApiException.badRequest("request body must be a JSON object");
        Channel channel = changes.channelOfLive(org, id);
        changes.apply(org, id, ContactPatches.parse((ObjectNode) body, channel, validator, maxRetryHorizon, maxWithinHops));
        ctx.json(contacts.find(org, id).orElseThrow(() -> ApiException.notFound("contact " + id)));
    }

    void delete(Context ctx) {
        UUID id = Requests.pathUuid(ctx, "id");
        UUID org = contacts.organizationFor(Caller.of(ctx), id);
        int cancelled = changes.delete(org, id);
        ctx.json(java.util.Map.of("id", id, "deleted", true, "cancelled_work_units", cancelled));
    }

    void rotate(Context ctx) {
        UUID id = Requests.pathUuid(ctx, "id");
        UUID org = contacts.organizationFor(Caller.of(ctx), id);
        boolean asymmetric = contacts.find(org, id).map(c -> Contacts.ED25519.equals(c.signing())).orElse(false);
        if (asymmetric) {
            WebhookSecrets.SigningKeys keys = WebhookSecrets.generateSigning();
            java.time.OffsetDateTime previousUntil = changes.rotate(org, id, keys.secret(), keys.publicKey(), secretOverlap);
            ctx.json(java.util.Map.of("id", id, "public_key", keys.publicKey(), "previous_secret_valid_until", previousUntil));
            return;
        }
        String secret = WebhookSecrets.generate();
        java.time.OffsetDateTime previousUntil = changes.rotate(org, id, secret, null, secretOverlap);
        ctx.json(java.util.Map.of("id", id, "secret", secret, "previous_secret_valid_until", previousUntil)); // shown this once
    }

    void create(Context ctx) {
        UUID org = organization(ctx);
        CreateContact body = Requests.body(ctx, CreateContact.class);
        Contacts.NewContact c = validate(org, body);
        String generated = null;
        if (c.channel() == Channel.WEBHOOK && Contacts.ED25519.equals(body.signing())) {
            WebhookSecrets.SigningKeys keys = WebhookSecrets.generateSigning(); // the private key never leaves Herald
            c = new Contacts.NewContact(org, c.channel(), c.target(), keys.secret(), c.auth(), c.throttle(), c.subscription(),
                    c.operational(), c.retrySchedule(), c.name(), c.description(), c.rateLimit(), keys.publicKey());
        } else if (c.channel() == Channel.WEBHOOK && c.secret() == null) {
            generated = WebhookSecrets.generate();
            c = new Contacts.NewContact(org, c.channel(), c.target(), generated, c.auth(), c.throttle(), c.subscription(),
                    c.operational(), c.retrySchedule(), c.name(), c.description(), c.rateLimit(), null);
        }
        ObjectNode out = Json.mapper().valueToTree(contacts.create(c));
        if (generated != null) {
            out.put("secret", generated); // shown this once
        }
        ctx.status(201).json(out);
    }

    void list(Context ctx) {
        UUID org = organization(ctx);
        ctx.json(contacts.list(org, PageRequest.from(ctx, defaultLimit, maxLimit)));
    }

    void get(Context ctx) {
        UUID org = organization(ctx);
        UUID id = Requests.pathUuid(ctx, "contactId");
        ctx.json(contacts.find(org, id).orElseThrow(() -> ApiException.notFound("contact " + id)));
    }

    /** The organization in the path, if the caller may act on it and it exists; else 404. */
    private UUID organization(Context ctx) {
        Caller caller = Caller.of(ctx);
        UUID org = Requests.pathUuid(ctx, "id");
        if (!caller.sees(org) || organizations.find(org).isEmpty()) {
            throw ApiException.notFound("organization " + org);
        }
        return org;
    }

    Contacts.NewContact validate(UUID org, CreateContact b) {
        if (b.channel() == null) throw ApiException.unprocessable("channel is required: webhook or email");
        Channel channel;
        try {
            channel = Channel.parse(b.channel());
        } catch (IllegalArgumentException e) {
            throw ApiException.unprocessable(e.getMessage());
        }
        String target;
        String secret = null;
        OutboundAuth auth = null;
        if (b.signing() != null && !b.signing().equals(Contacts.HMAC) && !b.signing().equals(Contacts.ED25519)) {
            throw DomainException.invalid("signing", "signing must be " + Contacts.HMAC + " or " + Contacts.ED25519 + "; got '" + Requests.abbreviate(b.signing()) + "'");
        }
        if (channel == Channel.WEBHOOK) {
            target = validator.url("target", b.target());
            if (b.secret() != null && Contacts.ED25519.equals(b.signing())) {
                throw DomainException.invalid("secret", "secret does not go with signing ed25519: Herald generates the key pair and answers the public key");
            }
            if (b.secret() != null) {
                try {
                    WebhookSecrets.key(b.secret());
                } catch (IllegalArgumentException e) {
                    throw ApiException.unprocessable("secret is malformed: " + e.getMessage()
                            + " (omit it and Herald generates one)");
                }
                secret = b.secret();
            }
            try {
                auth = OutboundAuth.parse(b.outboundAuth());
            } catch (IllegalArgumentException e) {
                throw ApiException.unprocessable(e.getMessage());
            }
            if (auth instanceof OutboundAuth.OAuth2 o) {
                auth = new OutboundAuth.OAuth2(validator.url("outbound_auth.token_url", o.tokenUrl()), o.clientId(), o.clientSecret(), o.scope());
            }
        } else {
            target = validator.email("target", b.target());
            if (b.secret() != null) throw ApiException.unprocessable("secret applies to webhook contacts only");
            if (b.signing() != null) throw DomainException.invalid("signing", "signing applies to webhook contacts only");
            if (b.outboundAuth() != null && !b.outboundAuth().isNull()) {
                throw ApiException.unprocessable("outbound_auth applies to webhook contacts only");
            }
        }
        return new Contacts.NewContact(org, channel, target, secret, auth, throttle(b.throttle()), subscription(b.subscription(), maxWithinHops),
                Boolean.TRUE.equals(b.operational()), Requests.retrySchedule(b.retrySchedule(), "retry_schedule", maxRetryHorizon),
                ContactPatches.text(b.name(), "name", 200), ContactPatches.text(b.description(), "description", 2000),
                ContactPatches.rateLimit(b.rateLimit()), null);
    }

    static JsonNode throttle(JsonNode t) {
        if (t == null || t.isNull()) return null;
        if (!t.isObject()) throw ApiException.unprocessable("throttle must be an object");
        if (t.toString().length() > MAX_JSON_CHARS) throw ApiException.unprocessable("throttle is larger than " + MAX_JSON_CHARS + " characters");
        try {
            dev.herald.limits.ThrottleWindow.parse(t); // {"max": N, "window": "24h", "group_by": "incident"|"contact"}
        } catch (IllegalArgumentException e) {
            throw ApiException.unprocessable(e.getMessage());
        }
        return t;
    }

    static JsonNode subscription(JsonNode s, int maxWithinHops) {
        return Subscriptions.check(s, maxWithinHops);
    }
}
