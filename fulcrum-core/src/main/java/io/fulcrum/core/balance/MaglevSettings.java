package io.fulcrum.core.balance;

import io.fulcrum.core.config.HashKeyConfig;

/**
 * Settings of {@code maglev}.
 *
 * @param hashKey   what is hashed; default the client IP
 * @param tableSize size of the lookup table, a prime larger than the number of backends;
 *                  default 65537 (100 entries or more per backend spread evenly)
 */
public record MaglevSettings(HashKeyConfig hashKey, Integer tableSize) {

    /** The default table size. */
    public static final int DEFAULT_TABLE_SIZE = 65537;

    /** Largest table accepted. */
    public static final int MAX_TABLE_SIZE = 1 << 24;

    public MaglevSettings {
        hashKey = hashKey == null ? HashKeyConfig.clientIp() : hashKey;
        tableSize = tableSize == null ? DEFAULT_TABLE_SIZE : tableSize;
    }
}
