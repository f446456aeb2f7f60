package io.fulcrum.app.node;

import io.fulcrum.cluster.controller.Controller;
import io.fulcrum.cluster.controller.ControllerKeys;
import io.fulcrum.cluster.controller.FencedRecords;
import io.fulcrum.cluster.election.Leadership;
import io.fulcrum.scale.ScaleFleet;

/**
 * What the autoscalers' views of the cluster share on a member whose controller runs: the election (whether
 * this node leads, and who does), the controller's reading of every node's statistics, and the fleet's
 * records under the cluster's keys, read and written by compare-and-swap ({@link FencedRecords}), their
 * failures told as {@link ScaleFleet.Unavailable}. {@link FleetScale} (the pools) and {@link FleetProxyTier}
 * (the proxy tier) are built on one.
 *
 * @param leadership the election
 * @param controller the controller (every node's statistics, the pools' aggregates)
 * @param records    the fleet's records
 * @param keys       where they are
 */
record FleetView(Leadership leadership, Controller controller, FencedRecords records, ControllerKeys keys) {

    /** Whether this node leads now (and may write a fenced record). */
    boolean leads() {
        return leadership.isLeader();
    }

    /** Who leads ({@code ""} while nobody does). */
    String leader() {
        return leadership.leader().map(Leadership.Leader::nodeId).orElse("");
    }

    /** The record at {@code key} and its version. */
    FencedRecords.Versioned read(String key) throws ScaleFleet.Unavailable {
        try {
            return records.read(key);
        } catch (FencedRecords.Unavailable e) {
            throw new ScaleFleet.Unavailable(e.getMessage(), e);
        }
    }

    /** Writes {@code key} if it still has {@code version} and this node still leads; the new version, or 0. */
    long replace(String key, long version, String json) throws ScaleFleet.Unavailable {
        try {
            return records.replace(key, version, json);
        } catch (FencedRecords.Unavailable e) {
            throw new ScaleFleet.Unavailable(e.getMessage(), e);
        }
    }

    /** Writes {@code key} if it still has {@code version}, whichever node leads; the new version, or 0. */
    long replaceByAnyMember(String key, long version, String json) throws ScaleFleet.Unavailable {
        try {
            return records.replaceByAnyMember(key, version, json);
        } catch (FencedRecords.Unavailable e) {
            throw new ScaleFleet.Unavailable(e.getMessage(), e);
        }
    }
}
