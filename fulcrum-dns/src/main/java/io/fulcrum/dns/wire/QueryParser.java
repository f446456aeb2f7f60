package io.fulcrum.dns.wire;

import io.netty.buffer.ByteBuf;

/**
 * Parses the header, question and OPT record of a query by hand, reading the buffer in
 * place and filling a reused {@link Query}: the hot path allocates nothing.
 */
public final class QueryParser {

    private QueryParser() {
    }

    /**
     * Parses the message in {@code in} from its reader index to its writer index.
     *
     * @return how it went; on {@code FORMERR} and the like, {@code q.id} and {@code q.flags} are set
     */
    public static Query.Status parse(ByteBuf in, Query q) {
        q.reset();
        int base = in.readerIndex();
        int end = in.writerIndex();
        int length = end - base;
        if (length < Dns.HEADER_LENGTH) {
            return Query.Status.DROP;
        }
        q.id = in.getUnsignedShort(base);
        q.flags = in.getUnsignedShort(base + 2);
        if ((q.flags & Dns.FLAG_QR) != 0) {
            return Query.Status.DROP; // a response: answering could make a loop
        }
        int opcode = (q.flags >> 11) & 0xF;
        int qd = in.getUnsignedShort(base + 4);
        int an = in.getUnsignedShort(base + 6);
        int ns = in.getUnsignedShort(base + 8);
        int ar = in.getUnsignedShort(base + 10);
        if (opcode != 0) {
            return Query.Status.NOTIMP;
        }
        if (qd != 1 || an != 0 || ns != 0) {
            return Query.Status.FORMERR;
        }
        // The question name: labels only (no compression pointer can precede it).
        int p = base + Dns.HEADER_LENGTH;
        int n = 0;
        int h = NameHash.start();
        byte[] name = q.name;
        while (true) {
            if (p >= end) {
                return Query.Status.FORMERR;
            }
            int len = in.getUnsignedByte(p);
            if (len > 63) {
                return Query.Status.FORMERR;
            }
            if (n + len + 1 > 255 || p + 1 + len > end) {
                return Query.Status.FORMERR;
            }
            name[n++] = (byte) len;
            h = NameHash.step(h, len);
            p++;
            if (len == 0) {
                break;
            }
            for (int i = 0; i < len; i++) {
                int b = in.getUnsignedByte(p + i);
                if (b >= 'A' && b <= 'Z') {
                    b += 32;
                }
                name[n++] = (byte) b;
                h = NameHash.step(h, b);
            }
            p += len;
        }
        q.nameLength = n;
        q.nameHash = h;
        if (p + 4 > end) {
            return Query.Status.FORMERR;
        }
        q.type = in.getUnsignedShort(p);
        q.qclass = in.getUnsignedShort(p + 2);
        p += 4;
        // Additional section: at most one OPT (RFC 6891); other records are skipped.
        boolean sawOpt = false;
        for (int r = 0; r < ar; r++) {
            int ownerStart = p;
            p = skipName(in, p, end);
            if (p < 0 || p + 10 > end) {
                return Query.Status.FORMERR;
            }
            int type = in.getUnsignedShort(p);
            int rclass = in.getUnsignedShort(p + 2);
            long ttl = in.getUnsignedInt(p + 4);
            int rdlen = in.getUnsignedShort(p + 8);
            p += 10;
            if (p + rdlen > end) {
                return Query.Status.FORMERR;
            }
            if (type == Dns.TYPE_OPT) {
                if (sawOpt || in.getUnsignedByte(ownerStart) != 0) {
                    return Query.Status.FORMERR;
                }
                sawOpt = true;
                q.edns = true;
                q.udpSize = Math.max(Dns.CLASSIC_UDP_SIZE, rclass);
                q.dnssecOk = (ttl & 0x8000) != 0;
                int version = (int) ((ttl >> 16) & 0xFF);
                if (!parseOptions(in, p, p + rdlen, q)) {
                    return Query.Status.FORMERR;
                }
                if (version != 0) {
                    return Query.Status.BADVERS;
                }
            }
            p += rdlen;
        }
        if (q.type == Dns.TYPE_OPT) {
            return Query.Status.FORMERR;
        }
        if (q.qclass != Dns.CLASS_IN && q.qclass != Dns.CLASS_ANY) {
            return Query.Status.REFUSED;
        }
        if (q.type == Dns.TYPE_AXFR || q.type == Dns.TYPE_IXFR || (q.type >= 128 && q.type < 255)) {
            return Query.Status.NOTIMP;
        }
        return Query.Status.OK;
    }

    private static boolean parseOptions(ByteBuf in, int p, int end, Query q) {
        while (p < end) {
            if (p + 4 > end) {
                return false;
            }
            int code = in.getUnsignedShort(p);
            int len = in.getUnsignedShort(p + 2);
            p += 4;
            if (p + len > end) {
                return false;
            }
            if (code == Dns.OPTION_ECS) {
                if (q.ecs || len < 4) {
                    return false;
                }
                int family = in.getUnsignedShort(p);
                int source = in.getUnsignedByte(p + 2);
                int scope = in.getUnsignedByte(p + 3);
                int max = family == 1 ? 32 : family == 2 ? 128 : -1;
                int addrLen = (source + 7) / 8;
                // RFC 7871 7.1.1: scope must be 0 and the address exactly as long as the prefix needs.
                if (max < 0 || source > max || scope != 0 || len - 4 != addrLen) {
                    return false;
                }
                for (int i = 0; i < addrLen; i++) {
                    q.ecsAddress[i] = in.getByte(p + 4 + i);
                }
                // Bits beyond the prefix must be zero.
                if (addrLen > 0 && source % 8 != 0) {
                    int mask = 0xFF >> (source % 8);
                    if ((q.ecsAddress[addrLen - 1] & mask) != 0) {
                        return false;
                    }
                }
                q.ecs = true;
                q.ecsFamily = family;
                q.ecsSourcePrefix = source;
                q.ecsAddressLength = addrLen;
            }
            p += len;
        }
        return true;
    }

    /** Skips a possibly compressed name; returns the offset after it, or -1 when malformed. */
    static int skipName(ByteBuf in, int p, int end) {
        int total = 0;
        while (true) {
            if (p >= end) {
                return -1;
            }
            int len = in.getUnsignedByte(p);
            if ((len & 0xC0) == 0xC0) {
                return p + 2 <= end ? p + 2 : -1;
            }
            if (len > 63) {
                return -1;
            }
            p += 1 + len;
            total += 1 + len;
            if (total > 255) {
                return -1;
            }
            if (len == 0) {
                return p;
            }
        }
    }
}
