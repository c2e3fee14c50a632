package dev.herald.contacts;

import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import java.time.Duration;

/**
 * The contacts' settings. Immutable.
 *
 * @param allowPrivateTargets accept webhook and token URLs on loopback, private and link-local addresses
 *                            ({@code delivery.allow-private-targets}; tests and the demo)
 * @param maxRetryHorizon     longest total of a contact's own retry schedule ({@code delivery.max-retry-horizon})
 * @param secretOverlap       how long a rotated-out secret stays valid ({@code delivery.secret-overlap})
 */
public record ContactSettings(boolean allowPrivateTargets, Duration maxRetryHorizon, Duration secretOverlap, int maxWithinHops) {

    /** Reads the contacts' settings. */
    public static ContactSettings from(HeraldConfig config) {
        return new ContactSettings(config.get(Settings.DELIVERY_ALLOW_PRIVATE_TARGETS), config.get(Settings.DELIVERY_MAX_RETRY_HORIZON),
                config.get(Settings.DELIVERY_SECRET_OVERLAP), config.get(Settings.GRAPH_MAX_DISTANCE_CAP));
    }
}
