package dev.herald.templates;

import java.util.Locale;

/** The templates Herald renders, each with the escaping its output format needs. */
enum TemplateName {
    /** The webhook's JSON body: printed values are escaped as JSON string content; {@code | json} prints a JSON literal. */
    WEBHOOK_BODY(Format.JSON),
    /** The email subject: plain text (line breaks are removed when sent). */
    EMAIL_SUBJECT(Format.TEXT),
    /** The email's plain-text part. */
    EMAIL_TEXT(Format.TEXT),
    /** The email's HTML part: printed values are HTML-escaped. */
    EMAIL_HTML(Format.HTML);

    /** How printed values are escaped. */
    enum Format { JSON, HTML, TEXT }

    final Format format;

    TemplateName(Format format) {
        this.format = format;
    }

    /** The name on the wire and in the database, e.g. {@code webhook_body}. */
    public String wire() { return name().toLowerCase(Locale.ROOT); }

    /** The template named {@code s}; {@link IllegalArgumentException} listing the valid names otherwise. */
    public static TemplateName parse(String s) {
        for (TemplateName n : values()) {
            if (n.wire().equals(s)) return n;
        }
        throw new IllegalArgumentException("template name must be one of webhook_body, email_subject, email_text, email_html, got '" + s + "'");
    }
}
