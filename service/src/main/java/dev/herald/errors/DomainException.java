package dev.herald.errors;

import java.util.Objects;

/**
 * A request the domain refuses, said in the domain's words: what kind of refusal, and the input field it is about when
 * there is one. Domain code throws it and never knows about HTTP; the HTTP edge ({@code api.HttpServer}) maps each
 * {@link Kind} to a status in one place, and the CLI prints the message. Messages are for people: they name the field
 * and what was expected, never a Java type. Immutable.
 */
public final class DomainException extends RuntimeException {
    /** What kind of refusal this is. */
    public enum Kind {
        /** The input cannot be read at all (a malformed cursor, a query parameter of the wrong shape). */
        MALFORMED,
        /** The record does not exist, or belongs to another organization: the two are indistinguishable. */
        NOT_FOUND,
        /** The input is valid but clashes with what exists (a duplicate name, a state that does not allow it). */
        CONFLICT,
        /** The input is well-formed but means something Herald refuses (out of range, unknown value, missing). */
        INVALID
    }

    private final Kind kind;
    private final String field;

    private DomainException(Kind kind, String field, String message) {
        super(Objects.requireNonNull(message), null, false, false); // no stack trace: a refusal, not a fault
        this.kind = kind;
        this.field = field;
    }

    public Kind kind() { return kind; }

    /** The input field the refusal is about (e.g. {@code max_distance}), or null when it is about no single field. */
    public String field() { return field; }

    public static DomainException malformed(String message) { return new DomainException(Kind.MALFORMED, null, message); }

    /** {@code what} names the record, e.g. {@code "incident " + id}; the message says it was not found. */
    public static DomainException notFound(String what) { return new DomainException(Kind.NOT_FOUND, null, what + " not found"); }

    public static DomainException conflict(String field, String message) { return new DomainException(Kind.CONFLICT, field, message); }

    /** {@code message} names the field and what was expected, e.g. {@code "severity must be between 1 and 5, got 9"}. */
    public static DomainException invalid(String field, String message) { return new DomainException(Kind.INVALID, field, message); }
}
