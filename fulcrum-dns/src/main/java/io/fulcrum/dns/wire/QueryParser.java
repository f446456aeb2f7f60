package io.fulcrum.dns.wire;

import io.netty.buffer.ByteBuf;

/**
 * Parses a query by hand (its header, question and OPT record; the other records are
 * skipped), reading the buffer in place and filling a reused {@link Query}: the hot path
 * allocates nothing.
 */
public final class QueryParser {

    private QueryParser() {
    }

    /**
     * Parses the message in {@code in} from its reader index to its writer index.
     *
     * <p>Every section is read before the RCODE is decided, so that an error reply can echo
     * the question and the OPT record whenever they were readable (RFC 6891 6.1.1).
     * Records in the answer and authority sections are skipped (an IXFR query carries the
     * client's SOA in its authority section, RFC 1995 3); bytes after the last record are
     * malformed.
     *
     * @return how it went; unless the packet is shorter than a header, {@code q.id} and
     *         {@code q.flags} are set, and {@code q.question} and {@code q.edns} say what an
     *         error reply may echo
     */
    public static Query.Status parse(ByteBuf in, Query q) {
        q.reset();
        int base = in.readerIndex();
        int end = in.writerIndex();
        if (end - base < Dns.HEADER_LENGTH) {
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

        int p = base + Dns.HEADER_LENGTH;
        for (int i = 0; i < qd && p >= 0; i++) {
            p = i == 0 ? readQuestion(in, p, end, q) : skipQuestion(in, p, end);
        }
        q.question = p >= 0 && qd == 1;
        for (int r = 0; r < an + ns && p >= 0; r++) {
            p = skipRecord(in, p, end);
        }
        // Additional section: at most one OPT (RFC 6891); other records are skipped.
        boolean badOpt = false;
        int version = 0;
        for (int r = 0; r < ar && p >= 0; r++) {
            int owner = p;
            p = skipName(in, p, end);
            if (p < 0 || p + 10 > end) {
                p = -1;
                break;
            }
            int type = in.getUnsignedShort(p);
            int rdata = p + 10;
            int rdlen = in.getUnsignedShort(p + 8);
            if (rdata + rdlen > end) {
                p = -1;
                break;
            }
            if (type == Dns.TYPE_OPT) {
                if (q.edns || in.getUnsignedByte(owner) != 0) {
                    badOpt = true; // a second OPT, or one not owned by the root
                } else {
                    long ttl = in.getUnsignedInt(p + 4);
                    q.edns = true;
                    q.udpSize = Math.max(Dns.CLASSIC_UDP_SIZE, in.getUnsignedShort(p + 2));
                    q.dnssecOk = (ttl & 0x8000) != 0;
                    version = (int) ((ttl >> 16) & 0xFF);
                    // The options of another EDNS version are not ours to judge.
                    if (version == 0 && !parseOptions(in, rdata, rdata + rdlen, q)) {
                        badOpt = true;
                    }
                }
            }
            p = rdata + rdlen;
        }
        boolean wellFormed = p == end && !badOpt; // p < end: trailing bytes
        if (wellFormed && version != 0) {
            return Query.Status.BADVERS;
        }
        if (opcode != Dns.OPCODE_QUERY) {
            return Query.Status.NOTIMP; // whatever its sections hold: their format is not ours to judge
        }
        if (!wellFormed || !q.question || an != 0 || q.type == Dns.TYPE_OPT) {
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

    /**
     * Reads the first question into {@code q}: its name lower-cased, with its hash, and as
     * sent (for the reply's question), then type and class. The name must be plain labels (no compression pointer can precede it).
     *
     * @return the offset after the question, or -1 when malformed
     */
    private static int readQuestion(ByteBuf in, int p, int end, Query q) {
        int n = 0;
        int h = NameHash.start();
        byte[] name = q.name;
        byte[] asSent = q.nameAsSent;
        while (true) {
            if (p >= end) {
                return -1;
            }
            int len = in.getUnsignedByte(p);
            if (len > 63 || n + len + 1 > 255 || p + 1 + len > end) {
                return -1;
            }
            asSent[n] = (byte) len;
            name[n++] = (byte) len;
            h = NameHash.step(h, len);
            p++;
            if (len == 0) {
                break;
            }
            for (int i = 0; i < len; i++) {
                int b = in.getUnsignedByte(p + i);
                asSent[n] = (byte) b;
                if (b >= 'A' && b <= 'Z') {
                    b += 32;
                }
                name[n++] = (byte) b;
                h = NameHash.step(h, b);
            }
            p += len;
        }
        if (p + 4 > end) {
            return -1;
        }
        q.nameLength = n;
        q.nameHash = h;
        q.type = in.getUnsignedShort(p);
        q.qclass = in.getUnsignedShort(p + 2);
        return p + 4;
    }

    /** Skips a further question; returns the offset after it, or -1 when malformed. */
    private static int skipQuestion(ByteBuf in, int p, int end) {
        p = skipName(in, p, end);
        return p < 0 || p + 4 > end ? -1 : p + 4;
    }

    /** Skips a resource record; returns the offset after it, or -1 when malformed. */
    private static int skipRecord(ByteBuf in, int p, int end) {
        p = skipName(in, p, end);
        if (p < 0 || p + 10 > end) {
            return -1;
        }
        int next = p + 10 + in.getUnsignedShort(p + 8);
        return next <= end ? next : -1;
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
            if (code == Dns.OPTION_COOKIE) {
                // RFC 7873 5.2.2: a client cookie alone (8 bytes), or with a server cookie of 8 to 32 bytes.
                if (len != 8 && (len < 16 || len > 40)) {
                    return false;
                }
            } else if (code == Dns.OPTION_ECS) {
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
