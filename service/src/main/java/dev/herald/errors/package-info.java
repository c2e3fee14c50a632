/**
 * The refusals the domain speaks in: {@link dev.herald.errors.DomainException} with its kind (malformed, not found,
 * conflict, invalid) and the field it is about. Every feature package throws it; only the HTTP edge turns it into a
 * status, so no domain class depends on the HTTP layer.
 */
package dev.herald.errors;
