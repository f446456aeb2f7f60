package io.fulcrum.dns.zone;

import io.fulcrum.dns.gslb.GslbRecord;
import io.fulcrum.dns.wire.Dns;

/**
 * One name of a zone with its replies encoded ahead of time: one per query type it has
 * data for, one for ANY, and one NODATA reply for every other type. A GSLB name also
 * carries its {@link GslbRecord}.
 */
public final class NameNode {

    private final byte[] name;
    private final Zone zone;
    private final int[] types;
    private final byte[][] replies;
    private final byte[] any;
    private final byte[] nodata;
    private final GslbRecord gslb;

    NameNode(byte[] name, Zone zone, int[] types, byte[][] replies, byte[] any, byte[] nodata, GslbRecord gslb) {
        this.name = name;
        this.zone = zone;
        this.types = types;
        this.replies = replies;
        this.any = any;
        this.nodata = nodata;
        this.gslb = gslb;
    }

    public byte[] name() {
        return name;
    }

    public Zone zone() {
        return zone;
    }

    /** The GSLB record at this name, or {@code null}. */
    public GslbRecord gslb() {
        return gslb;
    }

    /** The reply to a query of this type (ID zero). */
    public byte[] reply(int qtype) {
        if (qtype == Dns.TYPE_ANY) {
            return any;
        }
        for (int i = 0; i < types.length; i++) {
            if (types[i] == qtype) {
                return replies[i];
            }
        }
        return nodata;
    }
}
