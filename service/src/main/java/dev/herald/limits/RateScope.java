package dev.herald.limits;

import dev.herald.contacts.Channel;
import java.util.UUID;

/** What one rate limit counts together ({@code limits.scope}). */
public enum RateScope {
    /** Each contact has its own limit (the default). */
    CONTACT,
    /** All contacts of an organization share one limit. */
    ORGANIZATION,
    /** All contacts of an organization on one channel share one limit. */
    CHANNEL;

    public static RateScope parse(String s) {
        return switch (s) {
            case "contact" -> CONTACT;
            case "organization" -> ORGANIZATION;
            case "channel" -> CHANNEL;
            default -> throw new IllegalArgumentException("limits.scope must be contact, organization or channel, got '" + s + "'");
        };
    }

    /** The limiter key of a delivery. */
    String key(UUID organizationId, UUID contactId, Channel channel) {
        return switch (this) {
            case CONTACT -> "c:" + contactId;
            case ORGANIZATION -> "o:" + organizationId;
            case CHANNEL -> "oc:" + organizationId + ":" + channel.wire();
        };
    }

    /**
     * The rate-limit key of a delivery: a contact with its own rate limit is counted on a key of its own ({@code co:}),
     * whatever the scope, so its limit never shares a bucket with the global one.
     */
    static String key(RateScope scope, UUID organizationId, UUID contactId, Channel channel, RateLimit contactLimit) {
        return contactLimit != null ? "co:" + contactId : scope.key(organizationId, contactId, channel);
    }

    /** The throttle-window key of a delivery (always per contact). */
    static String throttleKey(UUID contactId, ThrottleWindow w, String groupKey) {
        return "t:" + contactId + ":" + (w.groupBy() == ThrottleWindow.GroupBy.INCIDENT ? (groupKey == null ? "-" : groupKey) : "*");
    }
}
