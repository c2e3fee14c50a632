package dev.herald.api;

import io.javalin.http.Context;
import java.util.UUID;

/**
 * Who is calling: the organization of the API key, or an admin. Every query that reads or changes records must be
 * scoped with {@link #organizationFor(UUID)} so that one tenant can never read another's records.
 *
 * @param keyId          the API key's id
 * @param organizationId the key's organization, or null for an admin key
 * @param scope          what the key may do: {@code read} (GET only), {@code write}, {@code admin}
 * @param expiresAt      when the key stops working, or null
 */
public record Caller(UUID keyId, UUID organizationId, String scope, java.time.OffsetDateTime expiresAt) {
    static final String ATTRIBUTE = "herald.caller";

    /** A caller with the scope its kind of key has by default (admin for admin keys, else write), never expiring. */
    public Caller(UUID keyId, UUID organizationId) {
        this(keyId, organizationId, organizationId == null ? "admin" : "write", null);
    }

    /** True for a key that may only read. */
    public boolean readOnly() {
        return "read".equals(scope);
    }

    public boolean admin() {
        return organizationId == null;
    }

    /**
     * The organization a request acts on. An organization key acts on its own organization: a different requested
     * organization answers 404 (never revealing that it exists). An admin key must name the organization.
     */
    public UUID organizationFor(UUID requested) {
        if (admin()) {
            if (requested == null) {
                throw ApiException.badRequest("organization_id is required with an admin key");
            }
            return requested;
        }
        if (requested != null && !requested.equals(organizationId)) {
            throw ApiException.notFound("organization " + requested);
        }
        return organizationId;
    }

    /** True when this caller may see records of {@code org}. */
    public boolean sees(UUID org) {
        return admin() || organizationId.equals(org);
    }

    /** The caller of the current request (set by the authentication filter). */
    public static Caller of(Context ctx) {
        Caller c = ctx.attribute(ATTRIBUTE);
        if (c == null) {
            throw ApiException.unauthorized("missing API key");
        }
        return c;
    }
}
