package io.fulcrum.cluster.controller;

import java.util.Map;

/**
 * What the leader writes to one pool's key, {@code <prefix>/controller/pools/<pool>}.
 *
 * @param pool            the pool
 * @param mode            {@code weights} or {@code aggregates}
 * @param leader          the node that published it
 * @param fencingRevision the leader's fencing revision when it did (its term)
 * @param publishedAt     when, epoch milliseconds
 * @param validFrom       from when nodes apply it, epoch milliseconds (at most {@code publishedAt} + the pool's delay)
 * @param weights         the weights by backend name (mode {@code weights}; {@code null} otherwise)
 * @param aggregate       the pool's aggregated load the publication was made from
 */
public record Publication(String pool, String mode, String leader, long fencingRevision, long publishedAt,
                          long validFrom, Map<String, Integer> weights, PoolAggregate aggregate) {

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper()
            .configure(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    /** The JSON written to etcd. */
    public byte[] toJson() {
        try {
            return JSON.writeValueAsBytes(this);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads one.
     *
     * @throws IllegalArgumentException when the bytes are not one
     */
    public static Publication fromJson(byte[] data) {
        try {
            Publication p = JSON.readValue(data, Publication.class);
            if (p.pool() == null || p.mode() == null) {
                throw new IllegalArgumentException("pool and mode are required");
            }
            return p;
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("not a publication: " + e.getMessage(), e);
        }
    }
}
