package dev.herald.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.herald.json.Json;
import dev.herald.testing.TestApp;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Requests that Jetty or Javalin refuse before any route runs (bad percent-encoding, {@code ..} paths, oversized
 * headers, ambiguous path separators, unknown routes, wrong methods) answer in the API's JSON error shape, never an
 * HTML page. Sent over a raw socket: an HTTP client would refuse to send most of them. Before the JSON error handler,
 * these answered Jetty's HTML error page.
 */
class HttpEdgeErrorsTest {
    static TestApp app;

    @BeforeAll
    static void start() {
        app = new TestApp();
    }

    @AfterAll
    static void stop() {
        app.close();
    }

    record Raw(int status, String contentType, String body) {}

    static Raw send(String requestLine, String extraHeaders) throws Exception {
        try (Socket s = new Socket("127.0.0.1", app.http.port())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write((requestLine + "\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + app.orgKey + "\r\n" + extraHeaders
                    + "Connection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = s.getInputStream();
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            in.transferTo(buf);
            String raw = buf.toString(StandardCharsets.UTF_8);
            int status = Integer.parseInt(raw.substring(9, 12));
            String head = raw.substring(0, Math.max(0, raw.indexOf("\r\n\r\n")));
            String type = head.lines().filter(l -> l.toLowerCase().startsWith("content-type:")).findFirst().orElse("");
            String body = raw.substring(raw.indexOf("\r\n\r\n") + 4);
            if (head.toLowerCase().contains("transfer-encoding: chunked")) body = dechunk(body);
            return new Raw(status, type, body);
        }
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            int eol = body.indexOf("\r\n", i);
            if (eol < 0) break;
            int n = Integer.parseInt(body.substring(i, eol).trim(), 16);
            if (n == 0) break;
            out.append(body, eol + 2, eol + 2 + n);
            i = eol + 2 + n + 2;
        }
        return out.toString();
    }

    static void jsonError(Raw r, int status) throws Exception {
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).as(r.body()).contains("application/json");
        JsonNode body = Json.mapper().readTree(r.body());
        assertThat(body.path("error").path("code").asText()).as(r.body()).isNotEmpty();
        assertThat(body.path("error").path("message").asText()).as(r.body()).isNotEmpty()
                .doesNotContain("java.", "jetty", "Exception", "<");
    }

    @Test
    void badPercentEncodingIsAJson400() throws Exception {
        jsonError(send("GET /incidents/%zz HTTP/1.1", ""), 400);
        jsonError(send("GET /incidents/%C0%AF HTTP/1.1", ""), 400);
    }

    @Test
    void dotDotPathsAreAJsonError() throws Exception {
        Raw r = send("GET /incidents/../../etc/passwd HTTP/1.1", "");
        assertThat(r.status()).isIn(400, 404);
        jsonError(r, r.status());
        Raw encoded = send("GET /incidents/%2e%2e/%2e%2e/x HTTP/1.1", "");
        jsonError(encoded, encoded.status());
    }

    @Test
    void ambiguousPathSeparatorsAreAJson400() throws Exception {
        jsonError(send("GET /incidents/a%2Fb HTTP/1.1", ""), 400);
        jsonError(send("GET /incidents/a%5Cb;x=1 HTTP/1.1", ""), 400);
    }

    @Test
    void oversizedHeadersAreAJson431() throws Exception {
        jsonError(send("GET /incidents HTTP/1.1", "X-Big: " + "a".repeat(40_000) + "\r\n"), 431);
    }

    @Test
    void unknownRoutesAndWrongMethodsAreJson() throws Exception {
        jsonError(send("GET /no/such/route HTTP/1.1", ""), 404);
        jsonError(send("PATCH /health HTTP/1.1", ""), 405);
        jsonError(send("BREW /incidents HTTP/1.1", ""), send("BREW /incidents HTTP/1.1", "").status());
    }
}
