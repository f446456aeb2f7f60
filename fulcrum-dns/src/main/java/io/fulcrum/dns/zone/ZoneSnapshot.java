package io.fulcrum.dns.zone;

import io.fulcrum.dns.gslb.GslbRecord;

import java.util.List;

/**
 * Everything the server answers from, immutable: the names (with their encoded replies),
 * the zones, and the GSLB records. A reload builds a new snapshot and swaps it in whole.
 */
public final class ZoneSnapshot {

    private final NameTable<NameNode> names;
    private final NameTable<Zone> zones;
    private final List<Zone> zoneList;
    private final List<GslbRecord> gslb;

    ZoneSnapshot(NameTable<NameNode> names, NameTable<Zone> zones, List<Zone> zoneList, List<GslbRecord> gslb) {
        this.names = names;
        this.zones = zones;
        this.zoneList = List.copyOf(zoneList);
        this.gslb = List.copyOf(gslb);
    }

    /** An empty snapshot (refuses everything). */
    public static ZoneSnapshot empty() {
        return new ZoneSnapshot(new NameTable<>(List.of(), List.of()), new NameTable<>(List.of(), List.of()),
                List.of(), List.of());
    }

    /** The node of an exact name, or {@code null}. */
    public NameNode node(byte[] name, int length, int hash) {
        return names.get(name, 0, length, hash);
    }

    /** The node of a name suffix (from {@code offset}), or {@code null}. */
    public NameNode nodeAt(byte[] name, int offset, int length) {
        return names.get(name, offset, length);
    }

    /** The zone whose apex is this name suffix, or {@code null}. */
    public Zone zoneAt(byte[] name, int offset, int length) {
        return zones.get(name, offset, length);
    }

    /** Every name the snapshot answers for, with its replies (in no particular order). */
    public List<NameNode> nodes() {
        return names.values();
    }

    public List<Zone> zones() {
        return zoneList;
    }

    public List<GslbRecord> gslbRecords() {
        return gslb;
    }
}
