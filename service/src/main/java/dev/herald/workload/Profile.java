package dev.herald.workload;

import java.util.Locale;

/**
 * The size of a reference workload. {@code LARGE} is shaped like the organization of the reference analysis
 * (about 3,000 open incidents); {@code SMALL} is the same shape at about 1/50 the size, for tests and the demo.
 *
 * @param worstIncidents   incidents that get a long closure chain of intel requests (the path-explosion shape)
 * @param closureDepthBase depth of those chains (plus 0..2 by position), at least 12 on the large profile
 */
public enum Profile {
    LARGE(3000, 1500, 20_000, 50_000, 20_000, 12, 20, 14, 10),
    SMALL(60, 30, 400, 1_000, 400, 6, 3, 9, 8);

    final int openIncidents;
    final int resolvedIncidents;
    final int intelRequests;
    final int assets;
    final int assetLocations;
    final int assetTypes;
    final int worstIncidents;
    final int closureDepthBase;
    final int maxTreeDepth;

    Profile(int openIncidents, int resolvedIncidents, int intelRequests, int assets, int assetLocations, int assetTypes,
            int worstIncidents, int closureDepthBase, int maxTreeDepth) {
        this.openIncidents = openIncidents;
        this.resolvedIncidents = resolvedIncidents;
        this.intelRequests = intelRequests;
        this.assets = assets;
        this.assetLocations = assetLocations;
        this.assetTypes = assetTypes;
        this.worstIncidents = worstIncidents;
        this.closureDepthBase = closureDepthBase;
        this.maxTreeDepth = maxTreeDepth;
    }

    public String wire() { return name().toLowerCase(Locale.ROOT); }

    public static Profile parse(String s) {
        for (Profile p : values()) if (p.wire().equalsIgnoreCase(s)) return p;
        throw new IllegalArgumentException("profile must be small or large, got '" + s + "'");
    }
}
