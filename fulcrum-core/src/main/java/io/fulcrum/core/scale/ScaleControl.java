package io.fulcrum.core.scale;

import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The autoscaler as an operator sees it: every autoscaled pool's size and decisions, and the
 * operator's hand on it. A node service implementing it gets {@code /api/v1/scale}, {@code fulcrum
 * ctl scale} and the {@code fulcrum_pool_*_size} gauges.
 *
 * <p>Changes throw {@link NoSuchElementException} for a pool without an autoscale policy and
 * {@link IllegalArgumentException} for a size the policy does not allow.
 */
public interface ScaleControl {

    /**
     * The sizes of one autoscaled pool now.
     *
     * @param pool    its name
     * @param current members in service (not draining)
     * @param desired the size it is being brought to
     */
    record PoolSize(String pool, int current, int desired) {
    }

    /** Every autoscaled pool's size (cheap: read by every metrics scrape). */
    List<PoolSize> sizes();

    /** Per pool: policy, sizes, members, the last decision, the size history and recent actions (JSON-ready). */
    Map<String, Object> scaleStatus();

    /** Stops the pool's automatic decisions (actions under way finish); returns its status. */
    Map<String, Object> pause(String pool, String actor);

    /** Gives the pool back to its policy (ends a pause and an operator's size); returns its status. */
    Map<String, Object> resume(String pool, String actor);

    /** Brings the pool to {@code size} members and keeps it there until {@link #resume}; returns its status. */
    Map<String, Object> setSize(String pool, int size, String actor);

    /**
     * Protects one member the provisioner started from scale-in ({@code on}), or lifts the protection:
     * a protected member is never picked to drain on load (an operator's set size does not remove it
     * either); healing still replaces it when it fails. Throws {@link NoSuchElementException} for a
     * member the pool's scaler did not start. Returns the pool's status.
     */
    Map<String, Object> protect(String pool, String member, boolean on, String actor);
}
