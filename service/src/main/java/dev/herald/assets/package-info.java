/**
 * Assets and asset types of an organization: the {@code assets} and {@code asset_types} tables, their validation
 * and their routes ({@code POST /assets}, {@code POST /assets/bulk}, asset types).
 */
package dev.herald.assets;
