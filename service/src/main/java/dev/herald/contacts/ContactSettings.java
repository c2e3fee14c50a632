package dev.herald.contacts;

import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;

/**
 * The contacts' settings. Immutable.
 *
 * @param allowPrivateTargets accept webhook and token URLs on loopback, private and link-local addresses
 *                            ({@code delivery.allow-private-targets}; tests and the demo)
 */
public record ContactSettings(boolean allowPrivateTargets) {

    /** Reads the contacts' settings. */
    public static ContactSettings from(HeraldConfig config) {
        return new ContactSettings(config.get(Settings.DELIVERY_ALLOW_PRIVATE_TARGETS));
    }
}
