package dev.herald.templates;

/**
 * A notification rendered for one contact: the webhook JSON body, or the email subject, text and HTML parts
 * (fields of the other channel are null).
 */
public record RenderedMessage(String webhookBody, String emailSubject, String emailText, String emailHtml) {}
