package io.fulcrum.dns.wire;

import io.netty.buffer.ByteBuf;

/**
 * Writes the reply to one query into an outgoing buffer: a cached reply with the ID,
 * the RD bit and the case of the question name patched in, and an OPT record appended
 * when the query had one; or a short error reply; or, when the reply does not fit the
 * client's UDP size, a truncated one (TC set, question and OPT only).
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
     * @param in        the query (for the question name as the client wrote it)
     * @param body      a reply built by {@link MessageBuilder} for this question name (ignoring case)
     * @param q         the parsed query
     * @param scope     ECS scope prefix length to return
     * @param payload   our advertised UDP payload size
     * @param limit     most bytes the reply may take
     * @return whether the reply was truncated
     */
    public static boolean cached(ByteBuf in, ByteBuf out, byte[] body, Query q, int scope, int payload, int limit) {
        int start = out.writerIndex();
        int full = body.length + q.optLength();
        boolean truncated = full > limit;
        if (truncated) {
            out.writeBytes(body, 0, q.questionEnd());
            out.setShort(start + 2, out.getUnsignedShort(start + 2) | Dns.FLAG_TC);
            out.setLong(start + 4, 0);
            out.setShort(start + 4, 1);
        } else {
            out.writeBytes(body);
        }
        out.setShort(start, q.id);
        out.setByte(start + 2, (out.getByte(start + 2) & ~0x01) | ((q.flags >> 8) & 0x01));
        // The question as the client wrote it (replies compress their names against its name).
        out.setBytes(start + Dns.HEADER_LENGTH, in, in.readerIndex() + Dns.HEADER_LENGTH, q.nameLength + 4);
        if (q.edns) {
            out.setShort(start + 10, out.getUnsignedShort(start + 10) + 1);
            writeOpt(out, q, 0, scope, payload);
        }
        return truncated;
    }

    /**
     * Writes a negative answer built from the query's own question: NXDOMAIN or NODATA with
     * the zone's SOA in the authority section.
     *
     * @param soaTail   the SOA record from its type field on (owner written here as a pointer)
     * @param apexLength wire length of the zone apex, a suffix of the question name
     */
    public static boolean negative(ByteBuf in, ByteBuf out, Query q, int rcode, byte[] soaTail, int apexLength,
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
        out.writeBytes(in, in.readerIndex() + Dns.HEADER_LENGTH, q.nameLength);
        out.writeShort(q.type);
        out.writeShort(q.qclass);
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
    public static void error(ByteBuf in, ByteBuf out, Query q, int rcode, int payload) {
        out.writeShort(q.id);
        int opcodeBits = q.flags & 0x7800;
        out.writeShort(Dns.FLAG_QR | opcodeBits | (q.flags & Dns.FLAG_RD) | (rcode & 0xF));
        out.writeShort(q.question ? 1 : 0);
        out.writeShort(0);
        out.writeShort(0);
        out.writeShort(q.edns ? 1 : 0);
        if (q.question) {
            out.writeBytes(in, in.readerIndex() + Dns.HEADER_LENGTH, q.nameLength);
            out.writeShort(q.type);
            out.writeShort(q.qclass);
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
