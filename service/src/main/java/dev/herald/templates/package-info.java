/**
 * Rendering notifications with Pebble: the default templates, an organization's overrides (the
 * {@code templates} table, validated on a sample context when saved), and the routes to manage them.
 * {@link dev.herald.templates.MessageRenderer} is what the pipeline calls.
 */
package dev.herald.templates;
