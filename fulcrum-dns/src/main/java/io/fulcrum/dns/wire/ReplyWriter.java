package io.fulcrum.dns.wire;

import io.netty.buffer.ByteBuf;

/**
 * Writes the reply to one query into an outgoing buffer: a cached reply with the ID,
 * the RD bit and the case of the question name patched in, and an OPT record appended
 * when the query had one; or a short error reply; or, when the reply does not fit the
 * client's UDP size, a truncated one (TC set, question and OPT only). A cached reply
 * built for a wildcard name can be written for a name it covers ({@link #synthesized}).
 */
public final class ReplyWriter {

    private ReplyWriter() {
    }

    /**
     * How many bytes {@link #cached} will write.
     *
     * @param limit the most the reply may take (UDP payload size, or 65535 over TCP)
     */
    public static int cachedLength(byte[] body, Query q, int limit) {
        int full = body.length + q.optLength();
        return full <= limit ? full : q.questionEnd() + q.optLength();
    }

    /**
     * Writes a cached reply.
     *
     * @param body      a reply built by {@link MessageBuilder} for this question name (ignoring case)
     * @param q         the parsed query
     * @param scope     ECS scope prefix length to return
     * @param payload   our advertised UDP payload size
     * @param limit     most bytes the reply may take
     * @return whether the reply was truncated
     */
    public static boolean cached(ByteBuf out, byte[] body, Query q, int scope, int payload, int limit) {
        int start = out.writerIndex();
        int full = body.length + q.optLength();
        boolean truncated = full > limit;
        if (truncated) {
            out.writeBytes(body, 0, q.questionEnd());
            truncate(out, start);
        } else {
            out.writeBytes(body);
        }
        // The question as the client wrote it (replies compress their names against its name).
        int question = start + Dns.HEADER_LENGTH;
        out.setBytes(question, q.nameAsSent, 0, q.nameLength);
        out.setShort(question + q.nameLength, q.type);
        out.setShort(question + q.nameLength + 2, q.qclass);
        finish(out, start, q, scope, payload);
        return truncated;
    }

    /** How many bytes {@link #synthesized} will write. */
    public static int synthesizedLength(byte[] body, Query q, int limit) {
        int full = body.length - questionNameLength(body) + q.nameLength + q.optLength();
        return full <= limit ? full : q.questionEnd() + q.optLength();
    }

    /**
     * Writes a reply synthesised from a wildcard (RFC 4592 3.3.1): a cached reply built for
     * the wildcard's own name ({@code *.<closest encloser>}) is written with the query's name
     * in its question, so the records it owns (their owners are compression pointers to the
     * question name) are owned by the query name. Everything after the question moves by
     * the difference of the two names' lengths, and so does every compression pointer to it
     * or to the closest encloser's labels; only pointers to the whole question name stay.
     *
     * @param body a reply built by {@link MessageBuilder} for the wildcard name
     * @return whether the reply was truncated
     */
    public static boolean synthesized(ByteBuf out, byte[] body, Query q, int scope, int payload,
                                      int limit) {
        int start = out.writerIndex();
        int wildcardLength = questionNameLength(body);
        int bodyAfterQuestion = Dns.HEADER_LENGTH + wildcardLength + 4;
        boolean truncated = body.length - wildcardLength + q.nameLength + q.optLength() > limit;
        out.writeBytes(body, 0, Dns.HEADER_LENGTH);
        writeQuestion(out, q);
        if (truncated) {
            truncate(out, start);
        } else {
            out.writeBytes(body, bodyAfterQuestion, body.length - bodyAfterQuestion);
            movePointers(out, start, start + q.questionEnd(), q.nameLength - wildcardLength);
        }
        finish(out, start, q, scope, payload);
        return truncated;
    }

    /** Writes the question as the client sent it: the name in its case, the type and the class. */
    private static void writeQuestion(ByteBuf out, Query q) {
        out.writeBytes(q.nameAsSent, 0, q.nameLength);
        out.writeShort(q.type);
        out.writeShort(q.qclass);
    }

    /** Sets TC and keeps only the question (the client retries over TCP). */
    private static void truncate(ByteBuf out, int start) {
        out.setShort(start + 2, out.getUnsignedShort(start + 2) | Dns.FLAG_TC);
        out.setLong(start + 4, 0);
        out.setShort(start + 4, 1);
    }

    /** Patches the query's ID and RD bit into a reply and appends the OPT record when the query had one. */
    private static void finish(ByteBuf out, int start, Query q, int scope, int payload) {
        out.setShort(start, q.id);
        out.setByte(start + 2, (out.getByte(start + 2) & ~0x01) | ((q.flags >> 8) & 0x01));
        if (q.edns) {
            out.setShort(start + 10, out.getUnsignedShort(start + 10) + 1);
            writeOpt(out, q, 0, scope, payload);
        }
    }

    /** Wire length of the question name of an encoded reply (plain labels, from offset 12). */
    private static int questionNameLength(byte[] body) {
        int p = Dns.HEADER_LENGTH;
        while (body[p] != 0) {
            p += (body[p] & 0xFF) + 1;
        }
        return p + 1 - Dns.HEADER_LENGTH;
    }

    /**
     * Adds {@code delta} to every compression pointer in the records of the message at
     * {@code start} (they begin at {@code p}) except pointers to the question name itself.
     * Names are compressed in owners and in the RDATA of NS, CNAME, PTR, MX and SOA only
     * (RFC 3597 4), which is where {@link MessageBuilder} compresses them.
     */
    private static void movePointers(ByteBuf out, int start, int p, int delta) {
        if (delta == 0) {
            return;
        }
        int records = out.getUnsignedShort(start + 6) + out.getUnsignedShort(start + 8)
                + out.getUnsignedShort(start + 10);
        for (int r = 0; r < records; r++) {
            p = moveName(out, p, delta);
            int type = out.getUnsignedShort(p);
            int rdata = p + 10;
            switch (type) {
                case Dns.TYPE_NS, Dns.TYPE_CNAME, Dns.TYPE_PTR -> moveName(out, rdata, delta);
                case Dns.TYPE_MX -> moveName(out, rdata + 2, delta);
                case Dns.TYPE_SOA -> moveName(out, moveName(out, rdata, delta), delta);
                default -> {
                    // no compressed names
                }
            }
            p = rdata + out.getUnsignedShort(p + 8);
        }
    }

    /** Moves the pointer ending the name at {@code p}, if any; returns the offset after the name. */
    private static int moveName(ByteBuf out, int p, int delta) {
        while (true) {
            int len = out.getUnsignedByte(p);
            if ((len & 0xC0) == 0xC0) {
                int target = out.getUnsignedShort(p) & 0x3FFF;
                if (target != Dns.HEADER_LENGTH) {
                    out.setShort(p, 0xC000 | (target + delta));
                }
                return p + 2;
            }
            if (len == 0) {
                return p + 1;
            }
            p += len + 1;
        }
    }

    /**
     * Writes a negative answer built from the query's own question: NXDOMAIN or NODATA with
     * the zone's SOA in the authority section.
     *
     * @param soaTail   the SOA record from its type field on (owner written here as a pointer)
     * @param apexLength wire length of the zone apex, a suffix of the question name
     */
    public static boolean negative(ByteBuf out, Query q, int rcode, byte[] soaTail, int apexLength,
                                   int scope, int payload, int limit) {
        int start = out.writerIndex();
        int qEnd = q.questionEnd();
        int full = qEnd + 2 + soaTail.length + q.optLength();
        boolean truncated = full > limit;
        out.writeShort(q.id);
        out.writeShort(Dns.FLAG_QR | Dns.FLAG_AA | (q.flags & Dns.FLAG_RD) | (truncated ? Dns.FLAG_TC : 0) | rcode);
        out.writeShort(1);
        out.writeShort(0);
        out.writeShort(truncated ? 0 : 1);
        out.writeShort(q.edns ? 1 : 0);
        writeQuestion(out, q);
        if (!truncated) {
            out.writeShort(0xC000 | (Dns.HEADER_LENGTH + q.nameLength - apexLength));
            out.writeBytes(soaTail);
        }
        if (q.edns) {
            writeOpt(out, q, 0, scope, payload);
        }
        assert out.writerIndex() - start <= Math.max(limit, qEnd + q.optLength());
        return truncated;
    }

    /** Bytes {@link #negative} writes. */
    public static int negativeLength(Query q, byte[] soaTail, int limit) {
        int full = q.questionEnd() + 2 + soaTail.length + q.optLength();
        return full <= limit ? full : q.questionEnd() + q.optLength();
    }

    /**
     * Writes an error reply (FORMERR, REFUSED, NOTIMP, BADVERS): the header, the question
     * when the query had one that could be read, and OPT when it had a readable one
     * (RFC 6891 6.1.1: an EDNS query gets an EDNS reply, errors included).
     */
    public static void error(ByteBuf out, Query q, int rcode, int payload) {
        out.writeShort(q.id);
        int opcodeBits = q.flags & 0x7800;
        out.writeShort(Dns.FLAG_QR | opcodeBits | (q.flags & Dns.FLAG_RD) | (rcode & 0xF));
        out.writeShort(q.question ? 1 : 0);
        out.writeShort(0);
        out.writeShort(0);
        out.writeShort(q.edns ? 1 : 0);
        if (q.question) {
            writeQuestion(out, q);
        }
        if (q.edns) {
            writeOpt(out, q, rcode >> 4, 0, payload);
        }
    }

    /** Upper bound of what {@link #error} writes. */
    public static int errorLength(Query q) {
        return q.questionEnd() + q.optLength();
    }

    /** The OPT record: our payload size, the DO bit echoed, and the ECS option with its scope. */
    private static void writeOpt(ByteBuf out, Query q, int extendedRcode, int scope, int payload) {
        out.writeByte(0);
        out.writeShort(Dns.TYPE_OPT);
        out.writeShort(payload);
        out.writeByte(extendedRcode);
        out.writeByte(0);
        out.writeShort(q.dnssecOk ? 0x8000 : 0);
        if (q.ecs) {
            int optLen = 4 + q.ecsAddressLength;
            out.writeShort(4 + optLen);
            out.writeShort(Dns.OPTION_ECS);
            out.writeShort(optLen);
            out.writeShort(q.ecsFamily);
            out.writeByte(q.ecsSourcePrefix);
            out.writeByte(Math.min(scope, q.ecsFamily == 1 ? 32 : 128));
            out.writeBytes(q.ecsAddress, 0, q.ecsAddressLength);
        } else {
            out.writeShort(0);
        }
    }
}
