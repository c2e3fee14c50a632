/**
 * Sending a rendered notification through a contact's channel: signed Standard Webhooks over HTTP
 * ({@link dev.herald.senders.WebhookSender}, with OAuth2 tokens and {@code Retry-After}) and email over SMTP; the
 * outcome of each send ({@link dev.herald.senders.SendOutcome}) and signature verification for receivers
 * ({@link dev.herald.senders.WebhookVerifier}). {@link dev.herald.senders.ChannelSender} is the entry point.
 */
package dev.herald.senders;
