package dev.herald.api;

import dev.herald.json.Json;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;

/**
 * Jetty's answers to requests it refuses before any route runs (bad percent-encoding, {@code ..} or ambiguous paths,
 * oversized headers or URIs, unparseable requests) in the API's error shape {@code {"error": {"code", "message"}}}
 * instead of Jetty's HTML page. Messages are Herald's own: Jetty's reasons can name its internals. Stateless;
 * thread-safe.
 */
final class JsonErrorHandler extends ErrorHandler {
    private static final HttpField JSON = new HttpField(HttpHeader.CONTENT_TYPE, "application/json");

    /** The error body for a status. */
    static String body(int status) {
        String[] codeAndMessage = switch (status) {
            case 400 -> new String[] {"bad_request", "malformed request: the request line, path or headers cannot be read "
                    + "(check percent-encoding, '..' segments and encoded '/' or '\\' in the path)"};
            case 404 -> new String[] {"not_found", "no such route"};
            case 405 -> new String[] {"method_not_allowed", "method not allowed on this path"};
            case 408 -> new String[] {"timeout", "the request was not received in time"};
            case 413 -> new String[] {"too_large", "request body is too large"};
            case 414 -> new String[] {"uri_too_long", "request URI is too long"};
            case 415 -> new String[] {"unsupported_media_type", "unsupported content type"};
            case 431 -> new String[] {"headers_too_large", "request headers are larger than the server accepts"};
            case 501 -> new String[] {"not_implemented", "this method is not supported"};
            case 505 -> new String[] {"http_version_not_supported", "this HTTP version is not supported"};
            default -> status >= 500 ? new String[] {"internal", "internal error"} : new String[] {"bad_request", "request refused"};
        };
        return Json.write(Map.of("error", Map.of("code", codeAndMessage[0], "message", codeAndMessage[1])));
    }

    @Override
    protected void generateResponse(Request request, Response response, int code, String message, Throwable cause, Callback callback)
            throws IOException {
        response.getHeaders().put(JSON);
        response.write(true, ByteBuffer.wrap(body(code).getBytes(StandardCharsets.UTF_8)), callback);
    }

    @Override
    public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
        fields.put(JSON);
        return ByteBuffer.wrap(body(status).getBytes(StandardCharsets.UTF_8));
    }
}
