package dev.herald.api;

import dev.herald.errors.DomainException;

/**
 * An error answered to an HTTP client as {@code {"error": {"code": "...", "message": "..."}}} with its status.
 * Throw it from any handler; {@link HttpServer} turns it into the response.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String code;

    public ApiException(int status, String code, String message) {
        super(message);
        this.status = status;
        this.code = code;
    }

    public int status() { return status; }

    public String code() { return code; }

    /** The status a domain refusal answers with: the one place where a {@link DomainException.Kind} becomes HTTP. */
    public static ApiException of(DomainException e) {
        return switch (e.kind()) {
            case MALFORMED -> badRequest(e.getMessage());
            case NOT_FOUND -> new ApiException(404, "not_found", e.getMessage());
            case CONFLICT -> conflict(e.getMessage());
            case INVALID -> unprocessable(e.getMessage());
        };
    }

    public static ApiException badRequest(String message) { return new ApiException(400, "bad_request", message); }

    public static ApiException unauthorized(String message) { return new ApiException(401, "unauthorized", message); }

    public static ApiException forbidden(String message) { return new ApiException(403, "forbidden", message); }

    public static ApiException notFound(String what) { return new ApiException(404, "not_found", what + " not found"); }

    public static ApiException conflict(String message) { return new ApiException(409, "conflict", message); }

    public static ApiException unprocessable(String message) { return new ApiException(422, "unprocessable", message); }

    public static ApiException unavailable(String message) { return new ApiException(503, "unavailable", message); }
}
