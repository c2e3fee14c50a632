package dev.herald.contacts;

import java.util.Locale;

/** How a contact hears from Herald. */
public enum Channel {
    WEBHOOK, EMAIL;

    public String wire() { return name().toLowerCase(Locale.ROOT); }

    public static Channel parse(String s) {
        if ("webhook".equals(s)) return WEBHOOK;
        if ("email".equals(s)) return EMAIL;
        throw new IllegalArgumentException("channel must be webhook or email, got '" + s + "'");
    }
}
