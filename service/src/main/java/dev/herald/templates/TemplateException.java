package dev.herald.templates;

/** A template that cannot be compiled or rendered (or, for {@code webhook_body}, rendered something that is not JSON). */
final class TemplateException extends RuntimeException {
    public TemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
