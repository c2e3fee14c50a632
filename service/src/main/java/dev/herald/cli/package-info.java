/**
 * The commands ({@code serve}, {@code worker}, {@code demo}, {@code seed}, {@code import}, {@code rebuild-view},
 * {@code keys}, {@code config}) with picocli: each parses its options, opens {@link dev.herald.Herald} and uses the
 * features; none holds domain rules of its own. The demo's verifying webhook receiver lives here.
 */
package dev.herald.cli;
