package io.fulcrum.dns.zone;

import io.fulcrum.dns.wire.Dns;
import io.fulcrum.dns.wire.RecordData;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.MXRecord;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;

import java.nio.ByteBuffer;
import java.util.List;

/** Turns dnsjava's parsed records into {@link RecordData}, keeping compressible names apart. */
final class RecordConversion {

    private RecordConversion() {
    }

    static RecordData of(Record r) {
        byte[] owner = r.getName().toWireCanonical();
        long ttl = r.getTTL();
        return switch (r) {
            case NSRecord ns -> named(owner, Dns.TYPE_NS, ttl, ns.getTarget().toWireCanonical());
            case CNAMERecord c -> named(owner, Dns.TYPE_CNAME, ttl, c.getTarget().toWireCanonical());
            case PTRRecord p -> named(owner, Dns.TYPE_PTR, ttl, p.getTarget().toWireCanonical());
            case MXRecord mx -> new RecordData(owner, Dns.TYPE_MX, ttl, List.of(
                    new RecordData.Part(new byte[] {(byte) (mx.getPriority() >> 8), (byte) mx.getPriority()}, false),
                    new RecordData.Part(mx.getTarget().toWireCanonical(), true)));
            case SOARecord soa -> soa(owner, ttl, soa);
            default -> RecordData.raw(owner, r.getType(), ttl, r.rdataToWireCanonical());
        };
    }

    static RecordData soa(byte[] owner, long ttl, SOARecord soa) {
        ByteBuffer tail = ByteBuffer.allocate(20);
        tail.putInt((int) soa.getSerial());
        tail.putInt((int) soa.getRefresh());
        tail.putInt((int) soa.getRetry());
        tail.putInt((int) soa.getExpire());
        tail.putInt((int) soa.getMinimum());
        return new RecordData(owner, Dns.TYPE_SOA, ttl, List.of(
                new RecordData.Part(soa.getHost().toWireCanonical(), true),
                new RecordData.Part(soa.getAdmin().toWireCanonical(), true),
                new RecordData.Part(tail.array(), false)));
    }

    private static RecordData named(byte[] owner, int type, long ttl, byte[] target) {
        return new RecordData(owner, type, ttl, List.of(new RecordData.Part(target, true)));
    }

    /** The first name among the RDATA parts (NS, CNAME, PTR, MX target), or {@code null}. */
    static byte[] target(RecordData r) {
        for (RecordData.Part p : r.parts()) {
            if (p.name()) {
                return p.bytes();
            }
        }
        return null;
    }

    /** The SRV target (uncompressed RDATA: priority, weight, port, name). */
    static byte[] srvTarget(RecordData r) {
        byte[] rdata = r.parts().getFirst().bytes();
        return rdata.length > 6 ? java.util.Arrays.copyOfRange(rdata, 6, rdata.length) : null;
    }

    /** The SOA encoded from its type field on: type, class, TTL, RDLENGTH, uncompressed RDATA. */
    static byte[] soaTail(RecordData soa) {
        int rdlen = 0;
        for (RecordData.Part p : soa.parts()) {
            rdlen += p.bytes().length;
        }
        ByteBuffer b = ByteBuffer.allocate(10 + rdlen);
        b.putShort((short) Dns.TYPE_SOA);
        b.putShort((short) Dns.CLASS_IN);
        b.putInt((int) soa.ttl());
        b.putShort((short) rdlen);
        for (RecordData.Part p : soa.parts()) {
            b.put(p.bytes());
        }
        return b.array();
    }
}
