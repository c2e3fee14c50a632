package dev.herald.graph;

import dev.herald.config.CrossCheck;
import dev.herald.config.HeraldConfig;
import dev.herald.config.Settings;
import java.time.Duration;

/**
 * The dependency graph's settings ({@code graph.*}): how far resolution goes, and the in-memory snapshots. Immutable.
 *
 * <p>Refused at start: a {@code graph.default-max-distance} above {@code graph.max-distance-cap} (a call that names
 * no distance would go further than any call may ask).
 *
 * @param defaultMaxDistance distance followed when a call or organization gives none
 * @param maxDistanceCap     largest distance a call may ask for
 * @param snapshots          resolve from in-memory snapshots when current
 * @param snapshotMaxEdges   most live edges held in snapshots across organizations
 * @param snapshotIdle       a snapshot unused this long is dropped
 */
public record GraphSettings(int defaultMaxDistance, int maxDistanceCap, boolean snapshots, int snapshotMaxEdges, Duration snapshotIdle,
                            Duration listenReconnectDelay, Duration listenProbeInterval) {

    /**
     * Reads and cross-checks the graph settings.
     *
     * @throws dev.herald.config.ConfigException naming both settings of a refused combination
     */
    public static GraphSettings from(HeraldConfig config) {
        CrossCheck.of(config)
                .atMost(Settings.GRAPH_DEFAULT_MAX_DISTANCE, Settings.GRAPH_MAX_DISTANCE_CAP,
                        "a call that names no distance would go further than any call may ask")
                .orThrow();
        return new GraphSettings(config.get(Settings.GRAPH_DEFAULT_MAX_DISTANCE), config.get(Settings.GRAPH_MAX_DISTANCE_CAP),
                config.get(Settings.GRAPH_SNAPSHOTS), config.get(Settings.GRAPH_SNAPSHOT_MAX_EDGES), config.get(Settings.GRAPH_SNAPSHOT_IDLE),
                config.get(Settings.CURRENT_LISTEN_RECONNECT_DELAY), config.get(Settings.DB_LISTEN_PROBE_INTERVAL));
    }
}
