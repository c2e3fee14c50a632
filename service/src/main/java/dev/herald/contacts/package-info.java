/**
 * Contacts: where an organization hears from Herald (a webhook URL with its signing secret and outbound auth, or an
 * email address, with throttle settings and a subscription). Owns the {@code contacts} table and every rule about it:
 * target validation and the private-address rule ({@link dev.herald.contacts.TargetValidator}), secret format
 * ({@link dev.herald.contacts.WebhookSecrets}), outbound auth ({@link dev.herald.contacts.OutboundAuth}), disabling, and
 * the two shapes a contact takes: {@link dev.herald.contacts.Contacts.Contact} for the API (never a secret) and
 * {@link dev.herald.contacts.ContactTarget} for the pipeline. A subscription is checked on save by
 * {@code Subscriptions} and evaluated by the SQL function {@code herald_subscription_accepts} over the contact's
 * generated {@code sub_*} columns, the one filter the fan-outs and the tests use. {@link dev.herald.contacts.Channel}
 * (webhook or email) lives here and is shared by senders, templates and limits.
 */
package dev.herald.contacts;
