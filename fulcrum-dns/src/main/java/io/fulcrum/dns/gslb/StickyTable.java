package io.fulcrum.dns.gslb;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Client subnet to site, each entry valid until its expiry; a hit moves the expiry to
 * now + timeout (requirements 2.1 item 5). Bounded: when full, expired entries are purged, and
 * if it is still full new subnets are not remembered.
 */
public final class StickyTable {

    private final ConcurrentHashMap<Long, Long> entries = new ConcurrentHashMap<>();
    private final long timeoutMillis;
    private final int maxEntries;

    public StickyTable(long timeoutMillis, int maxEntries) {
        this.timeoutMillis = timeoutMillis;
        this.maxEntries = maxEntries;
    }

    /** The site index stored for this subnet, refreshing it, or -1. */
    public int get(long subnet, long nowMillis) {
        Long v = entries.get(subnet);
        if (v == null) {
            return -1;
        }
        long expiry = v >>> 16;
        if (expiry <= nowMillis) {
            entries.remove(subnet, v);
            return -1;
        }
        int site = (int) (v & 0xFFFF);
        entries.replace(subnet, v, ((nowMillis + timeoutMillis) << 16) | site);
        return site;
    }

    /** Remembers a subnet's site. */
    public void put(long subnet, int site, long nowMillis) {
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(v -> (v >>> 16) <= nowMillis);
            if (entries.size() >= maxEntries) {
                return;
            }
        }
        entries.put(subnet, ((nowMillis + timeoutMillis) << 16) | site);
    }

    /**
     * Takes over another table's live entries (a reload), translating site indexes;
     * entries whose site is gone ({@code -1} in the map) are dropped.
     */
    public void takeOver(StickyTable old, int[] siteIndexMap, long nowMillis) {
        old.entries.forEach((subnet, v) -> {
            int site = (int) (v & 0xFFFF);
            if ((v >>> 16) > nowMillis && site < siteIndexMap.length && siteIndexMap[site] >= 0
                    && entries.size() < maxEntries) {
                entries.put(subnet, (v & ~0xFFFFL) | siteIndexMap[site]);
            }
        });
    }

    public int size() {
        return entries.size();
    }
}
