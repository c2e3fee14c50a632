package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.herald.testing.TestApp;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Request bodies are read strictly: what JSON does not say is refused, not guessed at, with a 400 that names the field
 * and what was expected, never a Java type; and nothing is written.
 */
class StrictInputTest {
    static TestApp app;
    static String location;

    @BeforeAll
    static void start() {
        app = new TestApp();
        location = app.post("/locations", app.orgKey, Map.of("lat", 1.5, "lon", 2.5)).body().path("id").asText();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    private TestApp.Response incident(String body) {
        return app.post("/incidents", app.orgKey, body);
    }

    private static void refused(TestApp.Response r, String... messageParts) {
        assertThat(r.status()).as(r.raw()).isEqualTo(400);
        String message = r.body().path("error").path("message").asText();
        assertThat(message).contains(messageParts).doesNotContain("java.", "dev.herald", "`");
    }

    private long incidents() {
        return app.get("/incidents?count=true&limit=1", app.orgKey).body().path("total").asLong();
    }

    @Test
    void ambiguousJsonIsRefusedAndNothingIsWritten() {
        long before = incidents();
        String ok = "{\"location_id\": \"" + location + "\", \"kind\": \"power\", \"severity\": 2}";
        refused(incident(ok + " garbage"), "malformed JSON");
        refused(incident(ok + ok), "malformed JSON", "after the JSON value");
        refused(incident("{\"location_id\": \"" + location + "\", \"kind\": \"power\", \"kind\": \"internet\", \"severity\": 2}"),
                "duplicate field", "kind");
        refused(incident("{\"location_id\": \"" + location + "\", \"kind\": \"power\", \"severity\": \"2\"}"),
                "field 'severity'", "expected a whole number, got a string");
        refused(incident("{\"location_id\": \"" + location + "\", \"kind\": \"power\", \"severity\": 2.7}"),
                "field 'severity'", "expected a whole number");
        refused(app.post("/locations", app.orgKey, "{\"lat\": \"45\", \"lon\": 0}"), "field 'lat'", "expected a number, got a string");
        assertThat(incidents()).isEqualTo(before);
        assertThat(incident(ok).status()).isEqualTo(201);
    }

    @Test
    void textThatCannotBeStoredIsRefusedNamingTheField() {
        long before = incidents();
        refused(incident("{\"location_id\": \"" + location + "\", \"kind\": \"power\", \"severity\": 2, \"title\": \"a\\u0000b\"}"),
                "field 'title'", "NUL");
        refused(incident("{\"location_id\": \"" + location + "\", \"kind\": \"power\", \"severity\": 2, \"title\": \"a\\ud800b\"}"),
                "field 'title'", "unpaired UTF-16 surrogate");
        refused(app.post("/locations", app.orgKey, "{\"lat\": 1, \"lon\": 2, \"postcode\": \"\\u0000\"}"), "field 'postcode'", "NUL");
        refused(app.post("/organizations", app.adminKey, "{\"name\": \"x\\u0000\"}"), "field 'name'", "NUL");
        assertThat(incidents()).isEqualTo(before);
        var emoji = incident("{\"location_id\": \"" + location + "\", \"kind\": \"power\", \"severity\": 2, \"title\": \"tower \\ud83d\\udd0c\"}");
        assertThat(emoji.status()).as("a paired surrogate is a real character").isEqualTo(201);
        assertThat(emoji.body().path("title").asText()).isEqualTo("tower \uD83D\uDD0C");
    }

    @Test
    void timestampsOutsideTheStorableRangeAreRefused() {
        long before = incidents();
        for (String t : new String[] {"+300000-01-01T00:00:00Z", "-5000-01-01T00:00:00Z", "0000-12-31T23:59:59Z"}) {
            refused(incident("{\"location_id\": \"" + location + "\", \"kind\": \"power\", \"severity\": 2, \"started_at\": \"" + t + "\"}"),
                    "field 'started_at'", "between the years 1 and 9999");
        }
        refused(incident("{\"location_id\": \"" + location + "\", \"kind\": \"power\", \"severity\": 2, \"started_at\": 5}"),
                "field 'started_at'", "ISO-8601");
        assertThat(incidents()).isEqualTo(before);
        assertThat(incident("{\"location_id\": \"" + location + "\", \"kind\": \"power\", \"severity\": 2, \"started_at\": \"2026-12-04T10:00:00+01:00\"}")
                .status()).isEqualTo(201);
    }

    private static void unprocessable(TestApp.Response r, String... messageParts) {
        assertThat(r.status()).as(r.raw()).isEqualTo(422);
        assertThat(r.body().path("error").path("message").asText()).contains(messageParts).doesNotContain("java.", "dev.herald", "`");
    }

    private TestApp.Response contact(Map<String, Object> body) {
        return app.post("/organizations/" + app.orgId + "/contacts", app.orgKey, body);
    }

    /** Before: a window that overflows a Duration answered 500. */
    @Test
    void aThrottleWindowTooLongForAnyClockIs422NamingTheWindow() {
        for (String w : new String[] {"99999999999999999d", "99999999999999999999999s", "P99999999999999999D"}) {
            unprocessable(contact(Map.of("channel", "email", "target", "ops@example.com", "throttle", Map.of("max", 3, "window", w))),
                    "throttle.window");
        }
        unprocessable(contact(Map.of("channel", "email", "target", "ops@example.com", "throttle", Map.of("max", 99_999_999_999L, "window", "1h"))),
                "throttle.max");
    }

    /** Before: a cursor whose timestamp PostgreSQL cannot hold answered 500. */
    @Test
    void aCursorWithAnOutOfRangeTimestampIs400NamingTheCursor() {
        for (String t : new String[] {"+300000-01-01T00:00:00Z", "-5000-01-01T00:00:00Z"}) {
            String cursor = PageRequest.encode(t + "|" + java.util.UUID.randomUUID());
            for (String path : new String[] {"/deliveries", "/organizations/" + app.orgId + "/contacts"}) {
                var r = app.get(path + "?cursor=" + cursor, app.orgKey);
                assertThat(r.status()).as(path + " " + r.raw()).isEqualTo(400);
                assertThat(r.body().path("error").path("message").asText()).contains("cursor").doesNotContain("java.");
            }
        }
        String ok = PageRequest.encode("2026-01-01T00:00:00Z|" + java.util.UUID.randomUUID());
        assertThat(app.get("/deliveries?cursor=" + ok, app.orgKey).status()).isEqualTo(200);
    }

    /** Before: port 99999 was saved and failed only at send. */
    @Test
    void aWebhookUrlIsFullyValidatedWhenSaved() {
        unprocessable(contact(Map.of("channel", "webhook", "target", "http://127.0.0.1:99999/hook")), "port", "65535");
        unprocessable(contact(Map.of("channel", "webhook", "target", "http://127.0.0.1:0/hook")), "port");
        unprocessable(contact(Map.of("channel", "webhook", "target", "http://:8080/hook")), "host");
        unprocessable(contact(Map.of("channel", "webhook", "target", "http:///hook")), "host");
        unprocessable(contact(Map.of("channel", "webhook", "target", "https://user:pw@example.com/hook")), "credentials");
        unprocessable(contact(Map.of("channel", "webhook", "target", "ftp://example.com/hook")), "http");
    }

    /** Before: 1e400 in free-form JSON was stored as "Infinity"; an int overflow said only "invalid value". */
    @Test
    void numbersOutOfRangeAreRefusedNamingTheField() {
        var settings = app.post("/organizations", app.adminKey, "{\"name\": \"n\", \"settings\": {\"a\": 1e400}}");
        assertThat(settings.status()).as(settings.raw()).isEqualTo(400);
        assertThat(settings.body().path("error").path("message").asText()).isEqualTo("field 'settings': number is too large");
        refused(incident("{\"location_id\": \"" + location + "\", \"kind\": \"power\", \"severity\": 99999999999}"),
                "field 'severity'", "out of range");
        unprocessable(contact(Map.of("channel", "email", "target", "ops@example.com", "throttle", Map.of("max", 1, "window", "0s"))),
                "throttle.window must be positive, got 0ms");
    }
}
