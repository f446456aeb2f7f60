package io.fulcrum.cluster.controller;

import java.util.List;

/**
 * One pool's load over every node, per second.
 *
 * @param pool     the pool
 * @param nodes    how many nodes reported it
 * @param requests requests finished per second, all backends and nodes
 * @param backends per backend, in name order
 */
public record PoolAggregate(String pool, int nodes, double requests, List<BackendAggregate> backends) {

    public PoolAggregate {
        backends = List.copyOf(backends);
    }

    /** The backend of this name, or {@code null}. */
    public BackendAggregate backend(String name) {
        for (BackendAggregate b : backends) {
            if (b.backend().equals(name)) {
                return b;
            }
        }
        return null;
    }
}
