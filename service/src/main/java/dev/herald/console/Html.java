package dev.herald.console;

import java.util.Locale;

/**
 * The console's page frame and the few helpers every page uses: HTML escaping of every value that came from data, and
 * numbers bounds-checked before display (a rate, a percentage, an age, a duration: negative, NaN or absurd values are
 * shown as "-" rather than printed). Stateless.
 */
final class Html {
    private Html() {}

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    static String esc(Object value) {
        if (value == null) return "";
        String s = value.toString();
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '&' -> b.append("&amp;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append(c);
            }
        }
        return b.toString();
    }

    /** A count: a whole number from 0 up to 10^12, else "-". */
    static String count(double v) {
        return Double.isFinite(v) && v >= 0 && v < 1e12 ? String.format(Locale.ROOT, "%d", (long) v) : "-";
    }

    /** A duration in milliseconds, 0 to 30 days, else "-". */
    static String ms(double v) {
        return Double.isFinite(v) && v >= 0 && v <= 2.592e9 ? String.format(Locale.ROOT, "%.1f", v) : "-";
    }

    /** An age in seconds, 0 to a year, else "-". */
    static String age(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0 || seconds > 3.2e7) return "-";
        if (seconds < 60) return String.format(Locale.ROOT, "%.0f s", seconds);
        if (seconds < 3600) return String.format(Locale.ROOT, "%.0f min", seconds / 60);
        return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
    }

    /** A rate per second, 0 to 10^7, else "-". */
    static String rate(double v) {
        return Double.isFinite(v) && v >= 0 && v <= 1e7 ? String.format(Locale.ROOT, "%.1f", v) : "-";
    }

    static String page(String title, String org, String csrf, String body) {
        return """
                <!doctype html>
                <html lang="en"><head><meta charset="utf-8"><title>%1$s · Herald console</title>
                <link rel="stylesheet" href="/console/static/console.css"><script src="/console/static/console.js" defer></script></head>
                <body data-org="%2$s"><header><strong>Herald</strong>
                <nav><a href="/console?organization_id=%2$s">Overview</a> <a href="/console/contacts?organization_id=%2$s">Contacts</a>
                <a href="/console/deliveries?organization_id=%2$s">Deliveries</a> <a href="/console/dead?organization_id=%2$s">Dead letter</a>
                <a href="/console/incidents?organization_id=%2$s">Current incidents</a></nav>
                <form method="post" action="/console/sign-out"><input type="hidden" name="csrf" value="%3$s"><button id="sign-out">Sign out</button></form>
                </header><main><h1>%1$s</h1>%4$s</main></body></html>
                """.formatted(esc(title), esc(org), esc(csrf), body);
    }
}
