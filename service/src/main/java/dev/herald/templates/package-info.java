/**
 * Rendering notifications with Pebble: the default templates, an organization's overrides (the
 * {@code templates} table, validated when saved on a small sample for the preview and on a sample of realistic size
 * for cost), and the routes to manage them. Templates run in a sandbox ({@code TemplateSandbox}: data access only, no
 * method calls), on immutable per-render contexts ({@code FrozenContext}), on their own threads under a render budget
 * of time and size ({@code RenderPool}, {@code RenderBudget}); an organization whose template runs out of time has its
 * own templates suspended for a while, so it cannot slow other organizations' deliveries.
 * {@link dev.herald.templates.MessageRenderer} is what the pipeline calls.
 */
package dev.herald.templates;
