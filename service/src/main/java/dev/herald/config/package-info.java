/**
 * The one immutable, validated configuration ({@link dev.herald.config.HeraldConfig}) and the catalog of every
 * setting with its default, environment name and meaning ({@link dev.herald.config.Settings}, the list behind
 * {@code ./herald config} and the README table). Depends on nothing else in Herald.
 */
package dev.herald.config;
