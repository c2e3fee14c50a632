/**
 * The one immutable, validated configuration ({@link dev.herald.config.HeraldConfig}) and the catalog of every
 * setting with its default, environment name and meaning ({@link dev.herald.config.Settings}, the list behind
 * {@code ./herald config} and the README table). Each feature reads its own settings from it once, into a typed record
 * of its package, and checks there the settings that must agree with each other ({@link dev.herald.config.CrossCheck}).
 * Depends on nothing else in Herald.
 */
package dev.herald.config;
