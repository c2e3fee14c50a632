/**
 * The HTTP edge: the Javalin server ({@link dev.herald.api.HttpServer}), routing ({@link dev.herald.api.Routes},
 * {@link dev.herald.api.Router}), API keys and the caller's organization scope ({@link dev.herald.api.ApiKeys},
 * {@link dev.herald.api.Caller}), request parsing, pagination ({@link dev.herald.api.Page},
 * {@link dev.herald.api.PageRequest}) and the error body. It owns the {@code api_keys} table. The one place where a
 * domain refusal ({@link dev.herald.errors.DomainException}) becomes an HTTP status.
 */
package dev.herald.api;
