/**
 * The operator console at {@code /console}: server-rendered pages (overview with live numbers, contacts, deliveries with
 * their attempts and a work unit's step waterfall, dead letter with redrive, current incidents) for a person signed in
 * with an API key. Every page reads and every button acts through Herald's own HTTP API on loopback with that key
 * ({@link dev.herald.console.ConsoleApi}), so authorization, validation, idempotency and the audit log are exactly the
 * API's; the console owns no table and no rule. The key is kept in an HttpOnly, SameSite=Strict cookie; every form
 * carries a CSRF token derived from it; pages are served with a Content-Security-Policy that allows no inline script.
 */
package dev.herald.console;
