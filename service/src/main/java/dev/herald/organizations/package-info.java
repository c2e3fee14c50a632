/**
 * Organizations: the customers, their settings (max dependency distance, every-change delivery, template
 * overrides); the {@code organizations} table and its routes.
 */
package dev.herald.organizations;
