package io.fulcrum.core.balance;

import io.fulcrum.core.config.HashKeyConfig;

/**
 * Settings of {@code ring-hash}.
 *
 * @param hashKey  what is hashed; default the client IP
 * @param replicas points on the ring per unit of weight, 1 to {@link #MAX_REPLICAS}; default 160
 */
public record RingHashSettings(HashKeyConfig hashKey, Integer replicas) {

    /** Most points per unit of weight accepted. */
    public static final int MAX_REPLICAS = 10_000;

    public RingHashSettings {
        hashKey = hashKey == null ? HashKeyConfig.clientIp() : hashKey;
        replicas = replicas == null ? 160 : replicas;
    }
}
