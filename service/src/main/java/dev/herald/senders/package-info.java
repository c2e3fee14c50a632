/**
 * Sending a rendered notification through a contact's channel: signed Standard Webhooks over HTTP
 * ({@link dev.herald.senders.WebhookSender}, with OAuth2 tokens and {@code Retry-After}) and email over SMTP; the
 * outcome of each send ({@link dev.herald.senders.SendOutcome}) and signature verification for receivers
 * ({@link dev.herald.senders.WebhookVerifier}). {@link dev.herald.senders.ChannelSender} is the entry point. Sealed
 * contact secrets are opened here, right before use. {@link dev.herald.senders.TargetResolverProvider} is the JVM's
 * host name resolver (JEP 418): once a send checked a host, every lookup of it drops non-public addresses, so the
 * connection goes to an address that was checked (no DNS rebinding between the check and the connection).
 */
package dev.herald.senders;
